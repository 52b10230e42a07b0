import { lambdaArn, namedError, newEngine, runToEnd, tokenCollector } from './testing';

describe('Task resources', () => {
  it('calls a Lambda ARN resource directly with the effective input and returns its value', async () => {
    const invoke = jest.fn(async () => ({ ok: true }));
    const result = await runToEnd(
      newEngine(invoke),
      {
        StartAt: 'Direct',
        States: {
          Direct: { Type: 'Task', Resource: lambdaArn('direct'), Parameters: { 'who.$': '$.user' }, ResultPath: '$.r', End: true },
        },
      },
      { user: 'user1' },
    );
    // The caller names its execution, so the runtime can count invocations per run.
    expect(invoke).toHaveBeenCalledWith(lambdaArn('direct'), { who: 'user1' }, { executionArn: expect.stringContaining(':execution:') });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.parsedOutput).toEqual({ user: 'user1', r: { ok: true } });
  });

  it('wraps lambda:invoke results like AWS (Payload, StatusCode) and resolves a bare FunctionName', async () => {
    const invoke = jest.fn(async () => 'hello');
    const result = await runToEnd(
      newEngine(invoke),
      {
        StartAt: 'Invoke',
        States: {
          Invoke: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'greeter', 'Payload.$': '$' },
            End: true,
          },
        },
      },
      { a: 1 },
    );
    expect(invoke).toHaveBeenCalledWith(lambdaArn('greeter'), { a: 1 }, { executionArn: expect.stringContaining(':execution:') });
    expect(result.parsedOutput).toMatchObject({ ExecutedVersion: '$LATEST', Payload: 'hello', StatusCode: 200 });
    expect(result.parsedOutput.SdkHttpMetadata.HttpStatusCode).toBe(200);
  });

  const callbackMachine = {
    StartAt: 'Wait for callback',
    States: {
      'Wait for callback': {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: lambdaArn('sender'), Payload: { 'taskToken.$': '$$.Task.Token', 'code.$': '$.code' } },
        Catch: [{ ErrorEquals: ['CodeMismatchException'], ResultPath: '$.failure', Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Pass', End: true },
    },
  };

  it('waitForTaskToken: ignores the Lambda result and outputs what SendTaskSuccess sends', async () => {
    const tokens = tokenCollector();
    const engine = newEngine(async (_arn, payload) => {
      tokens.push((payload as { taskToken: string }).taskToken);
      return 'ignored';
    });
    const stateMachineArn = engine.createStateMachine('callback', callbackMachine);
    const { executionArn } = engine.startExecution({ stateMachineArn, input: '{"code":"123"}' });
    const token = await tokens.next();
    expect(token.length).toBeGreaterThan(40);
    expect(engine.describeExecution({ executionArn }).status).toBe('RUNNING');
    engine.sendTaskSuccess({ taskToken: token, output: '{"verified":true}' });
    const done = await engine.waitForExecution(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ verified: true });
  });

  it('waitForTaskToken: SendTaskFailure fails the state with its error and cause, catchable by name', async () => {
    const engine = newEngine(async (_arn, payload) => {
      // Answering before the invocation returns, as an in-process Lambda may.
      engine.sendTaskFailure({
        taskToken: (payload as { taskToken: string }).taskToken,
        error: 'CodeMismatchException',
        cause: 'wrong code',
      });
      return null;
    });
    const stateMachineArn = engine.createStateMachine('callback-fail', callbackMachine);
    const { executionArn } = engine.startExecution({ stateMachineArn, input: '{"code":"1"}' });
    const done = await engine.waitForExecution(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!).failure).toEqual({ Error: 'CodeMismatchException', Cause: 'wrong code' });
  });

  it('waitForTaskToken: an uncaught SendTaskFailure fails the execution with that error', async () => {
    const engine = newEngine(async (_arn, payload) => {
      setTimeout(() => engine.sendTaskFailure({ taskToken: (payload as { taskToken: string }).taskToken, error: 'Boom', cause: 'why' }), 5);
      return null;
    });
    const stateMachineArn = engine.createStateMachine('callback-uncaught', callbackMachine);
    const { executionArn } = engine.startExecution({ stateMachineArn, input: '{"code":"1"}' });
    const done = await engine.waitForExecution(executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'Boom', cause: 'why' });
  });

  it('lets Retry match a Lambda error by its name and Catch by name, States.TaskFailed and States.ALL', async () => {
    for (const catchOn of ['ValidationError', 'States.TaskFailed', 'States.ALL']) {
      const invoke = jest.fn(async () => {
        throw namedError('ValidationError', 'phone number is invalid');
      });
      const result = await runToEnd(newEngine(invoke), {
        StartAt: 'Check',
        States: {
          Check: {
            Type: 'Task',
            Resource: lambdaArn('check'),
            Retry: [
              { ErrorEquals: ['SomethingElse'], MaxAttempts: 5, IntervalSeconds: 0.01 },
              { ErrorEquals: ['ValidationError'], MaxAttempts: 2, IntervalSeconds: 0.01 },
            ],
            Catch: [
              { ErrorEquals: ['NotThis'], Next: 'Wrong' },
              { ErrorEquals: [catchOn], ResultPath: '$.error', Next: 'Handled' },
            ],
            End: true,
          },
          Wrong: { Type: 'Fail', Error: 'Wrong' },
          Handled: { Type: 'Pass', End: true },
        },
      });
      expect(invoke).toHaveBeenCalledTimes(3);
      expect(result.status).toBe('SUCCEEDED');
      expect(result.parsedOutput.error.Error).toBe('ValidationError');
      expect(JSON.parse(result.parsedOutput.error.Cause)).toMatchObject({
        errorType: 'ValidationError',
        errorMessage: 'phone number is invalid',
      });
    }
  });

  it('fails the execution with the Lambda error name when nothing catches it', async () => {
    const result = await runToEnd(
      newEngine(async () => {
        throw namedError('InvalidSmsRoleTrustRelationshipException');
      }),
      { StartAt: 'T', States: { T: { Type: 'Task', Resource: lambdaArn('t'), End: true } } },
    );
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('InvalidSmsRoleTrustRelationshipException');
  });

  it('fails (uncatchably, as States.Runtime) a resource it cannot run', async () => {
    const result = await runToEnd(
      newEngine(async () => null),
      {
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sns:publish',
            Parameters: { Message: 'x' },
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'P' }],
            End: true,
          },
          P: { Type: 'Pass', End: true },
        },
      },
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });
});
