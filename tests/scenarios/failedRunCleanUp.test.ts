import { captureLogs } from '../support/logCapture';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import { readServerlessConfig } from '../../local/serverlessConfig';
import { logger } from '../../lib/logger';

/**
 * Issue 20, item 10: the status-change rule also matches FAILED, because a run that fails with an
 * error `States.ALL` does not catch skips its Catch clean-up: States.ALL "cannot catch the
 * States.DataLimitExceeded terminal error or Runtime error types" (AWS Step Functions developer
 * guide, "Handling errors in Step Functions workflows", error names). Most FAILED runs did go
 * through their Catch, whose clean-up recorded them: for those the handler must do nothing.
 */
let cloud: LocalCloud;
let sfn: SFNClient;
let db: DynamoDBDocumentClient;
let targetName: string;

beforeAll(async () => {
  logger.setLogLevel('SILENT');
  cloud = await startLocalCloud({ codeSource: 'none', retryIntervalScale: 0.05 });
  sfn = new SFNClient({});
  db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: cloud.stateMachineArn('provision'), input: '{}' }));
  const provision = await cloud.engine.waitForExecution(executionArn!);
  if (provision.status !== 'SUCCEEDED') throw new Error(`provisioning failed: ${provision.error}: ${provision.cause}`);
  targetName = JSON.parse(provision.output!).targetName;
  logger.setLogLevel('INFO');
}, 60_000);
afterAll(async () => {
  for (const c of [sfn, db]) c?.destroy();
  await cloud?.close();
});

const item = async (pk: string) =>
  (await db.send(new GetCommand({ TableName: process.env.RUNS_TABLE, Key: { pk }, ConsistentRead: true }))).Item;

it('the deployed rule sends FAILED verify executions to the clean-up, as well as ABORTED and TIMED_OUT', () => {
  const fn = readServerlessConfig().functions.find((f) => f.name === 'cleanUpStoppedRun')!;
  expect(fn.eventPatterns).toEqual([
    expect.objectContaining({ detail: expect.objectContaining({ status: ['ABORTED', 'TIMED_OUT', 'FAILED'] }) }),
  ]);
});

it('a run that FAILED through its Catch is left as its Catch left it: the FAILED event is a no-op', async () => {
  const logs = captureLogs();
  const phone = '+15555550610';
  let runId = '';
  let afterCatch: { run?: Record<string, unknown>; lease?: Record<string, unknown> } | undefined;
  try {
    // Given a run whose SignUp Cognito refuses (not retried): the Catch path cleans up and records it
    cloud.cognito.injectFault({ operation: 'SignUp', error: 'InvalidParameterException', message: 'Injected for this test' });
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: cloud.stateMachineArn('verify'),
        input: JSON.stringify({ target: targetName, phoneNumber: phone }),
      }),
    );
    runId = executionArn!.split(':').pop()!;
    const described = await cloud.engine.waitForExecution(executionArn!);
    expect(described.status).toBe('FAILED');
    afterCatch = { run: await item(`RUN#${runId}`), lease: await item(`LEASE#${phone}`) };
    // When EventBridge delivers the FAILED status change to the clean-up
    const seen = () =>
      logs.lines
        .flatMap((chunk) => chunk.split('\n'))
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((l) => l.runId === runId);
    for (let i = 0; i < 100 && !seen().some((l) => l.message === 'failed run already cleaned up by its Catch'); i++)
      await new Promise((r) => setTimeout(r, 50));
    // Then it saw the run recorded and changed nothing: one verdict line (the Catch's), no second clean-up
    const lines = seen();
    expect(lines.filter((l) => l.message === 'failed run already cleaned up by its Catch')).toHaveLength(1);
    expect(lines.filter((l) => l.message === 'run finished')).toEqual([expect.objectContaining({ verdict: 'FAIL' })]);
    expect(lines.filter((l) => l.message === 'stopped run cleaned up')).toEqual([]);
  } finally {
    logs.restore();
  }
  expect(afterCatch?.run).toMatchObject({ status: 'FAIL' });
  expect(afterCatch?.run?.reason).not.toBe('ExecutionFailed');
  expect(await item(`RUN#${runId}`)).toEqual(afterCatch?.run);
  expect(await item(`LEASE#${phone}`)).toEqual(afterCatch?.lease);
}, 60_000);
