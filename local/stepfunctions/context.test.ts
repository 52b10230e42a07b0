import { lambdaArn, namedError, newEngine, runToEnd } from './testing';

describe('context object', () => {
  it('resolves $$.Task.Token, $$.Execution.*, $$.State.* and $$.StateMachine.* in Task and Pass states', async () => {
    const fixed = Date.parse('2030-01-02T03:04:05.000Z');
    const engine = newEngine(async (_arn, payload) => payload, { now: () => fixed });
    const stateMachineArn = engine.createStateMachine('ctx', {
      StartAt: 'Capture',
      States: {
        Capture: {
          Type: 'Task',
          Resource: lambdaArn('echo'),
          Parameters: {
            'token.$': '$$.Task.Token',
            'executionId.$': '$$.Execution.Id',
            'executionName.$': '$$.Execution.Name',
            'startTime.$': '$$.Execution.StartTime',
            'input.$': '$$.Execution.Input',
            'stateName.$': '$$.State.Name',
            'enteredTime.$': '$$.State.EnteredTime',
            'machineId.$': '$$.StateMachine.Id',
            'machineName.$': '$$.StateMachine.Name',
          },
          ResultPath: '$.task',
          Next: 'Also in Pass',
        },
        'Also in Pass': { Type: 'Pass', Parameters: { 'state.$': '$$.State.Name', 'task.$': '$.task' }, End: true },
      },
    });
    const { executionArn } = engine.startExecution({ stateMachineArn, name: 'run-1', input: '{"phone":"+15550100"}' });
    const done = await engine.waitForExecution(executionArn);
    const out = JSON.parse(done.output!);
    expect(out.state).toBe('Also in Pass');
    expect(out.task).toEqual({
      token: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/),
      executionId: executionArn,
      executionName: 'run-1',
      startTime: '2030-01-02T03:04:05.000Z',
      input: { phone: '+15550100' },
      stateName: 'Capture',
      enteredTime: '2030-01-02T03:04:05.000Z',
      machineId: stateMachineArn,
      machineName: 'ctx',
    });
  });

  it('lets Choice rules read the execution context through the library', async () => {
    const result = await runToEnd(
      newEngine(async () => null),
      {
        StartAt: 'Which',
        States: {
          Which: { Type: 'Choice', Choices: [{ Variable: '$$.Execution.Name', StringMatches: 'named-*', Next: 'Yes' }], Default: 'No' },
          Yes: { Type: 'Pass', Result: 'yes', End: true },
          No: { Type: 'Pass', Result: 'no', End: true },
        },
      },
      {},
      undefined,
    );
    expect(result.parsedOutput).toBe('no');
  });

  it('counts retries of the current entry in $$.State.RetryCount, from 0 again when the state is entered anew', async () => {
    const seen: number[] = [];
    let calls = 0;
    const engine = newEngine(
      async (_arn, payload) => {
        const { retry } = payload as { retry: number };
        seen.push(retry);
        // Fails on the first two attempts of each entry.
        if (++calls % 3 !== 0) throw namedError('Flaky');
        return retry;
      },
      { retryIntervalScale: 0.001 },
    );
    const result = await runToEnd(
      engine,
      {
        StartAt: 'Flaky',
        States: {
          Flaky: {
            Type: 'Task',
            Resource: lambdaArn('flaky'),
            Parameters: { 'retry.$': '$$.State.RetryCount' },
            Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 2 }],
            ResultPath: '$.last',
            Next: 'Again?',
          },
          'Again?': { Type: 'Choice', Choices: [{ Variable: '$.again', BooleanEquals: true, Next: 'Once more' }], Default: 'Done' },
          'Once more': { Type: 'Pass', Result: false, ResultPath: '$.again', Next: 'Flaky' },
          Done: { Type: 'Succeed' },
        },
      },
      { again: true },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(seen).toEqual([0, 1, 2, 0, 1, 2]);
    expect(result.parsedOutput.last).toBe(2);
  });
});
