import validator = require('asl-validator');
import { lambdaArn, loadDefinition, readServerlessConfig } from '../../local/serverlessConfig';

/**
 * asl-validator on each definition as CloudFormation would deploy it (Fn::GetAtt resolved to a
 * function ARN), so the ARN and JSONPath checks run too.
 */
const config = readServerlessConfig();

describe.each(config.stateMachines.map((m) => [m.key, m]))('state machine %s', (_key, machine) => {
  const definition = loadDefinition(config, machine, (fn) => lambdaArn(config.service, 'ci', fn.name, 'us-east-1', '123456789012'));

  it('is valid Amazon States Language', () => {
    const { isValid, errors } = validator(definition);
    expect(errors).toEqual([]);
    expect(isValid).toBe(true);
  });

  it('uses JSONPath only (the local engine cannot run JSONata)', () => {
    expect(JSON.stringify(definition)).not.toMatch(/"QueryLanguage":\s*"JSONata"/);
  });

  it('ends every failure in a Fail state that keeps the error name and cause', () => {
    const states = definition.States as Record<string, any>;
    const fails = Object.values(states).filter((s) => s.Type === 'Fail');
    expect(fails.length).toBeGreaterThan(0);
    for (const fail of fails) expect(fail.ErrorPath ?? fail.Error).toBeDefined();
    for (const [name, state] of Object.entries(states)) {
      if (state.Type !== 'Task') continue;
      const catchAll = (state.Catch ?? []).find((c: any) => c.ErrorEquals.includes('States.ALL'));
      expect({ name, catches: Boolean(catchAll) }).toEqual({ name, catches: true });
      expect(states[catchAll.Next]).toBeDefined();
    }
  });
});

/**
 * Every state entered is a billed transition: a sign-in check runs every few minutes, so its
 * passing path is kept short. Walks the verify definition along the passing path of each kind
 * (a Choice takes the branch the kind selects; a Task its Next) and counts the states entered.
 */
describe('passing paths of the verify machine', () => {
  const verify = config.stateMachines.find((m) => m.key === 'verify')!;
  const definition = loadDefinition(config, verify, (fn) => lambdaArn(config.service, 'ci', fn.name, 'us-east-1', '123456789012'));
  const states = definition.States as Record<string, any>;

  function passingPath(input: Record<string, unknown>): string[] {
    const path: string[] = [];
    let name: string | undefined = definition.StartAt as string;
    while (name) {
      path.push(name);
      const state: any = states[name];
      if (state.End || state.Type === 'Succeed') break;
      if (state.Type === 'Choice') {
        const matches = (rule: any): boolean => {
          if (rule.And) return rule.And.every(matches);
          const value = input[String(rule.Variable).replace(/^\$\./, '')];
          if (rule.IsPresent !== undefined) return (value !== undefined) === rule.IsPresent;
          if (rule.StringEquals !== undefined) return value === rule.StringEquals;
          throw new Error(`the walker does not know ${JSON.stringify(rule)}`);
        };
        name = (state.Choices as any[]).find(matches)?.Next ?? state.Default;
      } else {
        name = state.Next;
      }
      if (path.length > 50) throw new Error('no end');
    }
    return path;
  }

  it('enters 4 states on a passing sign-in run, none of them a sign-up step', () => {
    expect(passingPath({ kind: 'signin' })).toEqual(['ChooseKind', 'StartSignIn', 'AwaitSignInCode', 'FinishSignIn']);
  });

  it('enters 15 states on a passing sign-up run, with or without kind', () => {
    const signUp = passingPath({ kind: 'signup' });
    expect(signUp).toHaveLength(15);
    expect(signUp.slice(0, 3)).toEqual(['ChooseKind', 'PrepareRun', 'AcquireLease']);
    expect(signUp.at(-1)).toBe('Passed');
    expect(passingPath({})).toEqual(signUp);
  });

  it('never deletes the standing user on a failed sign-in run: its failures release the phone and record the reason', () => {
    for (const name of ['StartSignIn', 'AwaitSignInCode', 'FinishSignIn']) {
      let next = states[name].Catch[0].Next as string;
      const after: string[] = [];
      while (next) {
        after.push(next);
        next = states[next].Next;
      }
      expect(after).not.toContain('CleanUpUser');
      expect(after).toContain('ReleaseLeaseAfterFailure');
      // Issue 18: RetryOrFail runs the check again (NextAttempt → ChooseKind) or fails with the confirmed verdict.
      expect(after.slice(-2)).toEqual(['RecordFailure', 'RetryOrFail']);
      expect(states.RetryOrFail.Choices).toEqual([{ Variable: '$.result.retry', IsPresent: true, Next: 'NextAttempt' }]);
      expect(states.RetryOrFail.Default).toBe('Failed');
      expect(states.NextAttempt).toEqual({
        Type: 'Pass',
        Parameters: { 'kind.$': '$.result.kind', 'attempt.$': '$.result.retry.attempt' },
        Next: 'ChooseKind',
      });
    }
  });
});
