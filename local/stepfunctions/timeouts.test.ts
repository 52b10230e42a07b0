import { lambdaArn, newEngine, sleep, tokenCollector } from './testing';
import { LIBRARY_NO_TIMEOUT_SECONDS, compileDefinition } from './definition';

const callback = (extra: object) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
  Parameters: { FunctionName: 'cb', Payload: { 'token.$': '$$.Task.Token' } },
  ...extra,
});

function callbackEngine() {
  const tokens = tokenCollector();
  const engine = newEngine(async (_arn, payload) => {
    tokens.push((payload as { token: string }).token);
    return null;
  });
  return { engine, tokens };
}

describe('TimeoutSeconds and HeartbeatSeconds', () => {
  it('raises States.Timeout after TimeoutSeconds, caught by name but not by States.TaskFailed', async () => {
    const { engine, tokens } = callbackEngine();
    const stateMachineArn = engine.createStateMachine('timeout', {
      StartAt: 'Wait',
      States: {
        Wait: callback({
          TimeoutSeconds: 1,
          Catch: [
            { ErrorEquals: ['States.TaskFailed'], Next: 'WrongCatcher' },
            { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'TimedOut' },
          ],
          End: true,
        }),
        WrongCatcher: { Type: 'Fail', Error: 'WrongCatcher' },
        TimedOut: { Type: 'Pass', End: true },
      },
    });
    const started = Date.now();
    const { executionArn } = engine.startExecution({ stateMachineArn });
    const token = await tokens.next();
    const done = await engine.waitForExecution(executionArn);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(1800);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!).error.Error).toBe('States.Timeout');
    expect(() => engine.sendTaskSuccess({ taskToken: token, output: '{}' })).toThrow(expect.objectContaining({ name: 'TaskTimedOut' }));
    const types = engine.getExecutionHistory({ executionArn }).events.map((e) => e.type);
    expect(types).toContain('TaskTimedOut');
  });

  it('raises States.HeartbeatTimeout without a heartbeat; SendTaskHeartbeat keeps the task alive', async () => {
    const { engine, tokens } = callbackEngine();
    const stateMachineArn = engine.createStateMachine('heartbeat', {
      StartAt: 'Wait',
      States: {
        Wait: callback({
          HeartbeatSeconds: 1,
          Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.error', Next: 'Lost' }],
          End: true,
        }),
        Lost: { Type: 'Pass', End: true },
      },
    });
    // Kept alive by heartbeats for three heartbeat periods, then answered.
    const alive = engine.startExecution({ stateMachineArn, name: 'alive' });
    const aliveToken = await tokens.next();
    for (let i = 0; i < 3; i++) {
      await sleep(600);
      engine.sendTaskHeartbeat({ taskToken: aliveToken });
    }
    engine.sendTaskSuccess({ taskToken: aliveToken, output: '"done"' });
    expect(await engine.waitForExecution(alive.executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '"done"' });

    // Silent: times out after one heartbeat period; States.TaskFailed matches a heartbeat timeout.
    const silent = engine.startExecution({ stateMachineArn, name: 'silent' });
    await tokens.next();
    const done = await engine.waitForExecution(silent.executionArn);
    expect(JSON.parse(done.output!).error.Error).toBe('States.HeartbeatTimeout');
  });

  it('applies a timeout to direct Lambda tasks too', async () => {
    const engine = newEngine(() => new Promise(() => undefined));
    const stateMachineArn = engine.createStateMachine('slow-lambda', {
      StartAt: 'Slow',
      States: { Slow: { Type: 'Task', Resource: lambdaArn('slow'), TimeoutSeconds: 1, End: true } },
    });
    const { executionArn } = engine.startExecution({ stateMachineArn });
    expect(await engine.waitForExecution(executionArn)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(engine.getExecutionHistory({ executionArn }).events.map((e) => e.type)).toContain('LambdaFunctionTimedOut');
  });

  it('has no 60 s default task timeout (AWS default is 99999999 s)', async () => {
    // The library would time a task out after 60 s; what it runs must never reach its own timeout.
    const { runnable } = compileDefinition(
      { StartAt: 'T', States: { T: { Type: 'Task', Resource: lambdaArn('t'), End: true } } },
      { retryIntervalScale: 1 },
    );
    expect((runnable.States.T as { TimeoutSeconds?: number }).TimeoutSeconds).toBe(LIBRARY_NO_TIMEOUT_SECONDS);

    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const { engine, tokens } = callbackEngine();
      const stateMachineArn = engine.createStateMachine('no-default', { StartAt: 'Wait', States: { Wait: callback({ End: true }) } });
      const { executionArn } = engine.startExecution({ stateMachineArn });
      const token = await tokens.next();
      await jest.advanceTimersByTimeAsync(10 * 60 * 1000);
      expect(engine.describeExecution({ executionArn }).status).toBe('RUNNING');
      engine.sendTaskSuccess({ taskToken: token, output: '1' });
      await jest.advanceTimersByTimeAsync(0);
      expect((await engine.waitForExecution(executionArn)).status).toBe('SUCCEEDED');
    } finally {
      jest.useRealTimers();
    }
  });
});
