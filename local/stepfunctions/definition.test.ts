import { compileDefinition } from './definition';
import { lambdaArn, newEngine } from './testing';

const engine = newEngine(async () => null);

describe('definitions', () => {
  it('refuses a top-level JSONata definition with InvalidDefinition', () => {
    expect(() =>
      engine.createStateMachine('jsonata', { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
    ).toThrow(expect.objectContaining({ name: 'InvalidDefinition', message: expect.stringMatching(/only JSONPath/) }));
  });

  it('refuses a single JSONata state, also inside a Parallel branch', () => {
    const jsonataState = { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $states.input %}', End: true };
    expect(() => engine.createStateMachine('jsonata-state', { StartAt: 'P', States: { P: jsonataState } })).toThrow(
      expect.objectContaining({ name: 'InvalidDefinition', message: expect.stringMatching(/State 'P' uses QueryLanguage JSONata/) }),
    );
    expect(() =>
      engine.createStateMachine('jsonata-branch', {
        StartAt: 'Par',
        States: { Par: { Type: 'Parallel', Branches: [{ StartAt: 'Inner', States: { Inner: jsonataState } }], End: true } },
      }),
    ).toThrow(expect.objectContaining({ name: 'InvalidDefinition' }));
  });

  it('accepts an explicit JSONPath QueryLanguage, and a JSON string definition', () => {
    const arn = engine.createStateMachine(
      'jsonpath',
      JSON.stringify({ QueryLanguage: 'JSONPath', StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
    );
    expect(arn).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:jsonpath');
  });

  it('reports invalid ASL as InvalidDefinition', () => {
    expect(() => engine.createStateMachine('broken', { StartAt: 'Nowhere', States: { P: { Type: 'Pass', End: true } } })).toThrow(
      expect.objectContaining({ name: 'InvalidDefinition' }),
    );
    expect(() =>
      engine.createStateMachine('bad-heartbeat', {
        StartAt: 'T',
        States: { T: { Type: 'Task', Resource: lambdaArn('t'), TimeoutSeconds: 5, HeartbeatSeconds: 10, End: true } },
      }),
    ).toThrow(expect.objectContaining({ name: 'InvalidDefinition', message: expect.stringMatching(/smaller than TimeoutSeconds/) }));
  });

  it('is idempotent for the same name and definition, and refuses another definition under that name', async () => {
    const first = engine.createStateMachine('same', { StartAt: 'P', States: { P: { Type: 'Pass', Result: 1, End: true } } });
    // A different role alone is ignored, as on AWS.
    expect(
      engine.createStateMachine(
        'same',
        '{"StartAt":"P","States":{"P":{"Type":"Pass","Result":1,"End":true}}}',
        'arn:aws:iam::000000000000:role/other',
      ),
    ).toBe(first);
    expect(() => engine.createStateMachine('same', { StartAt: 'P', States: { P: { Type: 'Pass', Result: 2, End: true } } })).toThrow(
      expect.objectContaining({ name: 'StateMachineAlreadyExists' }),
    );
    const { executionArn } = engine.startExecution({ stateMachineArn: first });
    expect((await engine.waitForExecution(executionArn)).output).toBe('1');
  });

  it('refuses definitions whose states are not objects with InvalidDefinition, not a TypeError', () => {
    for (const bad of [
      'null',
      '[]',
      '{"StartAt":"P"}',
      '{"StartAt":"P","States":{"P":null}}',
      '{"StartAt":"B","States":{"B":{"Type":"Parallel","Branches":[null],"End":true}}}',
    ]) {
      expect(() => engine.createStateMachine('malformed', bad)).toThrow(expect.objectContaining({ name: 'InvalidDefinition' }));
    }
  });

  it('scales retry intervals without dropping backoff, and leaves them alone by default', () => {
    const def = {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: lambdaArn('t'),
          Retry: [{ ErrorEquals: ['X'], IntervalSeconds: 4, MaxDelaySeconds: 30, BackoffRate: 3 }],
          End: true,
        },
      },
    };
    const scaled = compileDefinition(def, { retryIntervalScale: 0.5 }).runnable.States.T as { Retry: object[] };
    expect(scaled.Retry[0]).toEqual({ ErrorEquals: ['X'], IntervalSeconds: 2, MaxDelaySeconds: 15, BackoffRate: 3 });
    const asIs = compileDefinition(def, { retryIntervalScale: 1 }).runnable.States.T as { Retry: object[] };
    expect(asIs.Retry[0]).toEqual(def.States.T.Retry[0]);
  });
});
