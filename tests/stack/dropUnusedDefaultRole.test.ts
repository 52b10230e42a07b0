const { dropUnusedDefaultRole } = require('../../plugins/dropUnusedDefaultRole.js');

const role = { Type: 'AWS::IAM::Role', Properties: {} };
const fn = (roleId: string, dependsOn: string[] = []) => ({
  Type: 'AWS::Lambda::Function',
  DependsOn: dependsOn,
  Properties: { Role: { 'Fn::GetAtt': [roleId, 'Arn'] } },
});

describe('dropUnusedDefaultRole', () => {
  it('drops IamRoleLambdaExecution when every function has its own role', () => {
    const template = { Resources: { IamRoleLambdaExecution: role, ARole: role, AFunction: fn('ARole', ['ALogGroup', 'ARole']) } };
    expect(dropUnusedDefaultRole(template)).toEqual({ dropped: true, users: [] });
    expect(Object.keys(template.Resources).sort()).toEqual(['AFunction', 'ARole']);
  });

  it.each([
    ['a function using it', { F: fn('IamRoleLambdaExecution') }],
    ['a DependsOn', { F: fn('ARole', ['IamRoleLambdaExecution']) }],
    ['a Ref', { P: { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'IamRoleLambdaExecution' }] } } }],
    ['a Fn::Sub', { P: { Type: 'X', Properties: { A: { 'Fn::Sub': 'role ${IamRoleLambdaExecution.Arn}' } } } }],
    ['a dotted Fn::GetAtt', { P: { Type: 'X', Properties: { A: { 'Fn::GetAtt': 'IamRoleLambdaExecution.Arn' } } } }],
  ])('keeps it when the template refers to it (%s)', (_what, resources) => {
    const template = { Resources: { IamRoleLambdaExecution: role, ARole: role, ...resources } };
    const result = dropUnusedDefaultRole(template);
    expect(result.dropped).toBe(false);
    expect(result.users.length).toBe(1);
    expect(template.Resources.IamRoleLambdaExecution).toBe(role);
  });

  it('does not mistake a per-function role whose id contains the name for a use', () => {
    const template = {
      Resources: {
        IamRoleLambdaExecution: role,
        AIamRoleLambdaExecution: role,
        F: fn('AIamRoleLambdaExecution', ['AIamRoleLambdaExecution']),
      },
    };
    expect(dropUnusedDefaultRole(template).dropped).toBe(true);
  });

  it('keeps it when an output names it, and does nothing without it', () => {
    expect(
      dropUnusedDefaultRole({ Resources: { IamRoleLambdaExecution: role }, Outputs: { R: { Value: { Ref: 'IamRoleLambdaExecution' } } } }),
    ).toEqual({ dropped: false, users: ['Outputs.R'] });
    expect(dropUnusedDefaultRole({ Resources: {} })).toEqual({ dropped: false, users: [] });
  });
});
