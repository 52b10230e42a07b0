import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { recordTarget } from './recordTarget';

const ssm = mockClient(SSMClient);
const POLICY = 'arn:aws:iam::123456789012:policy/cognito-sms-mfa/Cognito-SNS-Policy';
beforeEach(() => {
  ssm.reset();
  ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'none', $metadata: {} }));
  ssm.on(PutParameterCommand).resolves({ Version: 2 });
});

const target = {
  targetName: 'MyUserPool',
  userPoolId: 'us-east-1_abc',
  userPoolName: 'MyUserPool',
  clientId: 'c1abc',
  clientName: 'MyUserPoolClient',
  userPoolArn: 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc',
};
const made = { roleName: 'MyUserPool-SMS-Role', policyArn: POLICY };
const allMade = { ...target, ...made, userPoolManaged: true, roleManaged: true, policyManaged: true, clientCreated: true };
const noneMade = { ...target, ...made, userPoolManaged: false, roleManaged: false, policyManaged: false, clientCreated: false };
const written = () => JSON.parse(ssm.commandCalls(PutParameterCommand)[0].args[0].input.Value!);
const previous = (record: object) => ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify(record) } });

describe('recordTarget', () => {
  it('writes the target under the stage prefix, overwriting the previous version, with what provisioning made', async () => {
    const managed = { userPoolId: 'us-east-1_abc', clientId: 'c1abc', roleName: 'MyUserPool-SMS-Role', policyArn: POLICY };
    await expect(recordTarget(allMade)).resolves.toEqual({
      parameterName: '/cognito-sms-mfa/test/targets/MyUserPool',
      version: 2,
      managed,
    });
    const sent = ssm.commandCalls(PutParameterCommand)[0].args[0].input;
    expect(sent).toMatchObject({ Name: '/cognito-sms-mfa/test/targets/MyUserPool', Overwrite: true, Type: 'String' });
    const { targetName: _t, ...fields } = target;
    expect(written()).toEqual({
      ...fields,
      name: 'MyUserPool',
      region: 'us-east-1',
      source: 'provisioned',
      managed,
      recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('claims nothing it found without our tag (a pool, role and policy made by someone else)', async () => {
    await expect(recordTarget(noneMade)).resolves.toMatchObject({ managed: {} });
    expect(written()).toMatchObject({ source: 'provisioned', managed: {} });
  });

  it('claims a client found in a pool of ours: deleting the pool deletes its clients anyway', async () => {
    await expect(recordTarget({ ...noneMade, userPoolManaged: true })).resolves.toMatchObject({
      managed: { userPoolId: 'us-east-1_abc', clientId: 'c1abc' },
    });
  });

  it("does not carry over an earlier run's claim on the pool, role or policy: only this run's stage tags claim them", async () => {
    // A record written before stage tags may have claimed another stage's pool by managed-by alone.
    previous({
      name: 'MyUserPool',
      source: 'provisioned',
      managed: { userPoolId: 'us-east-1_abc', clientId: 'c-old', roleName: 'MyUserPool-SMS-Role', policyArn: POLICY },
    });
    await expect(recordTarget(noneMade)).resolves.toMatchObject({ managed: {} });
    expect(written().managed).toEqual({});
  });

  it("keeps an earlier run's claim on the client while it names the same client (clients carry no tags)", async () => {
    previous({ name: 'MyUserPool', source: 'provisioned', managed: { clientId: 'c1abc' } });
    await expect(recordTarget(noneMade)).resolves.toMatchObject({ managed: { clientId: 'c1abc' } });
  });

  it('refuses to overwrite a target added with "target add"', async () => {
    previous({ name: 'MyUserPool', source: 'added', userPoolId: 'us-east-1_theirs', clientId: 'x' });
    await expect(recordTarget(allMade)).rejects.toMatchObject({
      name: 'TargetNameTaken',
      message: expect.stringContaining('us-east-1_theirs'),
    });
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });

  it('rejects a target name that is not a valid SSM name segment', async () => {
    await expect(recordTarget({ ...allMade, targetName: 'a/b' })).rejects.toMatchObject({ name: 'ValidationError', field: 'targetName' });
  });
});
