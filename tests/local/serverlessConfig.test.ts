import { conditionHolds, presentResources, readServerlessConfig, resolveValue, type ServerlessConfig } from '../../local/serverlessConfig';

/**
 * The local cloud decides resources/' CloudFormation Conditions the way a deploy does, from the
 * stage's params, so a resource that a stage would not have (the Custom SMS Sender's key, the Twilio
 * secret) is not there locally either.
 */
const base = readServerlessConfig();
const config: ServerlessConfig = {
  ...base,
  conditions: {
    On: { 'Fn::Equals': ['${param:flag}', 'true'] },
    Off: { 'Fn::Not': [{ Condition: 'On' }] },
    Both: { 'Fn::And': [{ Condition: 'On' }, { 'Fn::Equals': ['${sls:stage}', 'prod'] }] },
    Either: { 'Fn::Or': [{ Condition: 'Off' }, { 'Fn::Equals': ['${self:service}', 'cognito-sms-mfa'] }] },
    Loop: { 'Fn::Not': [{ Condition: 'Loop' }] },
    Odd: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
  },
  params: { flag: 'false' },
  resources: { Always: { Type: 'AWS::SNS::Topic' }, OnlyOn: { Type: 'AWS::KMS::Key', Condition: 'On' } },
};
const ctx = (flag: string, stage = 'local') => ({ stage, params: { flag } });

describe('CloudFormation conditions in the local cloud', () => {
  it('evaluate Fn::Equals over params, Fn::Not, Fn::And, Fn::Or and named conditions', () => {
    expect(conditionHolds(config, 'On', ctx('true'))).toBe(true);
    expect(conditionHolds(config, 'On', ctx('false'))).toBe(false);
    expect(conditionHolds(config, 'Off', ctx('false'))).toBe(true);
    expect(conditionHolds(config, 'Both', ctx('true', 'prod'))).toBe(true);
    expect(conditionHolds(config, 'Both', ctx('true', 'dev'))).toBe(false);
    expect(conditionHolds(config, 'Either', ctx('true'))).toBe(true);
  });

  it('refuse what they cannot decide, a loop and an unknown name, instead of guessing', () => {
    expect(() => conditionHolds(config, 'Loop', ctx('true'))).toThrow(/loop/);
    expect(() => conditionHolds(config, 'Nope', ctx('true'))).toThrow(/no Conditions section defines/);
    expect(() => conditionHolds(config, 'Odd', ctx('true'))).toThrow(/no stand-in for CloudFormation resource AWS::Region/);
  });

  it('leave out the resources whose Condition is false', () => {
    expect(Object.keys(presentResources(config, ctx('false')))).toEqual(['Always']);
    expect(Object.keys(presentResources(config, ctx('true')))).toEqual(['Always', 'OnlyOn']);
  });

  it('resolve Fn::If to the branch the condition picks, AWS::NoValue as empty', () => {
    const value = { 'Fn::If': ['On', { Ref: 'OnlyOn' }, ''] };
    expect(resolveValue(config, value, { ...ctx('true'), refs: { OnlyOn: 'key-1' } })).toBe('key-1');
    expect(resolveValue(config, value, { ...ctx('false'), refs: {} })).toBe('');
    expect(resolveValue(config, { 'Fn::If': ['On', 'x', { Ref: 'AWS::NoValue' }] }, { ...ctx('false'), refs: {} })).toBe('');
  });

  it('of serverless.yml: the optional routes are off with the default params', () => {
    const resources = presentResources(base, { stage: 'local' });
    for (const id of ['CustomSmsSenderKey', 'CustomSmsSenderKeyAlias', 'CustomSmsSenderInvokedByCognito', 'TwilioAuthTokenSecret'])
      expect(resources[id]).toBeUndefined();
    expect(presentResources(base, { stage: 'local', params: { customSmsSender: 'true' } }).CustomSmsSenderKey).toBeDefined();
    expect(presentResources(base, { stage: 'local', params: { twilioWebhook: 'true' } }).TwilioAuthTokenSecret).toBeDefined();
  });
});
