import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { awaitCode, handler } from './awaitCode';
import type { WaitItem } from '../../lib/runs/model';
import { PHONE, runItem } from '../../tests/support/verifyRun';

process.env.RUNS_TABLE = 'runs-test';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const CODE = '739154';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAf-task-token+/=';
const run = runItem;
const wait = (over: Partial<WaitItem> = {}): WaitItem => ({
  pk: `WAIT#${PHONE}`,
  runId: 'run-1',
  step: 'SIGN_UP',
  registeredAt: 0,
  expiresAt: Date.now() + 60_000,
  taskToken: TOKEN,
  ttl: 0,
  ...over,
});

function expectNoSecrets(out: unknown) {
  const json = JSON.stringify(out);
  for (const s of [TOKEN, CODE, PHONE, '5555550100']) expect(json).not.toContain(s);
}

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: run() });
  sfn.on(SendTaskSuccessCommand).resolves({});
});

describe('awaitCode', () => {
  it.each([['SIGN_UP'], ['MFA']] as const)('parks the task token on the run’s open %s wait and waits for the callback', async (step) => {
    ddb.on(UpdateCommand).resolves({ Attributes: wait({ step }) });
    const out = await awaitCode({ runId: 'run-1', step, taskToken: TOKEN });
    expect(out).toEqual({ waiting: true });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'runs-test',
      Key: { pk: `WAIT#${PHONE}` },
      ConditionExpression: '#runId = :run AND #step = :step',
      ExpressionAttributeValues: { ':token': TOKEN, ':run': 'run-1', ':step': step },
    });
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    expectNoSecrets(out);
  });

  it.each([['SIGN_UP'], ['MFA']] as const)(
    'resumes the execution itself when the %s code already arrived, with output exactly {runId, step}',
    async (step) => {
      ddb.on(UpdateCommand).resolves({ Attributes: wait({ step, code: CODE, answered: true, answeredAt: Date.now() }) });
      const out = await awaitCode({ runId: 'run-1', step, taskToken: TOKEN });
      expect(out).toEqual({ waiting: false });
      expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
      const sent = sfn.commandCalls(SendTaskSuccessCommand)[0].args[0].input;
      expect(sent.taskToken).toBe(TOKEN);
      expect(JSON.parse(sent.output!)).toEqual({ runId: 'run-1', step });
      expect(sent.output).not.toContain(CODE);
      expectNoSecrets(out);
    },
  );

  it('fails with WaitNotRegistered when the phone’s wait is not this run’s step', async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    const error = (await awaitCode({ runId: 'run-1', step: 'MFA', taskToken: TOKEN }).catch((e: Error) => e)) as Error;
    expect(error.name).toBe('WaitNotRegistered');
    expect(error.message).not.toContain(TOKEN);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('takes a closed task as resumed: a repeated delivery of the code resumed it first', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: wait({ code: CODE, answered: true }) });
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    await expect(awaitCode({ runId: 'run-1', step: 'SIGN_UP', taskToken: TOKEN })).resolves.toEqual({ waiting: false });
  });

  it('lets any other SendTaskSuccess failure through by name (the Lambda retry resumes it)', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: wait({ code: CODE, answered: true }) });
    sfn.on(SendTaskSuccessCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(awaitCode({ runId: 'run-1', step: 'SIGN_UP', taskToken: TOKEN })).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it.each<[Record<string, unknown>, string]>([
    [{ step: 'SIGN_UP', taskToken: TOKEN }, 'runId'],
    [{ runId: 'run-1', step: 'LOGIN', taskToken: TOKEN }, 'step'],
    [{ runId: 'run-1', taskToken: TOKEN }, 'step'],
    [{ runId: 'run-1', step: 'MFA' }, 'taskToken'],
    [{ runId: 'run-1', step: 'MFA', taskToken: 'has space' }, 'taskToken'],
    [{ runId: 'run-1', step: 'MFA', taskToken: 'x'.repeat(2049) }, 'taskToken'],
  ])('rejects %j naming %s, before any call', async (event, field) => {
    const error = (await awaitCode(event).catch((e: Error) => e)) as Error & { field: string };
    expect(error).toMatchObject({ name: 'ValidationError', field });
    expect(error.message).not.toContain(TOKEN);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('as a Lambda handler, returns no token and no code', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: wait({ code: CODE, answered: true }) });
    expectNoSecrets(await handler({ runId: 'run-1', step: 'SIGN_UP', taskToken: TOKEN }, {} as never));
  });
});
