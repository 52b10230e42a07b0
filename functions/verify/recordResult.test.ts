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
  // No run record unless a test writes one: a run that failed before PrepareRun wrote it.
  ddb.on(GetCommand).resolves({});
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
      attempt: 1,
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

  it("names the route the run's code was expected through, read from its record", async () => {
    ddb.on(GetCommand).resolves({ Item: { pk: 'RUN#run-1', runId: 'run-1', codeRoute: 'twilio' } });
    const out = await recordResult({ runId: 'run-1', executionArn: ARN, error: { Error: 'States.Timeout', Cause: 'The task timed out.' } });
    expect(out.cause).toBe('No SMS code reached the run by the Twilio webhook (POST /sms/twilio) before the wait timed out');
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'runs-test', Key: { pk: 'RUN#run-1' } });
    expect(update().ExpressionAttributeValues).toMatchObject({ ':cause': out.cause });
    // Any other failure keeps its own cause: the route is named only for a code that never came.
    const busy = await recordResult({ runId: 'run-1', executionArn: ARN, error: { Error: 'PhoneBusy', Cause: 'busy' } });
    expect(busy.cause).toBe('busy');
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
    expect(out).toMatchObject({ verdict: 'FAIL', reason, cause: message, attempt: 1 });
    expect(out.retry).toBeUndefined();
    expect(out.cause).not.toContain('/var/task');
    expect(JSON.stringify(out)).not.toContain('5555550100');
  });

  describe('retries before a verdict (issue 18)', () => {
    const FIRST = {
      pk: 'RUN#run-1',
      runId: 'run-1',
      kind: 'signin',
      phoneNumber: '+15555550100',
      userPoolId: 'us-east-1_Abc',
      clientId: 'client',
      username: 'standing',
      startedAt: STARTED,
      status: 'RUNNING',
      timeouts: { signUpCodeSeconds: 300, mfaCodeSeconds: 150 },
      attempt: 1,
      retries: 1,
    };
    const timedOut = { Error: 'States.Timeout', Cause: 'The task timed out.' };
    const updates = () => ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);

    it('runs a retryable failure again: records attempt 1 (class sms, not final) and starts attempt 2 on the first record', async () => {
      ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: FIRST });
      const out = await recordResult({ runId: 'run-1', executionArn: ARN, startedAt: STARTED, error: timedOut });
      expect(out).toMatchObject({
        verdict: 'FAIL',
        reason: 'SmsCodeNotReceived',
        class: 'sms',
        attempt: 1,
        retry: { attempt: 2 },
        kind: 'signin',
      });
      expect(updates()[0]).toMatchObject({ Key: { pk: 'RUN#run-1' } });
      expect(updates()[0]!.ExpressionAttributeValues).toMatchObject({ ':class': 'sms', ':attempt': 1, ':final': false });
      expect(updates()[1]).toMatchObject({ Key: { pk: 'RUN#run-1' }, ExpressionAttributeValues: { ':n': 2 } });
    });

    it('records the confirming attempt on its own record, linked, final, with no further retry', async () => {
      ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: { ...FIRST, status: 'FAIL', attempts: 2 } });
      ddb.on(GetCommand, { Key: { pk: 'RUN#run-1-r2' } }).resolves({
        Item: {
          ...FIRST,
          pk: 'RUN#run-1-r2',
          runId: 'run-1-r2',
          attempt: 2,
          retryOf: 'run-1',
          startedAt: new Date(NOW - 5_000).toISOString(),
        },
      });
      const out = await recordResult({ runId: 'run-1', executionArn: ARN, startedAt: STARTED, error: timedOut });
      expect(out).toMatchObject({ reason: 'SmsCodeNotReceived', class: 'sms', attempt: 2, retryOf: 'run-1', durationMs: 5_000 });
      expect(out.retry).toBeUndefined();
      expect(updates()).toHaveLength(1);
      expect(updates()[0]).toMatchObject({ Key: { pk: 'RUN#run-1-r2' } });
      expect(updates()[0]!.ExpressionAttributeValues).toMatchObject({ ':attempt': 2, ':retryOf': 'run-1', ':final': true });
    });

    it('does not run a misconfigured pool again: MfaNotEnforced is final at once (class pool)', async () => {
      ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: FIRST });
      const out = await recordResult({
        runId: 'run-1',
        executionArn: ARN,
        startedAt: STARTED,
        error: { Error: 'MfaNotEnforced', Cause: lambdaCause('MfaNotEnforced', 'Password login returned tokens') },
      });
      expect(out).toMatchObject({ reason: 'MfaNotEnforced', class: 'pool', attempt: 1 });
      expect(out.retry).toBeUndefined();
      expect(updates()[0]!.ExpressionAttributeValues).toMatchObject({ ':final': true });
    });

    it('names a timed-out wait whose code came late SmsLate, with the delay in the cause', async () => {
      ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: { ...FIRST, retries: 0, smsLateByMs: 2_500 } });
      const out = await recordResult({ runId: 'run-1', executionArn: ARN, startedAt: STARTED, error: timedOut });
      expect(out).toMatchObject({ reason: 'SmsLate', class: 'sms', cause: expect.stringContaining('2.5 s after the wait ended') });
    });
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
