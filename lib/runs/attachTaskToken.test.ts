import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { attachTaskToken } from './attachTaskToken';

process.env.RUNS_TABLE = 'runs-test';

const ddb = mockClient(DynamoDBDocumentClient);
const PHONE = '+15555550100';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAf-task-token';
beforeEach(() => ddb.reset());

describe('attachTaskToken', () => {
  it('sets the token on the run’s own wait for that step and returns the wait as it is now', async () => {
    const wait = { pk: `WAIT#${PHONE}`, runId: 'run-1', step: 'SIGN_UP', taskToken: TOKEN };
    ddb.on(UpdateCommand).resolves({ Attributes: wait });
    await expect(attachTaskToken(PHONE, 'run-1', 'SIGN_UP', TOKEN)).resolves.toEqual(wait);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'runs-test',
      Key: { pk: `WAIT#${PHONE}` },
      UpdateExpression: 'SET #taskToken = :token',
      ConditionExpression: '#runId = :run AND #step = :step',
      ExpressionAttributeValues: { ':token': TOKEN, ':run': 'run-1', ':step': 'SIGN_UP' },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('fails with WaitNotRegistered when the wait is another run’s or another step’s, without leaking the token or phone', async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    const error = (await attachTaskToken(PHONE, 'run-1', 'MFA', TOKEN).catch((e: Error) => e)) as Error;
    expect(error).toMatchObject({ name: 'WaitNotRegistered' });
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).not.toContain(PHONE);
  });

  it('lets other errors through by name', async () => {
    ddb.on(UpdateCommand).rejects(Object.assign(new Error('x'), { name: 'InternalServerError' }));
    await expect(attachTaskToken(PHONE, 'run-1', 'MFA', TOKEN)).rejects.toMatchObject({ name: 'InternalServerError' });
  });
});
