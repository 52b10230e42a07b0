import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { GetSMSSandboxAccountStatusCommand, SNSClient } from '@aws-sdk/client-sns';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

/**
 * `cogcheck target add | list | show | remove` and verify's pool options, against mocked AWS
 * clients: every refusal is exit 2 naming the id, with nothing recorded; removing deletes the SSM
 * record only; the client secret is printed nowhere.
 */
const dir = mkdtempSync(join(tmpdir(), 'cogcheck-target-'));
const PREFIX = '/cognito-sms-mfa/local/targets';
process.env.COGCHECK_LOCAL_ENDPOINTS = join(dir, 'endpoints.json');
writeFileSync(
  process.env.COGCHECK_LOCAL_ENDPOINTS,
  JSON.stringify({
    region: 'us-east-1',
    stateMachines: { provision: 'p', verify: 'arn:aws:states:us-east-1:000000000000:stateMachine:v', teardown: 't' },
    callbackUrl: 'http://127.0.0.1:1/codes',
    targetParameterPrefix: PREFIX,
  }),
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Required after the variable is set: the endpoints file location is read at load.
const { main } = require('../../cli/main') as typeof import('../../cli/main');

const cognito = mockClient(CognitoIdentityProviderClient);
const ssm = mockClient(SSMClient);
const iam = mockClient(IAMClient);
const sns = mockClient(SNSClient);
const sfn = mockClient(SFNClient);

const POOL = 'eu-west-1_Shop123';
const CLIENT = '4shopclient5678';
const SECRET = 'shh-client-secret-0123456789abcdefghij';
const ROLE = 'arn:aws:iam::123456789012:role/Shop-SMS-Role';
const awsError = (name: string) => Object.assign(new Error(`${name}: from AWS`), { name, $metadata: {} });

async function cogcheck(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, stdin: new PassThrough() });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function shopPool() {
  const sms = { SnsCallerArn: ROLE, ExternalId: 'ext-1', SnsRegion: 'eu-west-1' };
  cognito.on(DescribeUserPoolCommand, { UserPoolId: POOL }).resolves({
    UserPool: {
      Id: POOL,
      Name: 'Shop',
      Arn: `arn:aws:cognito-idp:eu-west-1:123456789012:userpool/${POOL}`,
      MfaConfiguration: 'ON',
      SmsConfiguration: sms,
      AutoVerifiedAttributes: ['phone_number'],
    },
  });
  cognito.on(DescribeUserPoolClientCommand, { UserPoolId: POOL, ClientId: CLIENT }).resolves({
    UserPoolClient: {
      UserPoolId: POOL,
      ClientId: CLIENT,
      ClientName: 'web',
      ClientSecret: SECRET,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    },
  });
  cognito
    .on(GetUserPoolMfaConfigCommand, { UserPoolId: POOL })
    .resolves({ MfaConfiguration: 'ON', SmsMfaConfiguration: { SmsConfiguration: sms } });
  iam.on(GetRoleCommand).resolves({
    Role: {
      RoleName: 'Shop-SMS-Role',
      Arn: ROLE,
      Path: '/',
      RoleId: 'r',
      CreateDate: new Date(),
      AssumeRolePolicyDocument: encodeURIComponent(
        JSON.stringify({
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'cognito-idp.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'sts:ExternalId': 'ext-1' } },
            },
          ],
        }),
      ),
    },
  });
  iam
    .on(ListAttachedRolePoliciesCommand)
    .resolves({ AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::123456789012:policy/sns', PolicyName: 'sns' }] });
  iam.on(GetPolicyCommand).resolves({ Policy: { DefaultVersionId: 'v2' } });
  iam.on(GetPolicyVersionCommand, { VersionId: 'v2' }).resolves({
    PolicyVersion: {
      Document: encodeURIComponent(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }] })),
    },
  });
  iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
  sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: false });
}

beforeEach(() => {
  for (const m of [cognito, ssm, iam, sns, sfn]) m.reset();
  cognito.onAnyCommand().rejects(awsError('ResourceNotFoundException'));
  ssm.on(GetParameterCommand).rejects(awsError('ParameterNotFound'));
  ssm.on(PutParameterCommand).resolves({ Version: 1 });
  shopPool();
});

const ADD = ['target', 'add', '--local', '--name', 'Shop', '--user-pool-id', POOL, '--client-id', CLIENT];

describe('target add', () => {
  it('reads the pool in its own Region, records it as added (never overwriting), prints readiness; no secret anywhere', async () => {
    const r = await cogcheck(...ADD, '--auth-flow', 'srp', '--json');
    expect(r).toMatchObject({ code: 0, err: '' });
    const printed = JSON.parse(r.out);
    expect(printed).toMatchObject({
      target: 'Shop',
      region: 'eu-west-1',
      parameterName: `${PREFIX}/Shop`,
      kinds: { signin: { ready: true, authFlow: 'srp', problems: [] }, signup: { ready: true, authFlow: 'srp', problems: [] } },
      warnings: [],
    });
    expect(ssm).toHaveReceivedCommandTimes(PutParameterCommand, 1);
    const put = ssm.commandCalls(PutParameterCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Name: `${PREFIX}/Shop`, Overwrite: false, Type: 'String' });
    expect(JSON.parse(put.Value!)).toEqual({
      name: 'Shop',
      region: 'eu-west-1',
      userPoolId: POOL,
      clientId: CLIENT,
      userPoolName: 'Shop',
      clientName: 'web',
      userPoolArn: `arn:aws:cognito-idp:eu-west-1:123456789012:userpool/${POOL}`,
      source: 'added',
      authFlow: 'srp',
      recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    // The Cognito client is the pool's Region's, not the stack's.
    const describe = cognito.commandCalls(DescribeUserPoolCommand)[0]!;
    expect(await (describe.thisValue as CognitoIdentityProviderClient).config.region()).toBe('eu-west-1');
    // Read-only: Describe*, Get* and List* calls only.
    const names = [...cognito.calls(), ...iam.calls(), ...sns.calls()].map((c) => (c.args[0] as object).constructor.name);
    expect(names.filter((n) => !/^(Describe|Get|List)/.test(n))).toEqual([]);
    expect(r.out).not.toContain(SECRET);
    expect(put.Value).not.toContain(SECRET);
  });

  it('human output: what was recorded and a short table per kind, with the flow and the Amplify note; no secret', async () => {
    const r = await cogcheck(...ADD);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`recorded target Shop (${PREFIX}/Shop)`);
    expect(r.out).toMatch(/^signin {2}yes {4}srp$/m);
    expect(r.out).toMatch(/^signup {2}yes {4}srp$/m);
    expect(r.out).toMatch(/^flows: {2}password ✗ \(the app client does not allow ALLOW_USER_PASSWORD_AUTH\) · srp ✓ · user-auth ✗/m);
    expect(r.out).toContain('apps built with Amplify sign in with SRP');
    expect(r.out).toContain('the app client has a secret: supported');
    expect(r.out).not.toContain(SECRET);
  });

  it.each([
    [['--user-pool-id', 'Shop123'], 'cogcheck: --user-pool-id: "Shop123" is not a user pool id'],
    [['--user-pool-id', 'eu-west-1_'], 'cogcheck: --user-pool-id: "eu-west-1_" is not a user pool id'],
    [['--client-id', 'not a client!'], 'cogcheck: --client-id: "not a client!" is not an app client id'],
    [['--auth-flow', 'custom'], 'cogcheck: --auth-flow must be one of password, srp, user-auth, sms-otp'],
    [['--name', 'has/slash'], 'cogcheck: target name "has/slash": letters, digits and _.-'],
  ])('bad input %j: exit 2 naming it, before any call', async (change, message) => {
    const argv = [...ADD];
    const at = argv.indexOf(change[0]!);
    if (at < 0) argv.push(...change);
    else argv[at + 1] = change[1]!;
    const r = await cogcheck(...argv);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toContain(message);
    expect(cognito.calls()).toHaveLength(0);
    expect(ssm.calls()).toHaveLength(0);
  });

  it.each([
    [
      'a pool that does not exist',
      DescribeUserPoolCommand,
      'ResourceNotFoundException',
      `cogcheck: no user pool ${POOL} in eu-west-1: nothing recorded`,
    ],
    [
      'a client of another pool',
      DescribeUserPoolClientCommand,
      'ResourceNotFoundException',
      `cogcheck: app client ${CLIENT} is not a client of user pool ${POOL}: nothing recorded`,
    ],
    [
      'a pool the credentials cannot read',
      DescribeUserPoolCommand,
      'AccessDeniedException',
      `cogcheck: the credentials cannot read user pool ${POOL} in eu-west-1 (AccessDeniedException): nothing recorded`,
    ],
    [
      'a client the credentials cannot read',
      DescribeUserPoolClientCommand,
      'NotAuthorizedException',
      `cogcheck: the credentials cannot read app client ${CLIENT} in eu-west-1 (NotAuthorizedException): nothing recorded`,
    ],
  ] as const)('%s: exit 2, the message names the id, nothing recorded', async (_what, command, error, message) => {
    cognito.on(command as never).rejects(awsError(error));
    const r = await cogcheck(...ADD);
    expect(r).toEqual({ code: 2, out: '', err: message });
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });

  it('a name already recorded: exit 2, the record is not overwritten', async () => {
    ssm
      .on(GetParameterCommand)
      .resolves({ Parameter: { Value: JSON.stringify({ name: 'Shop', userPoolId: POOL, clientId: CLIENT, region: 'eu-west-1' }) } });
    const r = await cogcheck(...ADD);
    expect(r.code).toBe(2);
    expect(r.err).toContain('a target named "Shop" is already recorded');
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });

  it('credentials that cannot read IAM or SNS: the role and the sandbox are "not checked", and the target is still recorded', async () => {
    iam.on(GetRoleCommand).rejects(awsError('AccessDenied'));
    sns.on(GetSMSSandboxAccountStatusCommand).rejects(awsError('AuthorizationErrorException'));
    const r = await cogcheck(...ADD, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).warnings).toEqual([
      {
        setting: 'SmsConfiguration.SnsCallerArn',
        problem: 'the SMS role was not checked: the credentials cannot read IAM role Shop-SMS-Role (AccessDenied)',
      },
      { setting: 'SNS SMS sandbox', problem: 'not checked: could not read the SNS SMS sandbox status (AuthorizationErrorException)' },
    ]);
    expect(ssm).toHaveReceivedCommandTimes(PutParameterCommand, 1);
  });
});

const ADDED = {
  name: 'Shop',
  region: 'eu-west-1',
  userPoolId: POOL,
  clientId: CLIENT,
  source: 'added',
  recordedAt: '2026-01-01T00:00:00.000Z',
};
const PROVISIONED = { name: 'MyUserPool', region: 'us-east-1', userPoolId: 'us-east-1_Mine1', clientId: 'mine1', source: 'provisioned' };

describe('target list, show, remove', () => {
  it('list: one line per target, provisioned or added', async () => {
    ssm.on(GetParametersByPathCommand, { Path: PREFIX }).resolves({
      Parameters: [{ Value: JSON.stringify(ADDED) }, { Value: JSON.stringify({ ...PROVISIONED, source: undefined }) }],
    });
    const r = await cogcheck('target', 'list', '--local');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual([
      expect.stringMatching(/^MyUserPool +provisioned +us-east-1_Mine1 +mine1 +us-east-1$/),
      expect.stringMatching(/^Shop +added +eu-west-1_Shop123 +4shopclient5678 +eu-west-1$/),
    ]);
  });

  it('show: the record and its readiness read now; no secret', async () => {
    ssm.on(GetParameterCommand, { Name: `${PREFIX}/Shop` }).resolves({ Parameter: { Value: JSON.stringify(ADDED) } });
    const r = await cogcheck('target', 'show', 'Shop', '--local', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ target: 'Shop', record: ADDED, kinds: { signin: { ready: true, authFlow: 'srp' } } });
    expect(cognito).toHaveReceivedCommandWith(DescribeUserPoolClientCommand, { UserPoolId: POOL, ClientId: CLIENT });
    expect(r.out).not.toContain(SECRET);
  });

  it('show or remove an unknown name: exit 2 pointing to target list', async () => {
    const r = await cogcheck('target', 'show', 'Nope', '--local');
    expect(r).toEqual({
      code: 2,
      out: '',
      err: `cogcheck: no target named "Nope" (${PREFIX}/Nope): cogcheck target list shows the recorded ones`,
    });
  });

  it('remove: deletes the SSM record only, nothing in Cognito or IAM', async () => {
    ssm.on(GetParameterCommand, { Name: `${PREFIX}/Shop` }).resolves({ Parameter: { Value: JSON.stringify(ADDED) } });
    ssm.on(DeleteParameterCommand).resolves({});
    const r = await cogcheck('target', 'remove', 'Shop', '--local');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`removed target Shop (${PREFIX}/Shop); user pool ${POOL} and client ${CLIENT} are untouched`);
    expect(ssm).toHaveReceivedCommandWith(DeleteParameterCommand, { Name: `${PREFIX}/Shop` });
    expect(cognito.calls()).toHaveLength(0);
    expect(iam.calls()).toHaveLength(0);
  });

  it.each([
    ['source provisioned', PROVISIONED],
    ['a record from before `source` (all provisioned)', { ...PROVISIONED, source: undefined }],
  ])('remove refuses a provisioned target (%s): exit 2, use teardown; nothing deleted', async (_what, record) => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify(record) } });
    const r = await cogcheck('target', 'remove', 'MyUserPool', '--local');
    expect(r.code).toBe(2);
    expect(r.err).toContain('target MyUserPool was provisioned');
    expect(r.err).toContain('cogcheck teardown');
    expect(ssm).not.toHaveReceivedCommand(DeleteParameterCommand);
  });
});

describe('verify names a pool, a kind and a flow', () => {
  function finishedRun(output?: object) {
    sfn
      .on(StartExecutionCommand)
      .resolves({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:v:run-1', startDate: new Date() });
    sfn
      .on(GetExecutionHistoryCommand)
      .resolves({ events: [{ id: 1, type: output ? 'ExecutionSucceeded' : 'ExecutionFailed', timestamp: new Date() }] });
    sfn
      .on(DescribeExecutionCommand)
      .resolves(
        output
          ? { status: 'SUCCEEDED', output: JSON.stringify(output), startDate: new Date(), stopDate: new Date() }
          : { status: 'FAILED', error: 'SmsCodeNotReceived', cause: 'no code', startDate: new Date(), stopDate: new Date() },
      );
  }

  it('--user-pool-id + --client-id, --kind, --auth-flow: in the machine input; --json names kind, authFlow and region', async () => {
    finishedRun();
    const r = await cogcheck(
      'verify',
      '--local',
      '--json',
      '--user-pool-id',
      POOL,
      '--client-id',
      CLIENT,
      '--kind',
      'signin',
      '--auth-flow',
      'srp',
      '--phone',
      '+15555550100',
    );
    expect(r.code).toBe(1);
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!)).toEqual({
      kind: 'signin',
      userPoolId: POOL,
      clientId: CLIENT,
      authFlow: 'srp',
      phoneNumber: '+15555550100',
    });
    expect(JSON.parse(r.out)).toMatchObject({ kind: 'signin', authFlow: 'srp', region: 'eu-west-1', status: 'FAILED' });
  });

  it('--target: kind defaults to signup; region and flow from the target record, else the client default', async () => {
    finishedRun();
    ssm.on(GetParameterCommand, { Name: `${PREFIX}/Shop` }).resolves({ Parameter: { Value: JSON.stringify(ADDED) } });
    const r = await cogcheck('verify', '--local', '--json', '--target', 'Shop');
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!)).toEqual({ target: 'Shop' });
    expect(JSON.parse(r.out)).toMatchObject({ kind: 'signup', authFlow: 'srp', region: 'eu-west-1' });
    expect(r.out).not.toContain(SECRET);
  });

  it('the execution output wins when it names them', async () => {
    finishedRun({ verdict: 'PASS', kind: 'signin', authFlow: 'user-auth', region: 'ap-south-1' });
    const r = await cogcheck('verify', '--local', '--json', '--user-pool-id', POOL, '--client-id', CLIENT);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ kind: 'signin', authFlow: 'user-auth', region: 'ap-south-1' });
  });

  it.each([
    [['--target', 'Shop', '--user-pool-id', POOL, '--client-id', CLIENT], 'give --target <name> or --user-pool-id + --client-id, not both'],
    [['--user-pool-id', POOL], 'verify needs --target <name>, or --user-pool-id <id> and --client-id <id>'],
    [['--user-pool-id', 'nope', '--client-id', CLIENT], '--user-pool-id: "nope" is not a user pool id'],
    [['--target', 'Shop', '--kind', 'login'], '--kind must be one of signup, signin'],
    [['--target', 'Shop', '--auth-flow', 'magic'], '--auth-flow must be one of password, srp, user-auth, sms-otp'],
  ])('bad input %j: exit 2, no run started', async (argv, message) => {
    const r = await cogcheck('verify', '--local', ...argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(sfn.calls()).toHaveLength(0);
  });
});
