import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import { SfnDriver } from './helpers';

/**
 * The local engine's task tokens, heartbeats and timeouts, driven through its Step Functions
 * HTTP API with the real SDK client, with one of the project's own Lambdas behind the task.
 *
 * The task is `lambda:invoke.waitForTaskToken` on `validateInput`: it accepts an empty payload
 * and its return value is ignored while the task waits. It rejects unknown fields, so the token
 * travels in `ClientContext` rather than in the payload; the test reads it back from the
 * TaskScheduled event's parameters, as an operator could from the console.
 */
let cloud: LocalCloud;
let sfn: SfnDriver;
let functionArn: string;
let machines = 0;

beforeAll(async () => {
  cloud = await startLocalCloud({ codeSource: 'none' });
  sfn = new SfnDriver(cloud);
  functionArn = cloud.lambda.arnOf(cloud.config.functions.find((f) => f.name === 'validateInput')!);
}, 30_000);
afterAll(async () => {
  sfn?.destroy();
  await cloud?.close();
});

/** A one-task machine waiting for its token; `extra` adds Timeout/Heartbeat/Catch to the task. */
function waitingMachine(extra: Record<string, unknown> = {}, states: Record<string, unknown> = {}): string {
  const definition = {
    StartAt: 'Wait',
    States: {
      Wait: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: functionArn, Payload: {}, 'ClientContext.$': '$$.Task.Token' },
        ResultPath: '$.answer',
        End: true,
        ...extra,
      },
      ...states,
    },
  };
  // As JSON text, as CreateStateMachine takes it.
  return cloud.engine.createStateMachine(`engine-${++machines}`, JSON.stringify(definition));
}

/** Starts an execution and resolves with it and the token its task waits with. */
async function startWaiting(stateMachineArn: string, input: object = {}) {
  const executionArn = await sfn.start(stateMachineArn, input);
  const token = await sfn.waitFor(executionArn, (events) => {
    const scheduled = events.find((e) => e.type === 'TaskScheduled');
    return scheduled && (JSON.parse(scheduled.taskScheduledEventDetails!.parameters!).ClientContext as string);
  });
  // Wait until the Lambda has returned and the task waits on its token.
  await sfn.waitFor(executionArn, (events) => events.find((e) => e.type === 'TaskSubmitted'));
  return { executionArn, token };
}

const types = async (executionArn: string) => (await sfn.history(executionArn)).map((e) => e.type);

describe('task tokens through the Step Functions API', () => {
  it('SendTaskSuccess resumes the task: its output becomes the state result', async () => {
    // Given an execution waiting on the project's Lambda
    const invocationsBefore = cloud.lambda.invocations.filter((i) => i.functionName === 'validateInput').length;
    const { executionArn, token } = await startWaiting(waitingMachine(), { keep: 1 });
    expect(token).toMatch(/^\S{20,}$/);
    expect(await sfn.statusOf(executionArn)).toBe('RUNNING');
    expect(cloud.lambda.invocations.filter((i) => i.functionName === 'validateInput' && i.ok)).toHaveLength(invocationsBefore + 1);

    // When the token is answered
    await sfn.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ code: 'accepted' }) }));

    // Then the answer (not the Lambda's return value) is the result
    const result = await sfn.finish(executionArn);
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!)).toEqual({ keep: 1, answer: { code: 'accepted' } });
    expect(await types(executionArn)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);

    // And the token is spent: a second answer is refused as for a closed task
    await expect(sfn.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('SendTaskFailure fails the task with that error, caught by a Catch on its name', async () => {
    const machine = waitingMachine(
      {
        Catch: [
          { ErrorEquals: ['SomethingElse'], Next: 'Wrong' },
          { ErrorEquals: ['CodeRejected'], ResultPath: '$.error', Next: 'Rejected' },
        ],
      },
      { Wrong: { Type: 'Fail', Error: 'WrongCatcher' }, Rejected: { Type: 'Pass', End: true } },
    );
    const { executionArn, token } = await startWaiting(machine, { keep: 2 });

    await sfn.sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'CodeRejected', cause: 'the code was wrong' }));

    const result = await sfn.finish(executionArn);
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!)).toEqual({ keep: 2, error: { Error: 'CodeRejected', Cause: 'the code was wrong' } });
    const failed = (await sfn.history(executionArn)).find((e) => e.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails).toMatchObject({ error: 'CodeRejected', cause: 'the code was wrong' });
  });

  it('HeartbeatSeconds: heartbeats keep the task alive; without one it fails with States.HeartbeatTimeout', async () => {
    const machine = waitingMachine({ HeartbeatSeconds: 1, TimeoutSeconds: 30 });

    // Kept alive past two heartbeat periods by SendTaskHeartbeat, then answered
    const alive = await startWaiting(machine);
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 500));
      await sfn.sfn.send(new SendTaskHeartbeatCommand({ taskToken: alive.token }));
    }
    await sfn.sfn.send(new SendTaskSuccessCommand({ taskToken: alive.token, output: '"done"' }));
    expect(await sfn.finish(alive.executionArn)).toMatchObject({ status: 'SUCCEEDED', output: JSON.stringify({ answer: 'done' }) });

    // Silent: fails one heartbeat period after the task started
    const started = Date.now();
    const silent = await startWaiting(machine);
    const result = await sfn.finish(silent.executionArn);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    const timedOut = (await sfn.history(silent.executionArn)).find((e) => e.type === 'TaskTimedOut');
    expect(timedOut?.taskTimedOutEventDetails?.error).toBe('States.HeartbeatTimeout');
    await expect(sfn.sfn.send(new SendTaskHeartbeatCommand({ taskToken: silent.token }))).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('TimeoutSeconds: fails with States.Timeout; a late SendTaskSuccess gets TaskTimedOut', async () => {
    const started = Date.now();
    const { executionArn, token } = await startWaiting(waitingMachine({ TimeoutSeconds: 1 }));

    const result = await sfn.finish(executionArn);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(await types(executionArn)).toEqual(expect.arrayContaining(['TaskSubmitted', 'TaskTimedOut', 'ExecutionFailed']));

    // The late answer is refused with the SDK's TaskTimedOut, and changes nothing
    const late = sfn.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    await expect(late).rejects.toBeInstanceOf(TaskTimedOut);
    await expect(late).rejects.toMatchObject({ name: 'TaskTimedOut', $metadata: { httpStatusCode: 400 } });
    expect(await sfn.statusOf(executionArn)).toBe('FAILED');
  });

  it('stopping the execution closes its task: the token then answers TaskTimedOut', async () => {
    const { executionArn, token } = await startWaiting(waitingMachine());
    await sfn.sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator', cause: 'stopped by the test' }));
    expect(await sfn.finish(executionArn)).toMatchObject({ status: 'ABORTED' });
    await expect(sfn.sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'X' }))).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('an unknown token is InvalidToken, for success, failure and heartbeat alike', async () => {
    const taskToken = `AQ${'x'.repeat(128)}`;
    const calls = [
      () => sfn.sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })),
      () => sfn.sfn.send(new SendTaskFailureCommand({ taskToken, error: 'X' })),
      () => sfn.sfn.send(new SendTaskHeartbeatCommand({ taskToken })),
    ];
    for (const call of calls) {
      const answer = call();
      await expect(answer).rejects.toBeInstanceOf(InvalidToken);
      await expect(answer).rejects.toMatchObject({ name: 'InvalidToken' });
    }
  });
});
