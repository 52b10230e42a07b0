import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetPolicyCommand, GetRoleCommand, IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { ScenarioCloud } from './harness';

/**
 * Issue 17, "Delete only what we made": `cogcheck teardown --input '{"userPoolName":"<a pool made
 * by hand>"}'` deleted that pool and the SMS role the tool's own pool still used. Now every delete
 * reads the target's record and the pool's tags itself, on the local cloud too, where no IAM
 * condition stands in the way.
 */
let s: ScenarioCloud;
let cognito: CognitoIdentityProviderClient;
let iam: IAMClient;
let ssm: SSMClient;
let ours: { userPoolId: string; clientId: string; roleArn: string; policyArn: string; targetParameter: string; externalId: string };
const ROLE = 'MyUserPool-SMS-Role';

beforeAll(async () => {
  // ScenarioCloud.start provisions the tool's own pool with the default names (MyUserPool, ...).
  s = await ScenarioCloud.start();
  cognito = new CognitoIdentityProviderClient({});
  iam = new IAMClient({});
  ssm = new SSMClient({});
  const again = await s.run('provision', {});
  ours = JSON.parse(again.output!);
}, 60_000);
afterAll(async () => {
  cognito?.destroy();
  iam?.destroy();
  ssm?.destroy();
  await s?.close();
});

const exists = (promise: Promise<unknown>) =>
  promise.then(
    () => 'exists',
    (e: Error) => e.name,
  );

describe('provisioning marks what it made', () => {
  it('tags the pool it creates, and DescribeUserPool returns the tags', async () => {
    // AWS: DescribeUserPool returns the pool as a UserPoolType, whose UserPoolTags are "the tags that
    // are assigned to the user pool" (Amazon Cognito user pools API reference, DescribeUserPool and
    // UserPoolType). cognito-local keeps CreateUserPool's UserPoolTags and returns them the same way.
    const { UserPool: pool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: ours.userPoolId }));
    expect(pool!.UserPoolTags).toEqual({ 'managed-by': 'cognito-sms-mfa', stage: 'local' });
  });

  it('records in the target what it made, and a re-run keeps the claim', async () => {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: ours.targetParameter }));
    expect(JSON.parse(Parameter!.Value!)).toMatchObject({
      source: 'provisioned',
      managed: { userPoolId: ours.userPoolId, clientId: ours.clientId, roleName: ROLE, policyArn: ours.policyArn },
    });
  });

  it('uses a pool made by hand that it finds by name, without claiming or tagging it', async () => {
    const { UserPool: hand } = await cognito.send(new CreateUserPoolCommand({ PoolName: 'FoundByName', MfaConfiguration: 'OFF' }));
    const run = await s.run('provision', { userPoolName: 'FoundByName', targetName: 'found-by-name' });
    expect(run.status).toBe('SUCCEEDED');
    const out = JSON.parse(run.output!);
    expect(out.userPoolId).toBe(hand!.Id);
    expect(out.created.userPool).toBe(false);
    expect(out.managed.userPoolId).toBeUndefined();
    // The client it created in that pool is its own, and the role and policy it found carry its tag
    expect(out.managed).toEqual({ clientId: out.clientId, roleName: ROLE, policyArn: ours.policyArn });
    const { UserPool: after } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: hand!.Id }));
    expect(after!.UserPoolTags ?? {}).toEqual({});

    // And its teardown keeps the pool, and the client too: IAM lets teardown delete clients only in
    // pools tagged managed-by, so the code says the same (and tells how to delete it by hand)
    const down = await s.run('teardown', { userPoolName: 'FoundByName', targetName: 'found-by-name' });
    expect(down.status).toBe('SUCCEEDED');
    const deleted = JSON.parse(down.output!);
    expect(deleted.client).toMatchObject({
      deleted: false,
      kept: 'NotManaged',
      id: out.clientId,
      reason: expect.stringContaining('delete-user-pool-client'),
    });
    expect(deleted.userPool).toMatchObject({ deleted: false, kept: 'NotManaged', id: hand!.Id });
    expect(deleted.role).toMatchObject({ deleted: false, kept: 'StillInUse' });
    expect(await exists(cognito.send(new DescribeUserPoolCommand({ UserPoolId: hand!.Id })))).toBe('exists');
    await cognito.send(new DeleteUserPoolCommand({ UserPoolId: hand!.Id }));
  });
});

describe('teardown of a pool made by hand', () => {
  let handId: string;
  let handClientId: string;

  it('keeps the pool, its client and the stack SMS role it uses, and says why', async () => {
    // Given a pool made by hand, as a user might: no tags, sending SMS through the stack's role
    const { UserPool: hand } = await cognito.send(
      new CreateUserPoolCommand({
        PoolName: 'HandMade',
        MfaConfiguration: 'ON',
        AutoVerifiedAttributes: ['phone_number'],
        SmsConfiguration: { SnsCallerArn: ours.roleArn, ExternalId: ours.externalId },
      }),
    );
    handId = hand!.Id!;
    const { UserPoolClient: client } = await cognito.send(
      new CreateUserPoolClientCommand({ UserPoolId: handId, ClientName: 'MyUserPoolClient' }),
    );
    handClientId = client!.ClientId!;

    // When teardown is told its name (targetName defaults to it: no such target is recorded)
    const run = await s.run('teardown', { userPoolName: 'HandMade' });

    // Then it succeeds, deletes nothing, and names each thing it kept and why
    expect(run.status).toBe('SUCCEEDED');
    const out = JSON.parse(run.output!);
    expect(out).toEqual({
      client: { deleted: false, kept: 'NotManaged', id: handClientId, reason: expect.stringContaining('no target named HandMade') },
      userPool: { deleted: false, kept: 'NotManaged', id: handId, reason: expect.stringContaining('has no tag managed-by') },
      attachment: { deleted: false, kept: 'NotManaged', id: ours.policyArn, reason: expect.any(String) },
      policy: { deleted: false, kept: 'NotManaged', id: ours.policyArn, reason: expect.any(String) },
      role: { deleted: false, kept: 'NotManaged', id: ROLE, reason: expect.any(String) },
      target: { deleted: false },
    });
    expect(await exists(cognito.send(new DescribeUserPoolCommand({ UserPoolId: handId })))).toBe('exists');
    expect(await exists(cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: handId, ClientId: handClientId })))).toBe('exists');
    expect(await exists(iam.send(new GetRoleCommand({ RoleName: ROLE })))).toBe('exists');
    expect((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE }))).AttachedPolicies).toHaveLength(1);
    // And the tool's own pool is untouched
    expect(await exists(cognito.send(new DescribeUserPoolCommand({ UserPoolId: ours.userPoolId })))).toBe('exists');
  });

  it('even naming the tool own target, keeps the hand-made pool and the role it still uses', async () => {
    const run = await s.run('teardown', { userPoolName: 'HandMade', targetName: 'MyUserPool' });
    expect(run.status).toBe('SUCCEEDED');
    const out = JSON.parse(run.output!);
    expect(out.userPool).toMatchObject({ deleted: false, kept: 'NotManaged', id: handId });
    expect(out.client).toMatchObject({ deleted: false, kept: 'NotManaged', id: handClientId });
    // Both pools name the role: the tool's own (kept, not the one named) and the hand-made one
    expect(out.role).toMatchObject({ deleted: false, kept: 'StillInUse', reason: expect.stringContaining(handId) });
    expect(out.policy).toMatchObject({ deleted: false, kept: 'StillInUse' });
    expect(out.target).toMatchObject({ deleted: false, kept: 'StillInUse' });
    expect(await exists(iam.send(new GetRoleCommand({ RoleName: ROLE })))).toBe('exists');
  });

  it("a normal teardown deletes the tool's own pool and client, keeps the role while the hand-made pool uses it, then deletes the rest", async () => {
    // When the tool's own pool is torn down while the hand-made pool still sends SMS through the role
    const first = JSON.parse((await s.run('teardown', {})).output!);
    expect(first.client).toEqual({ deleted: true, id: ours.clientId });
    expect(first.userPool).toEqual({ deleted: true, id: ours.userPoolId });
    expect(first.attachment).toMatchObject({ deleted: false, kept: 'StillInUse', reason: expect.stringContaining(handId) });
    expect(first.policy).toMatchObject({ deleted: false, kept: 'StillInUse' });
    expect(first.role).toMatchObject({ deleted: false, kept: 'StillInUse', reason: expect.stringContaining(handId) });
    // The record stays: it is what lets the next teardown delete the role
    expect(first.target).toMatchObject({ deleted: false, kept: 'StillInUse' });
    expect(await exists(iam.send(new GetRoleCommand({ RoleName: ROLE })))).toBe('exists');

    // When the user deletes the hand-made pool and teardown runs again
    await cognito.send(new DeleteUserPoolCommand({ UserPoolId: handId }));
    const second = JSON.parse((await s.run('teardown', {})).output!);

    // Then everything provisioning made is gone
    expect(second).toMatchObject({
      client: { deleted: false },
      userPool: { deleted: false },
      attachment: { deleted: true, id: ours.policyArn },
      policy: { deleted: true, id: ours.policyArn },
      role: { deleted: true, id: ROLE },
      target: { deleted: true, id: ours.targetParameter },
    });
    expect(await exists(iam.send(new GetRoleCommand({ RoleName: ROLE })))).toBe('NoSuchEntityException');
    expect(await exists(iam.send(new GetPolicyCommand({ PolicyArn: ours.policyArn })))).toBe('NoSuchEntityException');
    expect(await exists(ssm.send(new GetParameterCommand({ Name: ours.targetParameter })))).toBe('ParameterNotFound');
  });
});
