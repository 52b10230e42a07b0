import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { handler, recordResult } from './recordResult';

process.env.RUNS_TABLE = 'runs-test';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const ARN = 'arn:aws:states:us-east-1:123456789012:execution:verify-dev:run-1';
const NOW = 1_750_000_000_000;
const STARTED = new Date(NOW - 65_000).toISOString();
const update = () => ddb.commandCalls(UpdateCommand)[0].args[0].input;
const lambdaCause = (errorType: string, errorMessage: string) =>
  JSON.stringify({ errorType, errorMessage, trace: [`${errorType}: ${errorMessage}`, '    at x (/var/task/index.js:1:1)'] });

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
  ddb.on(UpdateCommand).resolves({});
  sfn.on(GetExecutionHistoryCommand).resolves({
    events: [
      { id: 1, type: 'TaskStateEntered', timestamp: new Date(NOW - 60_000), stateEnteredEventDetails: { name: 'SignUp' } },
      { id: 2, type: 'TaskStateExited', timestamp: new Date(NOW - 59_500), stateExitedEventDetails: { name: 'SignUp' } },
    ],
  });
});
afterEach(() => jest.restoreAllMocks());

describe('recordResult', () => {
  it('records a PASS with duration and per-step timings, and returns it', async () => {
    const out = await recordResult({ runId: 'run-1', executionArn: ARN, startedAt: STARTED });
    expect(out).toEqual({
      verdict: 'PASS',
      endedAt: new Date(NOW).toISOString(),
      durationMs: 65_000,
      steps: [{ name: 'SignUp', ms: 500 }],
    });
    expect(sfn).toHaveReceivedCommandWith(GetExecutionHistoryCommand, { executionArn: ARN, includeExecutionData: false });
    expect(update()).toMatchObject({ TableName: 'runs-test', Key: { pk: 'RUN#run-1' } });
    expect(update().ExpressionAttributeValues).toMatchObject({ ':status': 'PASS', ':reason': null, ':cause': null, ':durationMs': 65_000 });
  });

  it('records a code wait that timed out as FAIL SmsCodeNotReceived, not States.Timeout', async () => {
    const out = await recordResult({
      runId: 'run-1',
      executionArn: ARN,
      startedAt: STARTED,
      error: { Error: 'States.Timeout', Cause: 'The task timed out.' },
    });
    expect(out).toMatchObject({ verdict: 'FAIL', reason: 'SmsCodeNotReceived' });
    expect(JSON.stringify(out)).not.toContain('States.Timeout');
    expect(update().ExpressionAttributeValues).toMatchObject({ ':status': 'FAIL', ':reason': 'SmsCodeNotReceived' });
  });

  it("names the route the run's code was expected through, read from its record (only for a code wait's timeout)", async () => {
    ddb.on(GetCommand).resolves({ Item: { pk: 'RUN#run-1', runId: 'run-1', codeRoute: 'twilio' } });
    const out = await recordResult({ runId: 'run-1', executionArn: ARN, error: { Error: 'States.Timeout', Cause: 'The task timed out.' } });
    expect(out.cause).toBe('No SMS code reached the run by the Twilio webhook (POST /sms/twilio) before the wait timed out');
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'runs-test', Key: { pk: 'RUN#run-1' } });
    expect(update().ExpressionAttributeValues).toMatchObject({ ':cause': out.cause });
    ddb.resetHistory();
    await recordResult({ runId: 'run-1', executionArn: ARN, error: { Error: 'PhoneBusy', Cause: 'busy' } });
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
  });

  it.each([
    ['PhoneBusy', 'PhoneBusy', 'Another run holds the lease on +*******0100'],
    ['MfaNotEnforced', 'MfaNotEnforced', 'Password login returned tokens'],
    ['CodeMismatchException', 'CodeMismatch', 'CodeMismatchException: Invalid code'],
    ['TooManyRequestsException', 'Throttled', 'TooManyRequestsException: Too many requests'],
    ['UsernameExistsException', 'Unexpected', 'UsernameExistsException: User already exists'],
  ])('records a Lambda error %s as %s, with the errorMessage (not the trace) as cause', async (errorType, reason, message) => {
    const msg = message.replace(/^\w+: /, '');
    const out = await recordResult({
      runId: 'run-1',
      executionArn: ARN,
      startedAt: STARTED,
      error: { Error: errorType, Cause: lambdaCause(errorType, msg) },
    });
    expect(out).toMatchObject({ verdict: 'FAIL', reason, cause: message });
    expect(out.cause).not.toContain('/var/task');
    expect(JSON.stringify(out)).not.toContain('5555550100');
  });

  it('leaves the duration out when the start time is unknown', async () => {
    const out = await recordResult({ runId: 'run-1', executionArn: ARN });
    expect(out.durationMs).toBeUndefined();
    expect(update().ExpressionAttributeValues).toMatchObject({ ':durationMs': null });
  });

  it('treats a null error as a PASS', async () => {
    await expect(recordResult({ runId: 'run-1', executionArn: ARN, error: null })).resolves.toMatchObject({ verdict: 'PASS' });
  });

  it.each<[Record<string, unknown>, string]>([
    [{ runId: 'run-1', executionArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:verify' }, 'executionArn'],
    [{ runId: 'run-1' }, 'executionArn'],
    [{ executionArn: ARN }, 'runId'],
    [{ runId: 'run-1', executionArn: ARN, error: 'boom' }, 'error'],
  ])('rejects %j naming %s, recording nothing', async (event, field) => {
    await expect(recordResult(event)).rejects.toMatchObject({ name: 'ValidationError', field });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('as a Lambda handler, returns the result', async () => {
    await expect(handler({ runId: 'run-1', executionArn: ARN, startedAt: STARTED }, {} as never)).resolves.toMatchObject({
      verdict: 'PASS',
    });
  });
});
