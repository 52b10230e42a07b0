import { captureLogs } from '../support/logCapture';
import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import { loadDefinition, readServerlessConfig } from '../../local/serverlessConfig';
import { logger } from '../../lib/logger';

/**
 * Issue 11, item 4: a stuck run always ends. The verification machine has a top-level
 * TimeoutSeconds (6000 s as deployed); here the same definition runs with 3 s, and no SMS code ever
 * comes back, so the run stalls in AwaitSignUpCode (a 300 s wait) until the machine times out.
 * Then: TIMED_OUT, and the stopped-run handler (EventBridge status change) deletes the user, frees
 * the lease and records the failed verdict, with the same metrics as a failed run.
 */
// EMF lines on (the local cloud keeps them off unless asked); read when the handlers load.
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
const MACHINE_TIMEOUT_SECONDS = 3;

let cloud: LocalCloud;
let sfn: SFNClient;
let cognito: CognitoIdentityProviderClient;
let db: DynamoDBDocumentClient;
let targetName: string;

beforeAll(async () => {
  logger.setLogLevel('SILENT');
  // codeSource none: the fake phone's SMS go nowhere, so nothing ever answers a wait.
  cloud = await startLocalCloud({
    codeSource: 'none',
    retryIntervalScale: 0.05,
    machineTimeoutSeconds: { verify: MACHINE_TIMEOUT_SECONDS },
    params: { phoneHoldAfterFailureSeconds: '0' },
  });
  sfn = new SFNClient({});
  cognito = new CognitoIdentityProviderClient({});
  db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: cloud.stateMachineArn('provision'), input: '{}' }));
  const provision = await cloud.engine.waitForExecution(executionArn!);
  // The verdict line is logged at INFO (provisioning's lines are not wanted).
  logger.setLogLevel('INFO');
  if (provision.status !== 'SUCCEEDED') throw new Error(`provisioning failed: ${provision.error}: ${provision.cause}`);
  targetName = JSON.parse(provision.output!).targetName;
}, 60_000);
afterAll(async () => {
  for (const c of [sfn, cognito, db]) c?.destroy();
  await cloud?.close();
});

const item = async (pk: string) =>
  (await db.send(new GetCommand({ TableName: process.env.RUNS_TABLE, Key: { pk }, ConsistentRead: true }))).Item;

it('the deployed definition has a machine-level TimeoutSeconds, which the local cloud replaced for this test', () => {
  const config = readServerlessConfig();
  const verify = config.stateMachines.find((m) => m.key === 'verify')!;
  expect(loadDefinition(config, verify, () => 'arn:aws:lambda:us-east-1:123456789012:function:f').TimeoutSeconds).toBe(6000);
  expect(
    JSON.parse(cloud.engine.describeStateMachine({ stateMachineArn: cloud.stateMachineArn('verify') }).definition).TimeoutSeconds,
  ).toBe(MACHINE_TIMEOUT_SECONDS);
});

it('a run stalled past the machine timeout ends TIMED_OUT, its user deleted, its lease freed, a failed verdict and its metrics recorded', async () => {
  const logs = captureLogs();
  const phone = '+15555550600';
  let runId: string;
  let started: number;
  let ended: number;
  try {
    // Given a run whose sign-up code never comes
    started = Date.now();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: cloud.stateMachineArn('verify'),
        input: JSON.stringify({ target: targetName, phoneNumber: phone }),
      }),
    );
    runId = executionArn!.split(':').pop()!;
    // When it stalls past the machine's TimeoutSeconds
    const described = await cloud.engine.waitForExecution(executionArn!);
    ended = Date.now();
    // Then it is TIMED_OUT, with ExecutionTimedOut as the last history event, stuck in the wait
    expect(described).toMatchObject({ status: 'TIMED_OUT' });
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('TIMED_OUT');
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 5 }));
    expect(events[0].type).toBe('ExecutionTimedOut');
    const entered = (await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events!.filter(
      (e) => e.stateEnteredEventDetails,
    );
    expect(entered.at(-1)!.stateEnteredEventDetails!.name).toBe('AwaitSignUpCode');
    // ... and the stopped-run handler has cleaned it up
    for (let i = 0; i < 200 && (await item(`RUN#${runId}`))?.status === 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 25));
  } finally {
    logs.restore();
  }
  expect(ended - started).toBeGreaterThanOrEqual(MACHINE_TIMEOUT_SECONDS * 1000 - 50);
  expect(ended - started).toBeLessThan(MACHINE_TIMEOUT_SECONDS * 1000 + 3000);
  const run = await item(`RUN#${runId}`);
  expect(run).toMatchObject({
    status: 'FAIL',
    reason: 'TimedOut',
    cause: expect.stringContaining('TimeoutSeconds'),
    durationMs: expect.any(Number),
  });
  await expect(cognito.send(new AdminGetUserCommand({ UserPoolId: run!.userPoolId, Username: run!.username }))).rejects.toMatchObject({
    name: 'UserNotFoundException',
  });
  expect(await item(`LEASE#${phone}`)).toBeUndefined();

  // The same verdict line as a failed run (Logs Insights counts failures by reason from it), and one
  // CheckerFailures count (issue 18: TimedOut is class checker): this run warns (CheckerFailingAlarm);
  // FailedChecks, the series that pages (CheckFailingAlarm), is not written.
  const parsed = () =>
    logs.lines
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, any>);
  // The clean-up writes the record, then logs the line: give the line a moment to come out.
  for (let i = 0; i < 40 && !parsed().some((l) => l.message === 'run finished' && l.runId === runId); i++)
    await new Promise((r) => setTimeout(r, 50));
  const lines = parsed();
  expect(lines.filter((l) => l.message === 'run finished' && l.runId === runId)).toEqual([
    expect.objectContaining({ verdict: 'FAIL', reason: 'TimedOut', class: 'checker', attempt: 1, durationMs: expect.any(Number) }),
  ]);
  expect(lines.filter((l) => l._aws)).toEqual([expect.objectContaining({ CheckerFailures: 1, reason: 'TimedOut', runId })]);
}, 30_000);
