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
  ListUserPoolReplicasCommand,
  type UserPoolReplicaType,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  GetRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { GetSMSSandboxAccountStatusCommand, SNSClient } from '@aws-sdk/client-sns';
import { DescribePhoneNumbersCommand, DescribeSenderIdsCommand, PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

/**
 * `cogcheck target add --pool-region R`: a secondary replica of a pool (Cognito multi-Region
 * replication; developer guide "Multi-Region replication for user pools", API reference
 * ListUserPoolReplicas). The replica keeps the primary's pool id, so the id's prefix is the primary's
 * Region and R must be another; reads go to R (its Regional SMS configuration), the replica list to
 * the primary. Every refusal is exit 2 with a name, before anything is recorded. Mocked clients.
 */
const dir = mkdtempSync(join(tmpdir(), 'cogcheck-replica-'));
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
const { main } = require('../../cli/main') as typeof import('../../cli/main');

const cognito = mockClient(CognitoIdentityProviderClient);
const ssm = mockClient(SSMClient);
const iam = mockClient(IAMClient);
const sns = mockClient(SNSClient);
const smsVoice = mockClient(PinpointSMSVoiceV2Client);
const sfn = mockClient(SFNClient);

const POOL = 'us-east-1_Shop123';
const CLIENT = '4shopclient5678';
const ROLE = 'arn:aws:iam::123456789012:role/Shop-SMS-Role';
const REPLICA_ARN = `arn:aws:cognito-idp:eu-west-1:123456789012:userpool/${POOL}`;
const awsError = (name: string) => Object.assign(new Error(`${name}: from AWS`), { name, $metadata: {} });

async function cogcheck(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, stdin: new PassThrough() });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
const ADD = ['target', 'add', '--local', '--name', 'ShopEu', '--user-pool-id', POOL, '--client-id', CLIENT, '--pool-region', 'eu-west-1'];

const replicas = (secondary?: Partial<UserPoolReplicaType>): UserPoolReplicaType[] => [
  {
    RegionName: 'us-east-1',
    Role: 'PRIMARY',
    Status: 'ACTIVE',
    UserPoolArn: `arn:aws:cognito-idp:us-east-1:123456789012:userpool/${POOL}`,
  },
  ...(secondary
    ? [{ RegionName: 'eu-west-1', Role: 'SECONDARY' as const, Status: 'ACTIVE' as const, UserPoolArn: REPLICA_ARN, ...secondary }]
    : []),
];

/** Which Region each Cognito call was signed for. */
const regionsOf: Record<string, string[]> = {};
function cognitoAnswers(opts: { secondary?: Partial<UserPoolReplicaType>; euSms?: object | null; trust?: object } = {}) {
  const usSms = { SnsCallerArn: ROLE, ExternalId: 'ext-1', SnsRegion: 'us-east-1' };
  const euSms = opts.euSms === null ? undefined : (opts.euSms ?? { SnsCallerArn: ROLE, ExternalId: 'ext-1', SnsRegion: 'eu-west-1' });
  const recorded = async (operation: string, getClient: () => { config: { region: () => Promise<string> } }) => {
    const region = await getClient().config.region();
    (regionsOf[operation] ??= []).push(region);
    return region;
  };
  cognito.on(ListUserPoolReplicasCommand, { UserPoolId: POOL }).callsFake(async (_input, getClient) => {
    await recorded('ListUserPoolReplicas', getClient as never);
    return { UserPoolReplicas: replicas(opts.secondary) };
  });
  cognito.on(DescribeUserPoolCommand, { UserPoolId: POOL }).callsFake(async (_input, getClient) => {
    const region = await recorded('DescribeUserPool', getClient as never);
    const sms = region === 'eu-west-1' ? euSms : usSms;
    return {
      UserPool: {
        Id: POOL,
        Name: 'Shop',
        Arn: `arn:aws:cognito-idp:${region}:123456789012:userpool/${POOL}`,
        MfaConfiguration: 'ON',
        ...(sms && { SmsConfiguration: sms }),
        AutoVerifiedAttributes: ['phone_number'],
        IssuerConfiguration: { Type: 'UPDATED' },
      },
    };
  });
  cognito.on(DescribeUserPoolClientCommand).callsFake(async (_input, getClient) => {
    await recorded('DescribeUserPoolClient', getClient as never);
    return {
      UserPoolClient: {
        UserPoolId: POOL,
        ClientId: CLIENT,
        ClientName: 'web',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      },
    };
  });
  cognito.on(GetUserPoolMfaConfigCommand).callsFake(async (_input, getClient) => {
    const region = await recorded('GetUserPoolMfaConfig', getClient as never);
    const sms = region === 'eu-west-1' ? euSms : usSms;
    return { MfaConfiguration: 'ON', SmsMfaConfiguration: sms ? { SmsConfiguration: sms } : undefined };
  });
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
              Condition: opts.trust ?? { StringEquals: { 'sts:ExternalId': 'ext-1' } },
            },
          ],
        }),
      ),
    },
  });
  iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
  iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['sns'] });
  iam.on(GetRolePolicyCommand).resolves({
    RoleName: 'Shop-SMS-Role',
    PolicyName: 'sns',
    PolicyDocument: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }] }),
  });
}

beforeEach(() => {
  for (const m of [cognito, ssm, iam, sns, smsVoice, sfn]) m.reset();
  for (const k of Object.keys(regionsOf)) delete regionsOf[k];
  ssm.on(GetParameterCommand).rejects(awsError('ParameterNotFound'));
  ssm.on(PutParameterCommand).resolves({ Version: 1 });
  sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: false });
  smsVoice.on(DescribePhoneNumbersCommand).resolves({ PhoneNumbers: [{ PhoneNumber: '+15555550100' } as never] });
  smsVoice.on(DescribeSenderIdsCommand).resolves({ SenderIds: [] });
});

describe('target add --pool-region (a secondary replica)', () => {
  it('records the replica in its Region: the replica list read in the primary, the pool read in the secondary; signup not ready, naming the replica', async () => {
    cognitoAnswers({ secondary: {} });
    const r = await cogcheck(...ADD, '--json');
    expect(r).toMatchObject({ code: 0, err: '' });
    const printed = JSON.parse(r.out);
    expect(printed).toMatchObject({
      region: 'eu-west-1',
      replica: { region: 'eu-west-1', primaryRegion: 'us-east-1', status: 'ACTIVE' },
      kinds: { signin: { ready: true, problems: [] }, signup: { ready: false } },
      record: { name: 'ShopEu', userPoolId: POOL, region: 'eu-west-1', source: 'added' },
    });
    expect(printed.kinds.signup.problems[0].problem).toMatch(
      /^SignUpOnReplica: the secondary replica in eu-west-1 \(primary: us-east-1\) creates no users/,
    );
    expect(regionsOf).toEqual({
      ListUserPoolReplicas: ['us-east-1'],
      DescribeUserPool: ['eu-west-1'],
      DescribeUserPoolClient: ['eu-west-1'],
      GetUserPoolMfaConfig: ['eu-west-1'],
    });
    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, { Name: `${PREFIX}/ShopEu` });
    expect(JSON.parse(ssm.commandCalls(PutParameterCommand)[0]!.args[0].input.Value!)).toMatchObject({
      region: 'eu-west-1',
      userPoolId: POOL,
    });
    // The text form says it is the replica.
    const text = await cogcheck(
      'target',
      'add',
      '--local',
      '--name',
      'ShopEu2',
      '--user-pool-id',
      POOL,
      '--client-id',
      CLIENT,
      '--pool-region',
      'eu-west-1',
    );
    expect(text.out).toContain('replica: the secondary in eu-west-1 (ACTIVE); primary in us-east-1');
  });

  it('a replica with no Regional SMS configuration: signin NOT ready, the finding says what breaks after a failover and the fix names the Region', async () => {
    cognitoAnswers({ secondary: {}, euSms: null });
    const r = await cogcheck(...ADD, '--json');
    expect(r.code).toBe(0);
    const { kinds } = JSON.parse(r.out);
    expect(kinds.signin.ready).toBe(false);
    const sms = kinds.signin.problems.find((p: { setting: string }) => p.setting === 'eu-west-1 SmsConfiguration');
    expect(sms.problem).toContain('after a failover to eu-west-1, every SMS MFA sign-in there fails');
    expect(sms.fix).toMatch(
      /^aws --region eu-west-1 cognito-idp update-user-pool --user-pool-id us-east-1_Shop123 --sms-configuration .*SnsRegion=eu-west-1/,
    );
  });

  it("a trust policy pinned to the primary's pool ARN (aws:SourceArn) refuses the replica: signin NOT ready", async () => {
    cognitoAnswers({
      secondary: {},
      trust: {
        StringEquals: { 'sts:ExternalId': 'ext-1' },
        ArnLike: { 'aws:SourceArn': `arn:aws:cognito-idp:us-east-1:123456789012:userpool/${POOL}` },
      },
    });
    const { kinds } = JSON.parse((await cogcheck(...ADD, '--json')).out);
    expect(kinds.signin.ready).toBe(false);
    expect(kinds.signin.problems.map((p: { problem: string }) => p.problem).join('\n')).toContain(`not for the replica ${REPLICA_ARN}`);
  });

  it('no origination identity in the secondary: a warning naming the Region', async () => {
    cognitoAnswers({ secondary: {} });
    smsVoice.on(DescribePhoneNumbersCommand).resolves({ PhoneNumbers: [] });
    const { warnings } = JSON.parse((await cogcheck(...ADD, '--json')).out);
    expect(warnings).toEqual(expect.arrayContaining([expect.objectContaining({ setting: 'SMS origination in eu-west-1' })]));
  });

  it.each([
    [
      'no replica in that Region',
      undefined,
      'NoReplicaInRegion: user pool us-east-1_Shop123 has no replica in eu-west-1 (it has no secondary replica)',
    ],
    [
      'a replica still CREATING',
      { Status: 'CREATING' as const },
      'ReplicaNotActive: the replica of user pool us-east-1_Shop123 in eu-west-1 is CREATING',
    ],
    ['an INACTIVE replica', { Status: 'INACTIVE' as const }, '--region-name eu-west-1 --status ACTIVE'],
  ])('refuses %s: exit 2, named, nothing recorded', async (_what, secondary, message) => {
    cognitoAnswers({ secondary });
    const r = await cogcheck(...ADD);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toContain('nothing recorded');
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });

  it.each([
    [
      'the primary Region (the id names it)',
      'us-east-1',
      '--pool-region: PoolRegionIsPrimary: us-east-1 is the Region in user pool us-east-1_Shop123',
    ],
    [
      'a Region where Cognito is not offered',
      'us-iso-east-9',
      'CognitoNotOffered: Amazon Cognito user pools are not offered in us-iso-east-9',
    ],
    ['not a Region', 'Ireland', '--pool-region: "Ireland" is not a Region name'],
  ])('refuses --pool-region naming %s before any call: exit 2', async (_what, region, message) => {
    const r = await cogcheck(
      'target',
      'add',
      '--local',
      '--name',
      'ShopEu',
      '--user-pool-id',
      POOL,
      '--client-id',
      CLIENT,
      '--pool-region',
      region,
    );
    expect(r).toMatchObject({ code: 2, out: '' });
    expect(r.err).toContain(message);
    expect(cognito.calls()).toHaveLength(0);
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });

  it.each([
    [
      'AccessDeniedException',
      'the credentials cannot read the replicas of user pool us-east-1_Shop123 in us-east-1 (AccessDeniedException)',
    ],
    ['UnrecognizedClientException', '(UnrecognizedClientException)'],
  ])('credentials that cannot reach the Regions (%s): exit 2, named, nothing recorded', async (error, message) => {
    cognito.on(ListUserPoolReplicasCommand).rejects(awsError(error));
    const r = await cogcheck(...ADD);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });

  it('a Region whose endpoint cannot be reached (DNS): RegionUnreachable, never Unexpected', async () => {
    cognitoAnswers({ secondary: {} });
    cognito
      .on(DescribeUserPoolCommand)
      .rejects(Object.assign(new Error('getaddrinfo ENOTFOUND cognito-idp.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }));
    const r = await cogcheck(...ADD);
    expect(r.code).toBe(2);
    expect(r.err).toContain('RegionUnreachable: cognito-idp in eu-west-1 cannot be reached from here (ENOTFOUND)');
  });
});

describe('verify --kind signup on a replica target', () => {
  it('is refused before any run starts (exit 2), naming the replica', async () => {
    ssm.on(GetParameterCommand, { Name: `${PREFIX}/ShopEu` }).resolves({
      Parameter: { Value: JSON.stringify({ name: 'ShopEu', region: 'eu-west-1', userPoolId: POOL, clientId: CLIENT, source: 'added' }) },
    });
    const r = await cogcheck('verify', '--local', '--target', 'ShopEu', '--kind', 'signup', '--phone', '+15555550100');
    expect(r.code).toBe(2);
    expect(r.err).toContain('SignUpOnReplica: Target ShopEu is the secondary replica of user pool us-east-1_Shop123 in eu-west-1');
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});

describe('readiness wording on a replica', () => {
  it('says "after a failover" only of what was read: a sandbox status that could not be read stays "not checked"', async () => {
    cognitoAnswers({ secondary: {} });
    sns.on(GetSMSSandboxAccountStatusCommand).rejects(awsError('AuthorizationErrorException'));
    const { warnings } = JSON.parse((await cogcheck(...ADD, '--json')).out);
    const sandbox = warnings.find((w: { setting: string }) => /SNS SMS sandbox/.test(w.setting));
    expect(sandbox.problem).toMatch(/^not checked: /);
    expect(sandbox.problem).not.toContain('after a failover');
  });

  it('an account in the SNS SMS sandbox in the replica Region: a warning that says what it breaks after a failover', async () => {
    cognitoAnswers({ secondary: {} });
    sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: true });
    const { warnings } = JSON.parse((await cogcheck(...ADD, '--json')).out);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          setting: 'eu-west-1 SNS SMS sandbox',
          problem: expect.stringContaining(
            'in the SNS SMS sandbox in eu-west-1: SMS reach only verified destination numbers — after a failover to eu-west-1',
          ),
        }),
      ]),
    );
  });
});
