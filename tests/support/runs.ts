import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { WaitItem } from '../../lib/runs/model';

/** Test helpers for the runs table (lib/runs) as unit tests mock it with aws-sdk-client-mock. */

/** A run's open wait for a code on `phone`: not answered, a minute left. */
export const waitItem = (phone: string, over: Partial<WaitItem> = {}): WaitItem => ({
  pk: `WAIT#${phone}`,
  runId: 'run-1',
  step: 'SIGN_UP',
  registeredAt: Date.now() - 5_000,
  expiresAt: Date.now() + 60_000,
  ttl: 0,
  ...over,
});

/** What DynamoDB throws when a conditional write finds the item not as expected. */
export const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

/** The wait takes the code: the conditional UpdateItem succeeds and returns `wait` answered with the code it stored. */
export function waitTakesCode(ddb: AwsClientStub<DynamoDBDocumentClient>, wait: Partial<WaitItem>): void {
  ddb.on(UpdateCommand).callsFake((input) => ({ Attributes: { ...wait, answered: true, code: input.ExpressionAttributeValues[':code'] } }));
}

/** The UpdateItem calls on waits (WAIT#…), leaving out the seen-message markers (SEEN#…): "was a wait answered?". */
export const waitUpdates = (ddb: AwsClientStub<DynamoDBDocumentClient>) =>
  ddb.commandCalls(UpdateCommand).filter((call) => String(call.args[0].input.Key?.pk).startsWith('WAIT#'));
