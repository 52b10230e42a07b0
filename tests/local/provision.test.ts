import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListPoliciesCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import { eventsOfState, SfnDriver } from './helpers';

/**
 * Provisioning and teardown through the local Step Functions HTTP API with the real SFN client,
 * checked against the emulators with the real IAM, Cognito and SSM clients. Each test uses its
 * own names, so the tests share one local cloud without depending on each other.
 */
let cloud: LocalCloud;
let sfn: SfnDriver;
let iam: IAMClient;
let cognito: CognitoIdentityProviderClient;
let ssm: SSMClient;
let provision: string;
let teardown: string;

beforeAll(async () => {
  // Retry intervals compressed 100x: EnsureUserPool's 2 s/4 s backoff becomes 20/40 ms.
  cloud = await startLocalCloud({ codeSource: 'none', retryIntervalScale: 0.01 });
  sfn = new SfnDriver(cloud);
  iam = new IAMClient({});
  cognito = new CognitoIdentityProviderClient({});
  ssm = new SSMClient({});
  provision = cloud.stateMachineArn('provision');
  teardown = cloud.stateMachineArn('teardown');
}, 30_000);
afterAll(async () => {
  sfn?.destroy();
  iam?.destroy();
  cognito?.destroy();
  ssm?.destroy();
  await cloud?.close();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const AUTH_FLOWS = ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH'];

/** A full set of names, distinct per test. */
function names(tag: string) {
  return {
    userPoolName: `Pool-${tag}`,
    clientName: `Client-${tag}`,
    roleName: `SmsRole-${tag}`,
    policyName: `SnsPolicy-${tag}`,
    targetName: `target-${tag}`,
  };
}
type Names = ReturnType<typeof names>;

interface Provisioned {
  targetName: string;
  userPoolId: string;
  userPoolArn: string;
  clientId: string;
  roleArn: string;
  policyArn: string;
  externalId: string;
  targetParameter: string;
  created: { role: boolean; policy: boolean; userPool: boolean; client: boolean };
  drift: { userPool: string[]; client: string[] };
}

async function provisionOk(input: Names): Promise<Provisioned> {
  const result = await sfn.run(provision, input);
  if (result.status !== 'SUCCEEDED') throw new Error(`provisioning ${result.status}: ${result.error}: ${result.cause}`);
  return JSON.parse(result.output!) as Provisioned;
}

/** IAM returns policy documents URL-encoded; moto may not. */
const policyDocument = (doc: string | undefined) => JSON.parse(doc!.trimStart().startsWith('%') ? decodeURIComponent(doc!) : doc!);

/** How many of each resource carry these names, read from the emulators (all pages). */
async function counts(n: Names) {
  const roles: string[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListRolesCommand({ Marker: marker }));
    roles.push(...(page.Roles ?? []).map((r) => r.RoleName!));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  const policies: string[] = [];
  do {
    const page = await iam.send(new ListPoliciesCommand({ Scope: 'Local', Marker: marker }));
    policies.push(...(page.Policies ?? []).map((p) => p.PolicyName!));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  const pools: { name: string; id: string }[] = [];
  let next: string | undefined;
  do {
    const page = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken: next }));
    pools.push(...(page.UserPools ?? []).map((p) => ({ name: p.Name!, id: p.Id! })));
    next = page.NextToken;
  } while (next);
  const named = pools.filter((p) => p.name === n.userPoolName);
  let clients = 0;
  for (const pool of named) {
    let token: string | undefined;
    do {
      const page = await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: pool.id, MaxResults: 60, NextToken: token }));
      clients += (page.UserPoolClients ?? []).filter((c) => c.ClientName === n.clientName).length;
      token = page.NextToken;
    } while (token);
  }
  return {
    roles: roles.filter((r) => r === n.roleName).length,
    policies: policies.filter((p) => p === n.policyName).length,
    pools: named.length,
    clients,
  };
}

const gone = (promise: Promise<unknown>) =>
  promise.then(
    () => 'exists',
    (e: Error) => e.name,
  );

describe('provisioning', () => {
  const n = names('e2e');
  let first: Provisioned;

  it('creates the SMS role, SNS policy, user pool, app client and target record, as the walkthrough does', async () => {
    // When provisioning runs with a full set of names
    first = await provisionOk(n);

    // Then the output names everything it made
    expect(first).toMatchObject({
      targetName: n.targetName,
      userPoolId: expect.stringMatching(/^us-east-1_\w+$/),
      userPoolArn: expect.stringMatching(/^arn:aws:cognito-idp:us-east-1:\d{12}:userpool\/us-east-1_\w+$/),
      clientId: expect.stringMatching(/^\w+$/),
      roleArn: expect.stringMatching(new RegExp(`^arn:aws:iam::\\d{12}:role/.*${n.roleName}$`)),
      policyArn: expect.stringMatching(new RegExp(`^arn:aws:iam::\\d{12}:policy/.*${n.policyName}$`)),
      externalId: expect.stringMatching(UUID),
      created: { role: true, policy: true, userPool: true, client: true },
      drift: { userPool: [], client: [] },
    });
    expect(first.userPoolArn.endsWith(`/${first.userPoolId}`)).toBe(true);

    // And the role trusts only Cognito, only with the ExternalId
    const { Role: role } = await iam.send(new GetRoleCommand({ RoleName: n.roleName }));
    expect(role!.Arn).toBe(first.roleArn);
    const trust = policyDocument(role!.AssumeRolePolicyDocument);
    const statements = [trust.Statement].flat();
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'cognito-idp.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': first.externalId } },
      },
    ]);

    // And the policy allows sns:Publish and is attached to the role
    const { Policy: policy } = await iam.send(new GetPolicyCommand({ PolicyArn: first.policyArn }));
    const { PolicyVersion: version } = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn: first.policyArn, VersionId: policy!.DefaultVersionId }),
    );
    const allowed = [policyDocument(version!.Document).Statement]
      .flat()
      .filter((s: { Effect: string }) => s.Effect === 'Allow')
      .flatMap((s: { Action: string | string[] }) => [s.Action].flat());
    expect(allowed).toContain('sns:Publish');
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: n.roleName }));
    expect(attached.AttachedPolicies).toEqual([{ PolicyName: n.policyName, PolicyArn: first.policyArn }]);

    // And the pool has SMS MFA on, phone verification, the SMS role and case-insensitive names
    const { UserPool: pool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: first.userPoolId }));
    expect(pool).toMatchObject({
      Name: n.userPoolName,
      Arn: first.userPoolArn,
      MfaConfiguration: 'ON',
      AutoVerifiedAttributes: ['phone_number'],
      SmsConfiguration: { SnsCallerArn: first.roleArn, ExternalId: first.externalId },
      UsernameConfiguration: { CaseSensitive: false },
    });
    expect(pool!.SchemaAttributes?.find((a) => a.Name === 'phone_number')).toMatchObject({ Required: true });

    // And the client is public with the four auth flows
    const { UserPoolClient: client } = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: first.userPoolId, ClientId: first.clientId }),
    );
    expect(client!.ClientName).toBe(n.clientName);
    expect([...(client!.ExplicitAuthFlows ?? [])].sort()).toEqual([...AUTH_FLOWS].sort());
    expect(client!.ClientSecret).toBeUndefined();

    // And the target is recorded in SSM for verification runs
    const { Parameter: parameter } = await ssm.send(new GetParameterCommand({ Name: first.targetParameter }));
    expect(first.targetParameter.endsWith(`/${n.targetName}`)).toBe(true);
    expect(JSON.parse(parameter!.Value!)).toMatchObject({
      name: n.targetName,
      userPoolId: first.userPoolId,
      userPoolArn: first.userPoolArn,
      userPoolName: n.userPoolName,
      clientId: first.clientId,
      clientName: n.clientName,
    });
  });

  it('changes nothing when run again with the same names', async () => {
    expect(first).toBeDefined();
    const before = await counts(n);
    expect(before).toEqual({ roles: 1, policies: 1, pools: 1, clients: 1 });

    // When provisioning runs again
    const second = await provisionOk(n);

    // Then it finds everything by name: same ids, nothing created, nothing added
    expect(second).toEqual({ ...first, created: { role: false, policy: false, userPool: false, client: false } });
    expect(await counts(n)).toEqual(before);
  });
});

describe('the local engine under jest', () => {
  // Regression: object definitions used to be copied with structuredClone, leaving nested templates unresolved.
  it('resolves nested templates of a Pass state registered from an object definition', async () => {
    const arn = cloud.engine.createStateMachine('nested-pass', {
      StartAt: 'P',
      States: { P: { Type: 'Pass', Parameters: { outer: { 'inner.$': '$.x' } }, End: true } },
    });
    const result = await sfn.run(arn, { x: 1 });
    expect(JSON.parse(result.output!)).toEqual({ outer: { inner: 1 } });
  });
});

describe('bad input', () => {
  it.each([
    ['an IAM-invalid role name', { roleName: 'bad name!' }, 'roleName'],
    ['an unknown field', { rolename: 'typo' }, 'rolename'],
    ['a name of the wrong type', { userPoolName: 42 }, 'userPoolName'],
  ])('fails with ValidationError naming the field for %s, before creating anything', async (_what, input, field) => {
    const poolsBefore = (await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools?.length;
    const result = await sfn.run(provision, input);
    expect(result).toMatchObject({ status: 'FAILED', error: 'ValidationError' });
    expect(result.cause).toContain(field);
    // The cause is the Lambda runtime's JSON, with a one-line trace (no stack in the history)
    const cause = JSON.parse(result.cause!);
    expect(cause).toMatchObject({ errorType: 'ValidationError', errorMessage: expect.stringMatching(new RegExp(`^${field}: `)) });
    expect(cause.trace).toHaveLength(1);
    // Only ValidateInput ran
    const events = await sfn.history(result.executionArn!);
    const entered = events.filter((e) => e.type === 'TaskStateEntered').map((e) => e.stateEnteredEventDetails!.name);
    expect(entered).toEqual(['ValidateInput']);
    expect((await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools?.length).toBe(poolsBefore);
  });
});

describe('Cognito failures', () => {
  it('retries CreateUserPool while the new role is not yet assumable (InvalidSmsRoleTrustRelationshipException), then succeeds', async () => {
    // Given Cognito refuses the new role twice, as while IAM propagates it
    const n = names('propagation');
    const fault = cloud.cognito.injectFault({
      operation: 'CreateUserPool',
      error: 'InvalidSmsRoleTrustRelationshipException',
      message: 'Role does not have a trust relationship allowing Cognito to assume the role',
      times: 2,
      match: (req) => req.PoolName === n.userPoolName,
    });

    // When provisioning runs
    const result = await sfn.run(provision, n);

    // Then it succeeds after the EnsureUserPool Lambda ran three times
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!).created).toEqual({ role: true, policy: true, userPool: true, client: true });
    expect(fault.fired).toBe(2);
    const events = await sfn.history(result.executionArn!);
    const ensureUserPoolArn = cloud.lambda.arnOf(cloud.config.functions.find((f) => f.name === 'ensureUserPool')!);
    const scheduled = eventsOfState(events, 'EnsureUserPool', 'LambdaFunctionScheduled');
    expect(scheduled).toHaveLength(3);
    for (const e of scheduled) expect(e.lambdaFunctionScheduledEventDetails?.resource).toBe(ensureUserPoolArn);
    const failures = eventsOfState(events, 'EnsureUserPool', 'LambdaFunctionFailed').map((e) => e.lambdaFunctionFailedEventDetails?.error);
    expect(failures).toEqual(['InvalidSmsRoleTrustRelationshipException', 'InvalidSmsRoleTrustRelationshipException']);
    expect(eventsOfState(events, 'EnsureUserPool', 'LambdaFunctionSucceeded')).toHaveLength(1);
    expect(await counts(n)).toEqual({ roles: 1, policies: 1, pools: 1, clients: 1 });
  });

  it('fails at once, with the AWS error name and a readable cause, on an error that is not retried', async () => {
    // Given Cognito rejects the pool once with InvalidParameterException
    const n = names('rejected');
    const message = 'Role arn:aws:iam::123456789012:role/x cannot be used for SMS';
    const fault = cloud.cognito.injectFault({
      operation: 'CreateUserPool',
      error: 'InvalidParameterException',
      message,
      match: (req) => req.PoolName === n.userPoolName,
    });

    // When provisioning runs
    const result = await sfn.run(provision, n);

    // Then it fails with that name, and the cause carries Cognito's message
    expect(result).toMatchObject({ status: 'FAILED', error: 'InvalidParameterException' });
    expect(JSON.parse(result.cause!)).toMatchObject({ errorType: 'InvalidParameterException', errorMessage: message });
    expect(fault.fired).toBe(1);
    // And EnsureUserPool ran once: no retry, no app client
    const events = await sfn.history(result.executionArn!);
    expect(eventsOfState(events, 'EnsureUserPool', 'LambdaFunctionScheduled')).toHaveLength(1);
    const entered = events.filter((e) => e.stateEnteredEventDetails).map((e) => e.stateEnteredEventDetails!.name);
    expect(entered).not.toContain('EnsureUserPoolClient');
    expect(entered.at(-1)).toBe('ProvisioningFailed');
    expect(await counts(n)).toMatchObject({ pools: 0, clients: 0 });
  });
});

describe('teardown', () => {
  const n = names('teardown');

  it('deletes client, pool, policy (detached first), role and target; a second run deletes nothing; provisioning again starts afresh', async () => {
    // Given a provisioned pool
    const before = await provisionOk(n);

    // When teardown runs
    const result = await sfn.run(teardown, n);

    // Then it reports each deletion
    expect(result.status).toBe('SUCCEEDED');
    const deleted = JSON.parse(result.output!);
    expect(deleted).toEqual({
      client: expect.objectContaining({ deleted: true, id: before.clientId }),
      userPool: expect.objectContaining({ deleted: true, id: before.userPoolId }),
      attachment: expect.objectContaining({ deleted: true, id: before.policyArn }),
      policy: expect.objectContaining({ deleted: true }),
      role: expect.objectContaining({ deleted: true }),
      target: expect.objectContaining({ deleted: true, id: before.targetParameter }),
    });

    // And the emulators no longer hold any of it
    expect(await gone(cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: before.userPoolId, ClientId: before.clientId })))).toBe(
      'ResourceNotFoundException',
    );
    expect(await gone(cognito.send(new DescribeUserPoolCommand({ UserPoolId: before.userPoolId })))).toBe('ResourceNotFoundException');
    expect(await gone(iam.send(new GetPolicyCommand({ PolicyArn: before.policyArn })))).toBe('NoSuchEntityException');
    expect(await gone(iam.send(new GetRoleCommand({ RoleName: n.roleName })))).toBe('NoSuchEntityException');
    expect(await gone(ssm.send(new GetParameterCommand({ Name: before.targetParameter })))).toBe('ParameterNotFound');
    expect(await counts(n)).toEqual({ roles: 0, policies: 0, pools: 0, clients: 0 });
    // Detached before the policy was deleted (IAM refuses to delete an attached policy)
    const order = (await sfn.history(result.executionArn!))
      .filter((e) => e.type === 'TaskStateEntered')
      .map((e) => e.stateEnteredEventDetails!.name);
    expect(order.indexOf('DetachRolePolicy')).toBeLessThan(order.indexOf('DeletePolicy'));

    // When teardown runs again, then it succeeds and deletes nothing
    const again = await sfn.run(teardown, n);
    expect(again.status).toBe('SUCCEEDED');
    const second = JSON.parse(again.output!);
    for (const key of ['client', 'userPool', 'attachment', 'policy', 'role', 'target'])
      expect(second[key]).toMatchObject({ deleted: false });

    // When provisioning runs afterwards, then everything is created anew
    const after = await provisionOk(n);
    expect(after.created).toEqual({ role: true, policy: true, userPool: true, client: true });
    expect(after.userPoolId).not.toBe(before.userPoolId);
    expect(after.clientId).not.toBe(before.clientId);
    expect(after.externalId).toMatch(UUID);
    expect(after.externalId).not.toBe(before.externalId);
    expect(await counts(n)).toEqual({ roles: 1, policies: 1, pools: 1, clients: 1 });
  });
});
