import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AdminDeleteUserCommand, CognitoIdentityProviderClient, UserNotFoundException } from '@aws-sdk/client-cognito-identity-provider';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { cleanUpStoppedRun } from './cleanUpStoppedRun';
import { logger } from '../../lib/logger';

// The verdict line that Logs Insights counts failures by reason from (the alarms read AWS/States).
const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
const verdicts = () => info.mock.calls.filter(([message]) => message === 'run finished').map(([, fields]) => fields);

process.env.RUNS_TABLE = 'runs-test';
const ddb = mockClient(DynamoDBDocumentClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const run = {
  pk: 'RUN#run-1',
  runId: 'run-1',
  phoneNumber: '+15555550100',
  userPoolId: 'us-east-1_abc',
  clientId: 'c1',
  username: 'synthetic-run-1',
  status: 'RUNNING',
  startedAt: '2025-01-01T00:00:00.000Z',
};
const event = (status: string, name = 'run-1', extra: object = {}) => ({
  source: 'aws.states',
  'detail-type': 'Step Functions Execution Status Change',
  detail: { name, status, executionArn: `arn:aws:states:us-east-1:123456789012:execution:v:${name}`, ...extra },
});

beforeEach(() => {
  ddb.reset();
  cognito.reset();
  info.mockClear();
  ddb.on(UpdateCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
});

describe('cleanUpStoppedRun', () => {
  it('deletes the synthetic user, frees the phone and records the stopped run as failed (Aborted)', async () => {
    ddb.on(GetCommand).resolves({ Item: run });
    await expect(cleanUpStoppedRun(event('ABORTED'))).resolves.toEqual({ cleaned: true });
    expect(cognito).toHaveReceivedCommandWith(AdminDeleteUserCommand, { UserPoolId: 'us-east-1_abc', Username: 'synthetic-run-1' });
    // The phone is held a moment (an SMS of the stopped run may still arrive), only if still the run's.
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => u.Key)).toEqual([{ pk: 'WAIT#+15555550100' }, { pk: 'LEASE#+15555550100' }, { pk: 'RUN#run-1' }]);
    expect(updates[1]).toMatchObject({ UpdateExpression: 'SET #expiresAt = :until', ConditionExpression: '#runId = :run' });
    expect(updates[2].ExpressionAttributeValues).toMatchObject({
      ':status': 'FAIL',
      ':reason': 'Aborted',
      ':cause': 'The execution was ABORTED (StopExecution)',
    });
    expect(verdicts()).toEqual([expect.objectContaining({ verdict: 'FAIL', reason: 'Aborted' })]);
  });

  it('keeps the standing user of a stopped sign-in run, freeing its phone and recording it', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...run, kind: 'signin', username: 'synthetic-standing-0123456789abcdef01234567' } });
    await expect(cleanUpStoppedRun(event('ABORTED'))).resolves.toEqual({ cleaned: true });
    expect(cognito.calls()).toHaveLength(0);
    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => u.Key)).toEqual([{ pk: 'WAIT#+15555550100' }, { pk: 'LEASE#+15555550100' }, { pk: 'RUN#run-1' }]);
  });

  it('records a timed-out run as TimedOut, with its duration from the event, and logs the failed-run verdict line', async () => {
    ddb.on(GetCommand).resolves({ Item: run });
    await cleanUpStoppedRun(event('TIMED_OUT', 'run-1', { startDate: 1_750_000_000_000, stopDate: 1_750_000_006_000 }));
    const record = ddb
      .commandCalls(UpdateCommand)
      .map((c) => c.args[0].input)
      .find((u) => u.Key?.pk === 'RUN#run-1')!;
    expect(record.ExpressionAttributeValues).toMatchObject({
      ':status': 'FAIL',
      ':reason': 'TimedOut',
      ':cause': expect.stringContaining('TimeoutSeconds'),
      ':durationMs': 6000,
    });
    // The same line as a failed run's RecordFailure.
    expect(verdicts()).toEqual([expect.objectContaining({ verdict: 'FAIL', reason: 'TimedOut', durationMs: 6000 })]);
  });

  it('takes the duration from the run record when the event has no dates', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...run, startedAt: new Date(Date.now() - 5000).toISOString() } });
    await cleanUpStoppedRun(event('TIMED_OUT'));
    const record = ddb
      .commandCalls(UpdateCommand)
      .map((c) => c.args[0].input)
      .find((u) => u.Key?.pk === 'RUN#run-1')!;
    expect(record.ExpressionAttributeValues![':durationMs']).toBeGreaterThanOrEqual(5000);
    expect(record.ExpressionAttributeValues![':durationMs']).toBeLessThan(60_000);
  });

  it('is safe to receive twice: a user already gone and a run already recorded are fine, and counted once', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...run, status: 'FAIL' } });
    cognito.on(AdminDeleteUserCommand).rejects(new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }));
    await expect(cleanUpStoppedRun(event('TIMED_OUT'))).resolves.toEqual({ cleaned: true });
    expect(ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input.Key)).toEqual([
      { pk: 'WAIT#+15555550100' },
      { pk: 'LEASE#+15555550100' },
    ]);
    expect(verdicts()).toEqual([]);
  });

  it('cleans up a run that FAILED past its Catch (States.Runtime, States.DataLimitExceeded): user deleted, phone held, recorded as ExecutionFailed', async () => {
    ddb.on(GetCommand).resolves({ Item: run });
    await expect(cleanUpStoppedRun(event('FAILED'))).resolves.toEqual({ cleaned: true });
    expect(cognito).toHaveReceivedCommandWith(AdminDeleteUserCommand, { UserPoolId: 'us-east-1_abc', Username: 'synthetic-run-1' });
    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => u.Key)).toEqual([{ pk: 'WAIT#+15555550100' }, { pk: 'LEASE#+15555550100' }, { pk: 'RUN#run-1' }]);
    expect(updates[2].ExpressionAttributeValues).toMatchObject({
      ':status': 'FAIL',
      ':reason': 'ExecutionFailed',
      ':cause': expect.stringContaining('no Catch handles'),
    });
    expect(verdicts()).toEqual([expect.objectContaining({ verdict: 'FAIL', reason: 'ExecutionFailed' })]);
  });

  it('leaves a FAILED run that its Catch already recorded alone: no delete, no lease or wait touched, no second verdict', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...run, status: 'FAIL', reason: 'UsernameExistsException' } });
    await expect(cleanUpStoppedRun(event('FAILED'))).resolves.toEqual({ cleaned: false });
    expect(cognito.calls()).toHaveLength(0);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
    expect(verdicts()).toEqual([]);
  });

  it('does nothing for a run stopped before it had a record', async () => {
    ddb.on(GetCommand).resolves({});
    await expect(cleanUpStoppedRun(event('ABORTED'))).resolves.toEqual({ cleaned: false });
    expect(cognito).not.toHaveReceivedCommand(AdminDeleteUserCommand);
  });

  it('refuses an event that is not a stop', async () => {
    await expect(cleanUpStoppedRun(event('SUCCEEDED'))).rejects.toMatchObject({ name: 'ValidationError', field: 'detail.status' });
    await expect(cleanUpStoppedRun({})).rejects.toMatchObject({ name: 'ValidationError', field: 'detail' });
  });
});
