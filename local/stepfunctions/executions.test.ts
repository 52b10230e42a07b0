import { lambdaArn, namedError, newEngine, tokenCollector } from './testing';

const callbackMachine = {
  StartAt: 'Wait for code',
  States: {
    'Wait for code': {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'send', Payload: { 'token.$': '$$.Task.Token', 'n.$': '$.n' } },
      End: true,
    },
  },
};

function callbackEngine(opts = {}) {
  const tokens = tokenCollector();
  const byN = new Map<number, string>();
  const engine = newEngine(async (_arn, payload) => {
    const { token, n } = payload as { token: string; n: number };
    byN.set(n, token);
    tokens.push(token);
    return null;
  }, opts);
  return { engine, tokens, byN };
}

describe('executions', () => {
  it('runs many executions waiting on tokens independently', async () => {
    const { engine, tokens, byN } = callbackEngine();
    const stateMachineArn = engine.createStateMachine('many', callbackMachine);
    const arns = Array.from(
      { length: 12 },
      (_, n) => engine.startExecution({ stateMachineArn, input: JSON.stringify({ n }) }).executionArn,
    );
    for (let i = 0; i < 12; i++) await tokens.next();
    // Answer in reverse order, failing one, to show no answer reaches another execution.
    for (let n = 11; n >= 0; n--) {
      if (n === 5) engine.sendTaskFailure({ taskToken: byN.get(n)!, error: 'Five', cause: 'no' });
      else engine.sendTaskSuccess({ taskToken: byN.get(n)!, output: JSON.stringify({ answer: n }) });
    }
    const results = await Promise.all(arns.map((arn) => engine.waitForExecution(arn)));
    results.forEach((r, n) => {
      if (n === 5) expect(r).toMatchObject({ status: 'FAILED', error: 'Five' });
      else expect(JSON.parse(r.output!)).toEqual({ answer: n });
    });
  });

  it('StopExecution aborts, cancels the wait, and the token then answers TaskTimedOut', async () => {
    const { engine, tokens } = callbackEngine();
    const stateMachineArn = engine.createStateMachine('stop', callbackMachine);
    const { executionArn } = engine.startExecution({ stateMachineArn, input: '{"n":1}' });
    const token = await tokens.next();
    engine.stopExecution({ executionArn, error: 'Operator', cause: 'stopped by test' });
    const done = await engine.waitForExecution(executionArn);
    expect(done).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'stopped by test' });
    expect(done.stopDate).toBeInstanceOf(Date);
    expect(() => engine.sendTaskSuccess({ taskToken: token, output: '{}' })).toThrow(expect.objectContaining({ name: 'TaskTimedOut' }));
    const types = engine.getExecutionHistory({ executionArn }).events.map((e) => e.type);
    expect(types[types.length - 1]).toBe('ExecutionAborted');
  });

  it('answers task tokens like AWS: InvalidToken for unknown ones, TaskTimedOut once the task is closed', async () => {
    const { engine, tokens } = callbackEngine();
    const stateMachineArn = engine.createStateMachine('tokens', callbackMachine);
    for (const call of [
      () => engine.sendTaskSuccess({ taskToken: 'not-a-token', output: '{}' }),
      () => engine.sendTaskFailure({ taskToken: 'AQnot-issued-here' }),
      () => engine.sendTaskHeartbeat({ taskToken: 'x' }),
    ]) {
      expect(call).toThrow(expect.objectContaining({ name: 'InvalidToken' }));
    }
    const { executionArn } = engine.startExecution({ stateMachineArn, input: '{"n":1}' });
    const token = await tokens.next();
    expect(() => engine.sendTaskSuccess({ taskToken: token, output: 'not json' })).toThrow(
      expect.objectContaining({ name: 'InvalidOutput' }),
    );
    engine.sendTaskHeartbeat({ taskToken: token });
    engine.sendTaskSuccess({ taskToken: token, output: '{}' });
    for (const call of [
      () => engine.sendTaskSuccess({ taskToken: token, output: '{}' }),
      () => engine.sendTaskFailure({ taskToken: token }),
      () => engine.sendTaskHeartbeat({ taskToken: token }),
    ]) {
      expect(call).toThrow(expect.objectContaining({ name: 'TaskTimedOut' }));
    }
    await engine.waitForExecution(executionArn);
  });

  it('closes waiting tasks when the execution fails elsewhere (Parallel branch)', async () => {
    const { engine, tokens } = callbackEngine();
    const stateMachineArn = engine.createStateMachine('parallel', {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          End: true,
          Branches: [
            { StartAt: 'Wait for code', States: callbackMachine.States },
            { StartAt: 'Break', States: { Break: { Type: 'Wait', Seconds: 0.2, Next: 'Fail' }, Fail: { Type: 'Fail', Error: 'Broken' } } },
          ],
        },
      },
    });
    const { executionArn } = engine.startExecution({ stateMachineArn, input: '{"n":1}' });
    const token = await tokens.next();
    expect(await engine.waitForExecution(executionArn)).toMatchObject({ status: 'FAILED', error: 'Broken' });
    expect(() => engine.sendTaskSuccess({ taskToken: token, output: '{}' })).toThrow(expect.objectContaining({ name: 'TaskTimedOut' }));
  });

  it('retryIntervalScale compresses Retry waits while keeping BackoffRate', async () => {
    const calls: number[] = [];
    const engine = newEngine(
      async () => {
        calls.push(Date.now());
        if (calls.length < 4) throw namedError('Throttling');
        return 'ok';
      },
      { retryIntervalScale: 0.05 },
    );
    const stateMachineArn = engine.createStateMachine('retry', {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: lambdaArn('t'),
          Retry: [{ ErrorEquals: ['Throttling'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 3 }],
          End: true,
        },
      },
    });
    const { executionArn } = engine.startExecution({ stateMachineArn });
    expect((await engine.waitForExecution(executionArn)).status).toBe('SUCCEEDED');
    const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
    // 2 s, 4 s, 8 s scaled by 0.05: 100, 200, 400 ms.
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(190);
    expect(gaps[2]).toBeGreaterThanOrEqual(390);
    expect(gaps[2]).toBeLessThan(1000);
  });

  it('waitScale compresses Wait states given as Seconds or SecondsPath', async () => {
    const engine = newEngine(async () => null, { waitScale: 0.001 });
    const stateMachineArn = engine.createStateMachine('waits', {
      StartAt: 'Fixed',
      States: {
        Fixed: { Type: 'Wait', Seconds: 300, Next: 'FromInput' },
        FromInput: { Type: 'Wait', SecondsPath: '$.delay', OutputPath: '$.keep', End: true },
      },
    });
    const started = Date.now();
    const { executionArn } = engine.startExecution({ stateMachineArn, input: '{"delay":200,"keep":"k"}' });
    const done = await engine.waitForExecution(executionArn);
    expect(done.output).toBe('"k"');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(490);
    expect(elapsed).toBeLessThan(3000);
  });

  it('fails with TIMED_OUT when the state machine TimeoutSeconds passes', async () => {
    const { engine } = callbackEngine();
    const stateMachineArn = engine.createStateMachine('machine-timeout', { ...callbackMachine, TimeoutSeconds: 1 });
    const { executionArn } = engine.startExecution({ stateMachineArn, input: '{"n":1}' });
    expect(await engine.waitForExecution(executionArn)).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
  });

  it("emits each history event live with its execution ARN, for a CLI's per-state lines", async () => {
    const engine = newEngine(async () => 'ok');
    const seen: Array<[string, string]> = [];
    engine.on('event', (executionArn, event) => seen.push([executionArn, event.type]));
    const stateMachineArn = engine.createStateMachine('live', {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: lambdaArn('t'), End: true } },
    });
    const { executionArn } = engine.startExecution({ stateMachineArn });
    await engine.waitForExecution(executionArn);
    expect(seen).toEqual(engine.getExecutionHistory({ executionArn }).events.map((e) => [executionArn, e.type]));
    expect(seen.map(([, type]) => type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });
});
