import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../cloud';
import type { RunReport } from './runs';

export interface DeliveryEvidenceCount {
  /** Events recorded on the runs' records (RUN#<runId>.deliveryEvents), summed. */
  recorded: number;
  /** Events the local End User Messaging published to the configuration set's SNS destination. */
  published: number;
  /** Per run: its `deliveryEvidence` (what a failed verdict cites), if any. */
  evidence: Record<string, string | undefined>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Counts the delivery events the runs' records hold. Events come after the SMS, so they may still be
 * on their way when the last run ends (a verdict never waits for them): this waits, at most
 * `maxWaitMs`, until every published event reached recordDeliveryEvent, then reads the records.
 */
export async function countDeliveryEvidence(cloud: LocalCloud, runs: RunReport[], maxWaitMs = 5_000): Promise<DeliveryEvidenceCount> {
  await cloud.smsVoice.eventsIdle();
  const published = cloud.smsVoice.events.filter((e) => e.topicArn).length;
  const handled = () => cloud.lambda.invocations.filter((i) => i.functionName === 'recordDeliveryEvent').length;
  for (const deadline = Date.now() + maxWaitMs; handled() < published && Date.now() < deadline;) await sleep(20);
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  try {
    let recorded = 0;
    const evidence: Record<string, string | undefined> = {};
    for (const run of runs) {
      const { Item } = await ddb.send(
        new GetCommand({ TableName: cloud.refs.RunsTable, Key: { pk: `RUN#${run.name}` }, ConsistentRead: true }),
      );
      recorded += Array.isArray(Item?.deliveryEvents) ? Item.deliveryEvents.length : 0;
      evidence[run.name] = Item?.deliveryEvidence as string | undefined;
    }
    return { recorded, published, evidence };
  } finally {
    ddb.destroy();
  }
}
