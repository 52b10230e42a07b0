import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AdminDeleteUserCommand, CognitoIdentityProviderClient, UserNotFoundException } from '@aws-sdk/client-cognito-identity-provider';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { cleanUpStoppedRun } from './cleanUpStoppedRun';

process.env.RUNS_TABLE = 'runs-test';
const ddb = mockClient(DynamoDBDocumentClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const run = { pk: 'RUN#run-1', runId: 'run-1', phoneNumber: '+15555550100', userPoolId: 'us-east-1_abc', clientId: 'c1', username: 'synthetic-run-1', status: 'RUNNING' };
const event = (status: string, name = 'run-1') => ({ source: 'aws.states', 'detail-type': 'Step Functions Execution Status Change', detail: { name, status, executionArn: `arn:aws:states:us-east-1:123456789012:execution:v:${name}` } });

beforeEach(() => {
  ddb.reset();
  cognito.reset();
  ddb.on(UpdateCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
});

describe('cleanUpStoppedRun', () => {
  it('deletes the synthetic user, frees the phone and records the stopped run as failed', async () => {
    ddb.on(GetCommand).resolves({ Item: run });
    await expect(cleanUpStoppedRun(event('ABORTED'))).resolves.toEqual({ cleaned: true });
    expect(cognito).toHaveReceivedCommandWith(AdminDeleteUserCommand, { UserPoolId: 'us-east-1_abc', Username: 'synthetic-run-1' });
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { pk: 'LEASE#+15555550100' }, ConditionExpression: '#runId = :run' });
    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => u.Key)).toEqual([{ pk: 'WAIT#+15555550100' }, { pk: 'RUN#run-1' }]);
    expect(updates[1].ExpressionAttributeValues).toMatchObject({ ':status': 'FAIL', ':reason': 'Unexpected', ':cause': 'The execution was ABORTED' });
  });

  it('is safe to receive twice: a user already gone and a run already recorded are fine', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...run, status: 'FAIL' } });
    cognito.on(AdminDeleteUserCommand).rejects(new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }));
    await expect(cleanUpStoppedRun(event('TIMED_OUT'))).resolves.toEqual({ cleaned: true });
    expect(ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input.Key)).toEqual([{ pk: 'WAIT#+15555550100' }]);
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
