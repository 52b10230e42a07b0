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
          Catch: [
            { ErrorEquals: ['States.TaskFailed'], Next: 'WrongCatcher' },
            { ErrorEquals: ['States.HeartbeatTimeout'], ResultPath: '$.error', Next: 'Lost' },
          ],
          End: true,
        }),
        WrongCatcher: { Type: 'Fail', Error: 'WrongCatcher' },
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

    // Silent: times out after one heartbeat period. Like States.Timeout, it is not a States.TaskFailed.
    const silent = engine.startExecution({ stateMachineArn, name: 'silent' });
    await tokens.next();
    const done = await engine.waitForExecution(silent.executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!).error.Error).toBe('States.HeartbeatTimeout');
  });

  it('lets States.Timeout retriers and catchers match a heartbeat timeout, as AWS does', async () => {
    let invocations = 0;
    const counting = newEngine(async () => {
      invocations++;
      return null;
    });
    const stateMachineArn = counting.createStateMachine('heartbeat-as-timeout', {
      StartAt: 'Wait',
      States: {
        Wait: callback({
          HeartbeatSeconds: 1,
          Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 1, MaxAttempts: 1 }],
          Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'Lost' }],
          End: true,
        }),
        Lost: { Type: 'Pass', End: true },
      },
    });
    const { executionArn } = counting.startExecution({ stateMachineArn });
    const done = await counting.waitForExecution(executionArn);
    expect(invocations).toBe(2);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!).error.Error).toBe('States.HeartbeatTimeout');
  }, 10_000);

  it('keeps timeouts longer than Node can time (2^31 ms, about 24.8 days) instead of firing at once', async () => {
    const { engine, tokens } = callbackEngine();
    const thirtyDays = 30 * 24 * 3600;
    const stateMachineArn = engine.createStateMachine('long-timeouts', {
      StartAt: 'Wait',
      States: { Wait: callback({ TimeoutSeconds: thirtyDays, HeartbeatSeconds: thirtyDays - 1, End: true }) },
    });
    const { executionArn } = engine.startExecution({ stateMachineArn });
    const token = await tokens.next();
    await sleep(300);
    expect(engine.describeExecution({ executionArn }).status).toBe('RUNNING');
    engine.sendTaskSuccess({ taskToken: token, output: '1' });
    expect((await engine.waitForExecution(executionArn)).status).toBe('SUCCEEDED');
  });

  it('takes TimeoutSecondsPath from the input, records it, and fails the run on a value that is not a positive integer', async () => {
    const { engine, tokens } = callbackEngine();
    const stateMachineArn = engine.createStateMachine('timeout-path', {
      StartAt: 'Wait',
      States: {
        Wait: callback({ TimeoutSecondsPath: '$.t', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true }),
        Caught: { Type: 'Pass', End: true },
      },
    });
    const ok = engine.startExecution({ stateMachineArn, name: 'ok', input: '{"t":1}' });
    await tokens.next();
    expect(await engine.waitForExecution(ok.executionArn)).toMatchObject({ status: 'SUCCEEDED' });
    const scheduled = engine.getExecutionHistory({ executionArn: ok.executionArn }).events.find((e) => e.type === 'TaskScheduled');
    expect(scheduled?.taskScheduledEventDetails).toMatchObject({ timeoutInSeconds: 1 });

    for (const [name, t] of [
      ['text', '"1"'],
      ['zero', '0'],
      ['negative', '-5'],
      ['fraction', '1.5'],
    ] as const) {
      const bad = engine.startExecution({ stateMachineArn, name, input: `{"t":${t}}` });
      const done = await engine.waitForExecution(bad.executionArn);
      // A runtime error: neither retried nor caught, even by States.ALL.
      expect(done).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
      expect(done.cause).toContain('TimeoutSecondsPath');
    }
  });

  it("fails the run when a Wait state's SecondsPath or TimestampPath selects an unusable value", async () => {
    const engine = newEngine(async () => null);
    const cases: Array<[string, object, object]> = [
      ['seconds-text', { SecondsPath: '$.s' }, { s: 'soon' }],
      ['seconds-negative', { SecondsPath: '$.s' }, { s: -1 }],
      ['timestamp-garbage', { TimestampPath: '$.at' }, { at: 'tomorrow-ish' }],
      ['timestamp-number', { TimestampPath: '$.at' }, { at: 1767225600 }],
      // Date.parse takes these; AWS wants RFC 3339 (a T and a zone).
      ['timestamp-prose', { TimestampPath: '$.at' }, { at: 'March 7, 2030' }],
      ['timestamp-no-zone', { TimestampPath: '$.at' }, { at: '2030-01-01T00:00:00' }],
    ];
    for (const [name, wait, input] of cases) {
      const stateMachineArn = engine.createStateMachine(name, {
        StartAt: 'W',
        States: { W: { Type: 'Wait', ...wait, Next: 'Done' }, Done: { Type: 'Succeed' } },
      });
      const { executionArn } = engine.startExecution({ stateMachineArn, input: JSON.stringify(input) });
      const done = await engine.waitForExecution(executionArn);
      expect({ name, status: done.status, error: done.error }).toEqual({ name, status: 'FAILED', error: 'States.Runtime' });
    }
    const ok = engine.createStateMachine('seconds-ok', {
      StartAt: 'W',
      States: { W: { Type: 'Wait', SecondsPath: '$.s', Next: 'Done' }, Done: { Type: 'Succeed' } },
    });
    const { executionArn } = engine.startExecution({ stateMachineArn: ok, input: '{"s":0}' });
    expect((await engine.waitForExecution(executionArn)).status).toBe('SUCCEEDED');
    const past = engine.createStateMachine('timestamp-ok', {
      StartAt: 'W',
      States: { W: { Type: 'Wait', TimestampPath: '$.at', Next: 'Done' }, Done: { Type: 'Succeed' } },
    });
    const at = engine.startExecution({ stateMachineArn: past, input: '{"at":"2020-01-02T03:04:05.678+01:00"}' });
    expect((await engine.waitForExecution(at.executionArn)).status).toBe('SUCCEEDED');
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
