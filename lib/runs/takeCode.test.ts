import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { takeCode } from './takeCode';

process.env.RUNS_TABLE = 'runs-test';

const ddb = mockClient(DynamoDBDocumentClient);
const PHONE = '+15555550100';
const NOW = 1_750_000_000_000;

beforeEach(() => {
  ddb.reset();
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
});
afterEach(() => jest.restoreAllMocks());

describe('takeCode', () => {
  it('marks the code consumed only if it answers this run’s step, and returns it', async () => {
    const wait = { pk: `WAIT#${PHONE}`, runId: 'run-1', step: 'MFA', code: '654321', answered: true, consumedAt: NOW };
    ddb.on(UpdateCommand).resolves({ Attributes: wait });
    await expect(takeCode(PHONE, 'run-1', 'MFA')).resolves.toEqual({ code: '654321', wait });
    const input = ddb.commandCalls(UpdateCommand)[0].args[0].input;
    expect(input).toMatchObject({
      TableName: 'runs-test',
      Key: { pk: `WAIT#${PHONE}` },
      ReturnValues: 'ALL_OLD',
      UpdateExpression: 'SET #consumedAt = :now REMOVE #code',
    });
    expect(input.ConditionExpression).toBe('#runId = :run AND #step = :step AND #answered = :yes AND attribute_exists(#code)');
    expect(input.ExpressionAttributeValues).toEqual({ ':now': NOW, ':run': 'run-1', ':step': 'MFA', ':yes': true });
  });

  it('returns a numeric code as a string', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { runId: 'run-1', step: 'SIGN_UP', code: 12345, answered: true } });
    expect((await takeCode(PHONE, 'run-1', 'SIGN_UP')).code).toBe('12345');
  });

  it('fails with SmsCodeNotReceived when no code for this run and step is there, without naming the phone', async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    const error = await takeCode(PHONE, 'run-1', 'SIGN_UP').catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'SmsCodeNotReceived', message: 'No SIGN_UP code was delivered for run run-1' });
    expect((error as Error).message).not.toContain('5555550100');
  });

  it('lets other DynamoDB errors through by name', async () => {
    ddb.on(UpdateCommand).rejects(Object.assign(new Error('x'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(takeCode(PHONE, 'run-1', 'MFA')).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
  });
});
