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
