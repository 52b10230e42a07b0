import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  GetPolicyCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListPoliciesCommand,
} from '@aws-sdk/client-iam';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { cognitoSmsTrustPolicy } from '../../lib/iam/smsTrustPolicy';
import { SNS_PUBLISH_POLICY } from '../../functions/provision/ensureSnsPolicy';
import { ScenarioCloud } from './harness';

/**
 * Reviewer finding 1: default names (MyUserPool, MyUserPool-SMS-Role, the IAM path) are the same on
 * every stage, so `prod` provisioned in dev's account and Region found dev's pool, role and policy by
 * name, claimed them by their managed-by tag, and prod's teardown deleted them. The local cloud runs
 * one stage (`local`); another stage's resources are made here with the SDK, tagged as that stage's
 * provisioning tags them (managed-by, and stage=prod).
 */
let s: ScenarioCloud;
let cognito: CognitoIdentityProviderClient;
let iam: IAMClient;
let ssm: SSMClient;
let prefix: string;
/** The stack's own provisioned target (default names), made by ScenarioCloud.start and found again here. */
let ours: { targetName: string; targetParameter: string; userPoolId: string; clientId: string; roleArn: string; policyArn: string };
const PROD_TAGS = { 'managed-by': 'cognito-sms-mfa', stage: 'prod' };
const iamTags = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
const prod = { userPoolName: 'ProdPool', clientName: 'ProdClient', roleName: 'Prod-SMS-Role', policyName: 'Prod-SNS-Policy' };
let prodIds: { userPoolId: string; userPoolArn: string; clientId: string; roleArn: string; policyArn: string };

beforeAll(async () => {
  s = await ScenarioCloud.start();
  cognito = new CognitoIdentityProviderClient({});
  iam = new IAMClient({});
  ssm = new SSMClient({});
  ours = JSON.parse((await s.run('provision', {})).output!);
  prefix = ours.targetParameter.slice(0, ours.targetParameter.lastIndexOf('/'));

  // Stage prod's resources, as its provisioning made them in the same account and Region.
  const externalId = 'e3b0c442-98fc-1c14-9afb-f4c8996fb924';
  const { Role: role } = await iam.send(
    new CreateRoleCommand({
      RoleName: prod.roleName,
      Path: '/cognito-sms-mfa/',
      AssumeRolePolicyDocument: JSON.stringify(cognitoSmsTrustPolicy(externalId)),
      Tags: iamTags(PROD_TAGS),
    }),
  );
  const { Policy: policy } = await iam.send(
    new CreatePolicyCommand({
      PolicyName: prod.policyName,
      Path: '/cognito-sms-mfa/',
      PolicyDocument: JSON.stringify(SNS_PUBLISH_POLICY),
      Tags: iamTags(PROD_TAGS),
    }),
  );
  await iam.send(new AttachRolePolicyCommand({ RoleName: prod.roleName, PolicyArn: policy!.Arn! }));
  const { UserPool: pool } = await cognito.send(
    new CreateUserPoolCommand({
      PoolName: prod.userPoolName,
      MfaConfiguration: 'ON',
      AutoVerifiedAttributes: ['phone_number'],
      SmsConfiguration: { SnsCallerArn: role!.Arn!, ExternalId: externalId },
      UserPoolTags: PROD_TAGS,
    }),
  );
  const { UserPoolClient: client } = await cognito.send(
    new CreateUserPoolClientCommand({ UserPoolId: pool!.Id!, ClientName: prod.clientName }),
  );
  prodIds = { userPoolId: pool!.Id!, userPoolArn: pool!.Arn!, clientId: client!.ClientId!, roleArn: role!.Arn!, policyArn: policy!.Arn! };
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

async function prodStillThere() {
  expect(await exists(cognito.send(new DescribeUserPoolCommand({ UserPoolId: prodIds.userPoolId })))).toBe('exists');
  expect(await exists(iam.send(new GetRoleCommand({ RoleName: prod.roleName })))).toBe('exists');
  expect(await exists(iam.send(new GetPolicyCommand({ PolicyArn: prodIds.policyArn })))).toBe('exists');
}

describe("a second stage's provisioning and teardown meet the first stage's resources", () => {
  it("provisioning on this stage uses prod's pool, role and policy found by name, claims none, tags none", async () => {
    const run = await s.run('provision', { ...prod, targetName: 'prod-names' });
    expect(run.status).toBe('SUCCEEDED');
    const out = JSON.parse(run.output!);
    expect(out.userPoolId).toBe(prodIds.userPoolId);
    expect(out.managed).toEqual({});
    // Review 2, finding C: prod's role is not changed (the policy is prod's here, and already attached).
    expect(out.attachment).toMatchObject({ attached: false, kept: 'NotManaged', roleName: prod.roleName });
    const { UserPool: after } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: prodIds.userPoolId }));
    expect(after!.UserPoolTags).toEqual(PROD_TAGS);
  });

  it("teardown on this stage keeps prod's pool, client, role and policy (NotManaged), naming the stage that made them", async () => {
    const run = await s.run('teardown', { ...prod, targetName: 'prod-names' });
    expect(run.status).toBe('SUCCEEDED');
    const out = JSON.parse(run.output!);
    expect(out.userPool).toMatchObject({ deleted: false, kept: 'NotManaged', id: prodIds.userPoolId });
    expect(out.client).toMatchObject({ deleted: false, kept: 'NotManaged', id: prodIds.clientId });
    expect(out.role).toMatchObject({ deleted: false, kept: expect.stringMatching(/NotManaged|StillInUse/) });
    expect(out.policy).toMatchObject({ deleted: false });
    expect(out.attachment).toMatchObject({ deleted: false });
    await prodStillThere();
  });

  it('teardown keeps them even when this stage holds a record, written before stage tags, that claims all four', async () => {
    // What provisioning recorded before the fix: it claimed prod's resources by managed-by alone.
    const record = {
      name: 'prod-claimed',
      region: process.env.AWS_REGION,
      userPoolId: prodIds.userPoolId,
      userPoolArn: prodIds.userPoolArn,
      userPoolName: prod.userPoolName,
      clientId: prodIds.clientId,
      clientName: prod.clientName,
      source: 'provisioned',
      managed: { userPoolId: prodIds.userPoolId, clientId: prodIds.clientId, roleName: prod.roleName, policyArn: prodIds.policyArn },
    };
    await ssm.send(new PutParameterCommand({ Name: `${prefix}/prod-claimed`, Value: JSON.stringify(record), Type: 'String' }));
    // The pool is deleted first, so the role and policy would be free: only their own tags keep them.
    const run = await s.run('teardown', { ...prod, targetName: 'prod-claimed' });
    expect(run.status).toBe('SUCCEEDED');
    const out = JSON.parse(run.output!);
    const byProd = expect.stringContaining('was made by stage prod, not by this stage (local)');
    expect(out.userPool).toEqual({ deleted: false, kept: 'NotManaged', id: prodIds.userPoolId, reason: byProd });
    expect(out.client).toMatchObject({ deleted: false, kept: 'NotManaged', id: prodIds.clientId });
    await prodStillThere();

    // And once prod's pool no longer names the role (prod tore its pool down), this stage's teardown still keeps prod's role and policy
    await cognito.send(new DeleteUserPoolCommand({ UserPoolId: prodIds.userPoolId }));
    const again = JSON.parse((await s.run('teardown', { ...prod, targetName: 'prod-claimed' })).output!);
    expect(again.attachment).toEqual({ deleted: false, kept: 'NotManaged', id: prodIds.policyArn, reason: byProd });
    expect(again.policy).toEqual({ deleted: false, kept: 'NotManaged', id: prodIds.policyArn, reason: byProd });
    expect(again.role).toEqual({ deleted: false, kept: 'NotManaged', id: prod.roleName, reason: byProd });
    expect(await exists(iam.send(new GetRoleCommand({ RoleName: prod.roleName })))).toBe('exists');
    expect(await exists(iam.send(new GetPolicyCommand({ PolicyArn: prodIds.policyArn })))).toBe('exists');
  });

  it('a pool tagged managed-by only (provisioned before stage tags) is neither claimed nor deleted', async () => {
    const { UserPool: legacy } = await cognito.send(
      new CreateUserPoolCommand({ PoolName: 'LegacyPool', MfaConfiguration: 'OFF', UserPoolTags: { 'managed-by': 'cognito-sms-mfa' } }),
    );
    const made = JSON.parse((await s.run('provision', { userPoolName: 'LegacyPool' })).output!);
    expect(made.managed.userPoolId).toBeUndefined();
    const down = JSON.parse((await s.run('teardown', { userPoolName: 'LegacyPool' })).output!);
    expect(down.userPool).toEqual({
      deleted: false,
      kept: 'NotManaged',
      id: legacy!.Id,
      reason: expect.stringContaining('tag it stage=local'),
    });
    expect(await exists(cognito.send(new DescribeUserPoolCommand({ UserPoolId: legacy!.Id! })))).toBe('exists');
  });
});

describe('provisioning with a role that is not ours (review 2, finding C)', () => {
  it("attaches nothing to it: this stage's own new policy stays off prod's role, the step says NotManaged, provisioning goes on", async () => {
    const names = {
      userPoolName: 'OverProdRole',
      clientName: 'OverProdRoleClient',
      roleName: prod.roleName,
      policyName: 'Local-Own-SNS-Policy',
    };
    const run = await s.run('provision', { ...names, targetName: 'over-prod-role' });
    expect(run.status).toBe('SUCCEEDED');
    const out = JSON.parse(run.output!);
    expect(out.created).toMatchObject({ role: false, policy: true, userPool: true });
    expect(out.attachment).toEqual({
      roleName: prod.roleName,
      policyArn: out.policyArn,
      attached: false,
      kept: 'NotManaged',
      reason: expect.stringContaining('not made by this stage'),
    });
    // Only prod's own policy is on prod's role: ours (which teardown would never detach from a role not ours) is not.
    const { AttachedPolicies } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: prod.roleName }));
    expect(AttachedPolicies!.map((p) => p.PolicyArn)).toEqual([prodIds.policyArn]);
    // The step as a person following the run reads it
    const step = (await s.history(run.executionArn!)).find((e) => e.stateExitedEventDetails?.name === 'AttachRolePolicy');
    expect(JSON.parse(step!.stateExitedEventDetails!.output!).attachment).toMatchObject({ attached: false, kept: 'NotManaged' });
  });
});

describe('provisioning under the name of a target added with "target add" (finding 9)', () => {
  it('fails at ValidateInput, TargetNameTaken, before any pool, client, role or policy is created', async () => {
    const added = {
      name: 'shop',
      region: process.env.AWS_REGION,
      userPoolId: prodIds.userPoolId,
      clientId: prodIds.clientId,
      source: 'added',
    };
    await ssm.send(new PutParameterCommand({ Name: `${prefix}/shop`, Value: JSON.stringify(added), Type: 'String' }));
    const names = { userPoolName: 'ClashPool', clientName: 'ClashClient', roleName: 'Clash-SMS-Role', policyName: 'Clash-SNS-Policy' };
    const run = await s.run('provision', { ...names, targetName: 'shop' });
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('TargetNameTaken');
    expect(JSON.parse(run.cause!).errorMessage).toContain('Target shop was added with "target add"');
    const pools = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    expect(pools.UserPools!.map((p) => p.Name)).not.toContain('ClashPool');
    expect(await exists(iam.send(new GetRoleCommand({ RoleName: 'Clash-SMS-Role' })))).toBe('NoSuchEntityException');
    const policies = await iam.send(new ListPoliciesCommand({ Scope: 'Local' }));
    expect(policies.Policies!.map((p) => p.PolicyName)).not.toContain('Clash-SNS-Policy');
    // The added target's record is as it was.
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: `${prefix}/shop` }));
    expect(JSON.parse(Parameter!.Value!)).toEqual(added);
  });

  it('teardown under that name fails at ValidateInput, TargetNameTaken, and deletes nothing (review 2, finding D)', async () => {
    // Someone added the stack's own pool under another name; a teardown with the default names under
    // that name would otherwise reach the deletes of the pool, client, role, policy and that record.
    const added = {
      name: 'ours-added',
      region: process.env.AWS_REGION,
      userPoolId: ours.userPoolId,
      clientId: ours.clientId,
      source: 'added',
    };
    await ssm.send(new PutParameterCommand({ Name: `${prefix}/ours-added`, Value: JSON.stringify(added), Type: 'String' }));
    const run = await s.run('teardown', { targetName: 'ours-added' });
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('TargetNameTaken');
    expect(JSON.parse(run.cause!).errorMessage).toContain('Target ours-added was added with "target add"');
    const entered = (await s.history(run.executionArn!)).flatMap((e) => e.stateEnteredEventDetails?.name ?? []);
    expect(entered).toEqual(['ValidateInput', 'TeardownFailed']);
    // Nothing deleted: the stack's pool, client, role and policy, and the added record.
    const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: ours.userPoolId }));
    expect(UserPool!.Id).toBe(ours.userPoolId);
    expect(await exists(iam.send(new GetRoleCommand({ RoleName: ours.roleArn.split('/').pop()! })))).toBe('exists');
    expect(await exists(iam.send(new GetPolicyCommand({ PolicyArn: ours.policyArn })))).toBe('exists');
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: `${prefix}/ours-added` }));
    expect(JSON.parse(Parameter!.Value!)).toEqual(added);
    const { Parameter: own } = await ssm.send(new GetParameterCommand({ Name: `${prefix}/${ours.targetName}` }));
    expect(JSON.parse(own!.Value!).userPoolId).toBe(ours.userPoolId);
  });
});
