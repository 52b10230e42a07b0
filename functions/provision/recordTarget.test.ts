import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { recordTarget } from './recordTarget';

const ssm = mockClient(SSMClient);
beforeEach(() => ssm.reset());

const input = {
  targetName: 'MyUserPool',
  userPoolId: 'us-east-1_abc',
  userPoolName: 'MyUserPool',
  clientId: 'c1abc',
  clientName: 'MyUserPoolClient',
  userPoolArn: 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc',
};

describe('recordTarget', () => {
  it('writes the target under the stage prefix, overwriting the previous version', async () => {
    ssm.on(PutParameterCommand).resolves({ Version: 2 });
    await expect(recordTarget(input)).resolves.toEqual({ parameterName: '/cognito-sms-mfa/test/targets/MyUserPool', version: 2 });
    const sent = ssm.commandCalls(PutParameterCommand)[0].args[0].input;
    expect(sent).toMatchObject({ Name: '/cognito-sms-mfa/test/targets/MyUserPool', Overwrite: true, Type: 'String' });
    expect(JSON.parse(sent.Value!)).toEqual({ ...input, name: 'MyUserPool', targetName: undefined, region: 'us-east-1' });
  });

  it('rejects a target name that is not a valid SSM name segment', async () => {
    await expect(recordTarget({ ...input, targetName: 'a/b' })).rejects.toMatchObject({ name: 'ValidationError', field: 'targetName' });
  });
});
