import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { GetSMSSandboxAccountStatusCommand, ListSMSSandboxPhoneNumbersCommand, SNSClient } from '@aws-sdk/client-sns';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { CognitoIdentityProviderClient, DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PROJECT_ROOT } from '../../local/serverlessConfig';

const ChecksPlugin = require('../../plugins/checks.js');
const CheckPhonePlugin = require('../../plugins/checkPhone.js');
const SmsBudgetPlugin = require('../../plugins/smsBudget.js');

const { readChecks, scheduleResources, silenceAlarm } = ChecksPlugin;

const REAL = '+12065551234';
const PARAMS = {
  checkScheduleState: 'DISABLED',
  checkTarget: 'MyUserPool',
  checkPhoneNumber: '',
  inboundPhoneNumberId: '',
  targetParameterPrefix: '/cognito-sms-mfa/prod/targets',
  smsPricePerMessageUsd: 0.00645,
  monthlySmsSpendLimitUsd: 1,
  noSuccessPeriodSeconds: 1800,
};

class ServerlessError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A service folder with its own checks.yml, and the plugins as `sls package --stage prod --param ...` would load them. */
function service(checksYml: string | undefined, cliParams: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'checks-'));
  dirs.push(dir);
  if (checksYml !== undefined) writeFileSync(join(dir, 'checks.yml'), checksYml);
  const log = { warnings: [] as string[], notices: [] as string[] };
  const serverless = {
    config: { servicePath: dir },
    getProvider: () => ({ getStage: () => 'prod' }),
    service: { provider: { stage: 'prod', compiledCloudFormationTemplate: { Resources: {} as Record<string, any> } } },
    classes: { Error: ServerlessError },
    configurationInput: { params: { default: PARAMS } },
    processedInput: { options: { param: cliParams } },
  };
  const logger = { log: { notice: (m: string) => log.notices.push(m), warning: (m: string) => log.warnings.push(m) } };
  return { serverless, log, plugin: (Plugin: any) => new Plugin(serverless, {}, logger) };
}

const runHook = (p: any, hook: string) => Promise.resolve().then(() => p.hooks[hook]());

describe('checks.yml', () => {
  it('defaults to a sign-in check every 5 minutes and a sign-up check every 6 hours, on the stage target and phone, off', () => {
    const doc = parse(readFileSync(join(PROJECT_ROOT, 'checks.yml'), 'utf8'));
    const { checks, errors, source } = readChecks({ doc, stage: 'prod', params: { ...PARAMS, checkPhoneNumber: REAL } });
    expect(errors).toEqual([]);
    expect(source).toBe('default');
    expect(checks).toEqual([
      {
        name: 'signin',
        logicalId: 'CheckScheduleSignin',
        kind: 'signin',
        schedule: 'rate(5 minutes)',
        target: 'MyUserPool',
        phone: REAL,
        codeRoute: 'inbound-sms',
        state: 'DISABLED',
        enabled: false,
        smsPerRun: 1,
        retries: 2,
      },
      {
        name: 'signup',
        logicalId: 'CheckScheduleSignup',
        kind: 'signup',
        schedule: 'rate(6 hours)',
        target: 'MyUserPool',
        phone: REAL,
        codeRoute: 'inbound-sms',
        state: 'DISABLED',
        enabled: false,
        smsPerRun: 2,
        retries: 2,
      },
    ]);
  });

  describe('retries (issue 18)', () => {
    const one = (extra: Record<string, unknown>) => ({
      default: [{ name: 'signin', kind: 'signin', schedule: 'rate(5 minutes)', ...extra }],
    });

    it('takes 0..2 per check, default 2, and puts it in the schedule input', () => {
      for (const retries of [0, 1, 2]) {
        const { checks, errors } = readChecks({ doc: one({ retries }), stage: 'dev', params: PARAMS });
        expect(errors).toEqual([]);
        const input = JSON.parse(Object.values(scheduleResources(checks) as Record<string, any>)[0].Properties.Target.Input);
        expect(input.retries).toBe(retries);
      }
      const { checks } = readChecks({ doc: one({}), stage: 'dev', params: PARAMS });
      expect(JSON.parse(Object.values(scheduleResources(checks) as Record<string, any>)[0].Properties.Target.Input)).toMatchObject({
        kind: 'signin',
        retries: 2,
      });
    });

    it.each([[3], [-1], [1.5], ['1']])('refuses retries %j, naming the field and the check', (retries) => {
      const { errors } = readChecks({ doc: one({ retries }), stage: 'dev', params: PARAMS });
      expect(errors).toEqual([
        `checks.yml default[0] (signin): retries must be a whole number from 0 to 2, got ${JSON.stringify(retries)}`,
      ]);
    });
  });

  it('lets a stage replace the list, with its own target, phone, route and state per check', () => {
    const doc = {
      default: [{ name: 'signin', kind: 'signin', schedule: 'rate(5 minutes)' }],
      stages: {
        prod: [
          {
            name: 'shop-signin',
            kind: 'signin',
            schedule: 'cron(0/10 * * * ? *)',
            target: 'Shop',
            phone: REAL,
            codeRoute: 'custom-sender',
            state: 'ENABLED',
          },
        ],
      },
    };
    const { checks, source } = readChecks({ doc, stage: 'prod', params: { ...PARAMS, customSmsSender: 'true' } });
    expect(source).toBe('stages.prod');
    expect(checks).toEqual([
      expect.objectContaining({
        name: 'shop-signin',
        logicalId: 'CheckScheduleShopSignin',
        target: 'Shop',
        phone: REAL,
        enabled: true,
        smsPerRun: 0,
      }),
    ]);
    expect(readChecks({ doc, stage: 'dev', params: PARAMS }).checks.map((c: any) => c.name)).toEqual(['signin']);
  });

  it('names every problem at once: unknown kind, bad schedule, duplicate name, bad phone, unknown field, bad route and state', () => {
    const doc = {
      default: [
        { name: 'a', kind: 'login', schedule: 'rate(5 minutes)' },
        { name: 'b', kind: 'signin', schedule: 'rate(5 minute)' },
        { name: 'c', kind: 'signin', schedule: 'every 5 minutes' },
        { name: 'd', kind: 'signin', schedule: 'at(2026-12-01T00:00:00)' },
        { name: 'a', kind: 'signup', schedule: 'rate(1 hour)' },
        { name: 'e', kind: 'signin', schedule: 'rate(1 hour)', phone: '206-555-1234' },
        { name: 'f', kind: 'signin', schedule: 'rate(1 hour)', password: 'x' },
        { name: 'g', kind: 'signin', schedule: 'rate(1 hour)', codeRoute: 'callback', state: 'ON' },
        { name: 'Bad Name', kind: 'signin', schedule: 'rate(1 hour)' },
        'signin',
      ],
    };
    const { checks, errors } = readChecks({ doc, stage: 'prod', params: PARAMS });
    expect(checks).toEqual([]);
    expect(errors).toEqual([
      'checks.yml default[0] (a): kind must be one of signin, signup, got "login"',
      'checks.yml default[1] (b): schedule "rate(5 minute)": use the singular unit for 1 and the plural otherwise (rate(1 hour), rate(6 hours))',
      'checks.yml default[2] (c): schedule "every 5 minutes" is not an EventBridge Scheduler recurring expression: rate(<n> minutes|hours|days) or cron(<6 fields>)',
      'checks.yml default[3] (d): schedule "at(2026-12-01T00:00:00)" is not an EventBridge Scheduler recurring expression: rate(<n> minutes|hours|days) or cron(<6 fields>)',
      'checks.yml default[4] (a): duplicate name: default[0] has the same name',
      'checks.yml default[5] (e): phone must be an E.164 number: "+", the country code and the number, 8 to 16 characters',
      'checks.yml default[6] (f): password is not a known field (expected name, kind, schedule, target, userPoolId, clientId, authFlow, phone, codeRoute, state, slo, retries)',
      'checks.yml default[7] (g): codeRoute must be one of inbound-sms, twilio, custom-sender, got "callback"',
      'checks.yml default[7] (g): state must be ENABLED or DISABLED, got "ON"',
      'checks.yml default[8] (Bad Name): name must be 1-40 lower-case letters, digits and -, starting with a letter',
      'checks.yml default[9]: must be a mapping with name, kind and schedule',
    ]);
  });

  it('refuses a check on the custom-sender or twilio route on a stage without that route, naming the param', () => {
    const doc = {
      default: [
        { name: 'carrier-free', kind: 'signin', schedule: 'rate(1 hour)', codeRoute: 'custom-sender' },
        { name: 'by-twilio', kind: 'signin', schedule: 'rate(1 hour)', codeRoute: 'twilio' },
        { name: 'inbound', kind: 'signin', schedule: 'rate(1 hour)' },
      ],
    };
    const refused = readChecks({ doc, stage: 'prod', params: { ...PARAMS, customSmsSender: 'false', twilioWebhook: 'false' } });
    expect(refused.checks.map((c: any) => c.name)).toEqual(['inbound']);
    expect(refused.errors).toEqual([
      'checks.yml default[0] (carrier-free): codeRoute custom-sender needs the Custom SMS Sender (its KMS key, USD 1 a month) on this stage: deploy with --param="customSmsSender=true" (or set it under params), or use another codeRoute',
      'checks.yml default[1] (by-twilio): codeRoute twilio needs the Twilio route (its auth-token secret, USD 0.40 a month) on this stage: deploy with --param="twilioWebhook=true" (or set it under params), or use another codeRoute',
    ]);
    const allowed = readChecks({ doc, stage: 'prod', params: { ...PARAMS, customSmsSender: 'true', twilioWebhook: 'true' } });
    expect(allowed.errors).toEqual([]);
    expect(allowed.checks.map((c: any) => c.codeRoute)).toEqual(['custom-sender', 'twilio', 'inbound-sms']);
  });

  it('makes one schedule per check, starting the verify machine with the check kind, target and phone (none: the inbound number)', () => {
    const { checks } = readChecks({
      doc: {
        default: [
          { name: 'signin', kind: 'signin', schedule: 'rate(5 minutes)', phone: REAL },
          { name: 'signup', kind: 'signup', schedule: 'rate(6 hours)', state: 'ENABLED' },
        ],
      },
      stage: 'prod',
      params: PARAMS,
    });
    const resources = scheduleResources(checks);
    expect(Object.keys(resources)).toEqual(['CheckScheduleSignin', 'CheckScheduleSignup']);
    expect(resources.CheckScheduleSignin.Properties).toMatchObject({
      ScheduleExpression: 'rate(5 minutes)',
      State: 'DISABLED',
      Target: {
        Arn: { Ref: 'VerifyStateMachine' },
        RoleArn: { 'Fn::GetAtt': ['CheckScheduleRole', 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 0 },
      },
    });
    expect(JSON.parse(resources.CheckScheduleSignin.Properties.Target.Input)).toEqual({
      kind: 'signin',
      target: 'MyUserPool',
      phoneNumber: REAL,
      retries: 2,
      codeRoute: 'inbound-sms',
    });
    expect(JSON.parse(resources.CheckScheduleSignup.Properties.Target.Input)).toEqual({ kind: 'signup', target: 'MyUserPool', retries: 2 });
    expect(resources.CheckScheduleSignup.Properties.State).toBe('ENABLED');
  });
});

describe('checks.yml: a check on a pool named by id (cogcheck target add / verify --user-pool-id), and its sign-in flow', () => {
  const POOL = 'eu-west-1_Shop123';
  it('takes userPoolId + clientId instead of a target, and authFlow; the schedule input names them, not the stage target', () => {
    const doc = {
      default: [
        { name: 'shop-signin', kind: 'signin', schedule: 'rate(15 minutes)', userPoolId: POOL, clientId: 'abc123', authFlow: 'srp' },
        { name: 'named', kind: 'signup', schedule: 'rate(6 hours)', target: 'Shop', authFlow: 'user-auth' },
      ],
    };
    const { checks, errors } = readChecks({ doc, stage: 'prod', params: PARAMS });
    expect(errors).toEqual([]);
    expect(checks[0]).toMatchObject({ userPoolId: POOL, clientId: 'abc123', authFlow: 'srp' });
    expect(checks[0].target).toBeUndefined();
    const resources = scheduleResources(checks);
    expect(JSON.parse(resources.CheckScheduleShopSignin.Properties.Target.Input)).toEqual({
      kind: 'signin',
      userPoolId: POOL,
      clientId: 'abc123',
      authFlow: 'srp',
      retries: 2,
    });
    expect(JSON.parse(resources.CheckScheduleNamed.Properties.Target.Input)).toEqual({
      kind: 'signup',
      target: 'Shop',
      authFlow: 'user-auth',
      retries: 2,
    });
  });

  it('names every problem: both a target and ids, one id without the other, ids of the wrong shape, an unknown flow', () => {
    const doc = {
      default: [
        { name: 'a', kind: 'signin', schedule: 'rate(1 hour)', target: 'Shop', userPoolId: POOL, clientId: 'abc' },
        { name: 'b', kind: 'signin', schedule: 'rate(1 hour)', userPoolId: POOL },
        { name: 'c', kind: 'signin', schedule: 'rate(1 hour)', userPoolId: 'Shop123', clientId: 'not a client' },
        { name: 'd', kind: 'signin', schedule: 'rate(1 hour)', authFlow: 'custom' },
      ],
    };
    const { checks, errors } = readChecks({ doc, stage: 'prod', params: PARAMS });
    expect(checks).toEqual([]);
    expect(errors).toEqual([
      'checks.yml default[0] (a): give either target or userPoolId + clientId, not both',
      'checks.yml default[1] (b): clientId undefined must be an app client id (letters and digits)',
      'checks.yml default[2] (c): userPoolId "Shop123" must be a user pool id (<region>_<id>, e.g. eu-west-1_AbC123)',
      'checks.yml default[2] (c): clientId "not a client" must be an app client id (letters and digits)',
      'checks.yml default[3] (d): authFlow must be one of password, srp, user-auth, sms-otp, got "custom"',
    ]);
  });
});

describe('the checks plugins in sls package', () => {
  it('stops packaging a custom-sender check unless the stage is packaged with customSmsSender=true', async () => {
    const yml = 'default:\n  - name: ci\n    kind: signin\n    schedule: rate(1 hour)\n    codeRoute: custom-sender\n';
    const refused = service(yml);
    const error = await runHook(refused.plugin(ChecksPlugin), 'before:package:initialize').catch((e: ServerlessError) => e);
    expect(error).toBeInstanceOf(ServerlessError);
    expect((error as ServerlessError).message).toContain('codeRoute custom-sender needs the Custom SMS Sender');
    expect((error as ServerlessError).message).toContain('--param="customSmsSender=true"');
    const ok = service(yml, ['customSmsSender=true']);
    await runHook(ok.plugin(ChecksPlugin), 'before:package:initialize');
    expect(ok.log.notices).toEqual([expect.stringContaining('ci (signin, rate(1 hour), DISABLED)')]);
  });

  it('stops packaging with every problem of checks.yml listed', async () => {
    const s = service(
      'default:\n  - name: signin\n    kind: login\n    schedule: rate(5 minutes)\n  - name: signin\n    kind: signup\n    schedule: hourly\n',
    );
    const error = await runHook(s.plugin(ChecksPlugin), 'before:package:initialize').catch((e: ServerlessError) => e);
    expect(error).toBeInstanceOf(ServerlessError);
    expect((error as ServerlessError).code).toBe('CHECKS_INVALID');
    expect((error as Error).message).toContain('default[0] (signin): kind must be one of signin, signup, got "login"');
    expect((error as Error).message).toContain('default[1] (signin): duplicate name');
    expect((error as Error).message).toContain('schedule "hourly" is not an EventBridge Scheduler recurring expression');
  });

  it('refuses the old checkScheduleExpression parameter, pointing at checks.yml', async () => {
    const s = service(readFileSync(join(PROJECT_ROOT, 'checks.yml'), 'utf8'), ['checkScheduleExpression=rate(1 minute)']);
    const error = (await runHook(s.plugin(ChecksPlugin), 'before:package:initialize').catch((e: Error) => e)) as Error;
    expect(error.message).toContain('checkScheduleExpression is gone: each check has its own schedule in checks.yml');
  });

  it('adds one schedule per check to the compiled template', async () => {
    const s = service(readFileSync(join(PROJECT_ROOT, 'checks.yml'), 'utf8'));
    await runHook(s.plugin(ChecksPlugin), 'before:package:finalize');
    const resources = s.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    expect(Object.keys(resources)).toEqual(['CheckScheduleSignin', 'CheckScheduleSignup']);
  });

  it('checks the phone of each enabled check, naming the check', async () => {
    const yml = `default:\n  - name: signin\n    kind: signin\n    schedule: rate(5 minutes)\n    phone: "${REAL}"\n  - name: fiction\n    kind: signup\n    schedule: rate(6 hours)\n    phone: "+15555550123"\n`;
    const s = service(yml, ['checkScheduleState=ENABLED']);
    const error = (await runHook(s.plugin(CheckPhonePlugin), 'before:package:initialize').catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/^Check "fiction": checkPhoneNumber \+\*+0123 is in the range 555-0100…555-0199/);
    expect(error.message).not.toContain('+15555550123');
  });

  it('sums SMS over the enabled default checks with their retry runs: (8928 + 893) sign-in runs × 1 + (124 + 13) sign-up runs × 2, over a $1 limit', async () => {
    const s = service(readFileSync(join(PROJECT_ROOT, 'checks.yml'), 'utf8'), ['checkScheduleState=ENABLED', `checkPhoneNumber=${REAL}`]);
    const error = (await runHook(s.plugin(SmsBudgetPlugin), 'before:package:initialize').catch((e: Error) => e)) as Error;
    expect(error.message).toContain(
      'SMS budget exceeded: signin: rate(5 minutes) = (8928 runs + 893 retry runs: 5% assumed failing × 2 retries) × 1 SMS per signin run = 9821 SMS; ' +
        'signup: rate(6 hours) = (124 runs + 13 retry runs: 5% assumed failing × 2 retries) × 2 SMS per signup run = 274 SMS; in all 10095 SMS',
    );
    const ok = service(readFileSync(join(PROJECT_ROOT, 'checks.yml'), 'utf8'), [
      'checkScheduleState=ENABLED',
      `checkPhoneNumber=${REAL}`,
      'monthlySmsSpendLimitUsd=66',
    ]);
    await runHook(ok.plugin(SmsBudgetPlugin), 'before:package:initialize');
    expect(ok.log.notices).toEqual([expect.stringContaining('$65.11 per month, within the $66.00 limit')]);
  });

  it("turns the silence alarm's actions on only where a check runs, and refuses a period shorter than two runs of the most frequent one", async () => {
    const template = (s: ReturnType<typeof service>) => {
      s.serverless.service.provider.compiledCloudFormationTemplate.Resources.NoSuccessfulCheckAlarm = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: { ActionsEnabled: false },
      };
      return s;
    };
    const actions = async (yml: string, params: string[]) => {
      const s = template(service(yml, params));
      await runHook(s.plugin(ChecksPlugin), 'after:aws:package:finalize:mergeCustomProviderResources');
      return s.serverless.service.provider.compiledCloudFormationTemplate.Resources.NoSuccessfulCheckAlarm.Properties.ActionsEnabled;
    };
    const defaults = readFileSync(join(PROJECT_ROOT, 'checks.yml'), 'utf8');
    expect(await actions(defaults, [])).toBe(false);
    expect(await actions(defaults, ['checkScheduleState=ENABLED'])).toBe(true);
    // checkScheduleState off, but one check of the stage's list is on by itself.
    const oneOn = 'default:\n  - name: signin\n    kind: signin\n    schedule: rate(5 minutes)\n    state: ENABLED\n';
    expect(await actions(oneOn, [])).toBe(true);

    // Only a check every 6 hours is on: the 30-minute default would alarm between two passing runs.
    const rare = 'default:\n  - name: signup\n    kind: signup\n    schedule: rate(6 hours)\n    state: ENABLED\n';
    const error = (await runHook(service(rare).plugin(ChecksPlugin), 'before:package:initialize').catch((e: Error) => e)) as Error;
    expect(error.message).toContain(
      'noSuccessPeriodSeconds=1800 is shorter than two runs of the most frequent enabled check ("signup", rate(6 hours))',
    );
    expect(error.message).toContain('--param="noSuccessPeriodSeconds=43200"');
    await runHook(service(rare, ['noSuccessPeriodSeconds=43200']).plugin(ChecksPlugin), 'before:package:initialize');
    // A disabled check or a cron schedule sets no bound.
    expect(silenceAlarm([{ name: 'a', schedule: 'rate(6 hours)', enabled: false }], { noSuccessPeriodSeconds: 1800 })).toEqual({
      actionsEnabled: false,
    });
    expect(silenceAlarm([{ name: 'a', schedule: 'cron(0 * * * ? *)', enabled: true }], { noSuccessPeriodSeconds: 60 })).toEqual({
      actionsEnabled: true,
    });
    // A cron check may be the most frequent one: with one enabled, a slower rate() check sets no bound either.
    const mixed = [
      { name: 'signup', schedule: 'rate(6 hours)', enabled: true },
      { name: 'often', schedule: 'cron(0/5 * * * ? *)', enabled: true },
    ];
    expect(silenceAlarm(mixed, { noSuccessPeriodSeconds: 1800 })).toEqual({ actionsEnabled: true });
    // CloudWatch evaluates at most 7 days: a check every 5 days asks for that, not for 10 days.
    expect(silenceAlarm([{ name: 'rare', schedule: 'rate(5 days)', enabled: true }], { noSuccessPeriodSeconds: 1800 }).problem).toContain(
      '--param="noSuccessPeriodSeconds=604800" (7 days',
    );
    expect(silenceAlarm([{ name: 'rare', schedule: 'rate(5 days)', enabled: true }], { noSuccessPeriodSeconds: 604800 })).toEqual({
      actionsEnabled: true,
    });
  });

  describe('SMS sandbox on deploy', () => {
    const sns = mockClient(SNSClient);
    const ssm = mockClient(SSMClient);
    const cognito = mockClient(CognitoIdentityProviderClient);
    beforeEach(() => {
      sns.reset();
      ssm.reset();
      cognito.reset();
      ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'no', $metadata: {} }));
    });

    const deployWith = (yml: string, params: string[]) => {
      const s = service(yml, params);
      const plugin = s.plugin(CheckPhonePlugin);
      plugin.clients = {
        region: 'us-east-1',
        sns: new SNSClient({}),
        smsVoice: new PinpointSMSVoiceV2Client({}),
        ssm: new SSMClient({}),
        cognito: new CognitoIdentityProviderClient({}),
      };
      return { deploy: () => runHook(plugin, 'before:deploy:deploy'), log: s.log };
    };

    const yml =
      'default:\n  - name: signin\n    kind: signin\n    schedule: rate(5 minutes)\n  - name: signup\n    kind: signup\n    schedule: rate(6 hours)\n' +
      '  - name: ci\n    kind: signin\n    schedule: rate(1 hour)\n    target: CiPool\n    phone: "+12065550000"\n    codeRoute: custom-sender\n';

    it('asks once for checks that share a phone, and exempts a check whose pool hands its codes to the Custom SMS Sender', async () => {
      sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: true });
      sns.on(ListSMSSandboxPhoneNumbersCommand).resolves({ PhoneNumbers: [{ PhoneNumber: REAL, Status: 'Verified' }] });
      ssm
        .on(GetParameterCommand, { Name: '/cognito-sms-mfa/prod/targets/CiPool' })
        .resolves({ Parameter: { Value: JSON.stringify({ userPoolId: 'us-east-1_ci' }) } });
      cognito.on(DescribeUserPoolCommand, { UserPoolId: 'us-east-1_ci' }).resolves({
        UserPool: {
          LambdaConfig: { CustomSMSSender: { LambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:x', LambdaVersion: 'V1_0' } },
        },
      });
      const { deploy, log } = deployWith(yml, ['checkScheduleState=ENABLED', `checkPhoneNumber=${REAL}`, 'customSmsSender=true']);
      await deploy();
      expect(sns.commandCalls(ListSMSSandboxPhoneNumbersCommand)).toHaveLength(1);
      expect(log.notices).toEqual([
        expect.stringMatching(/^Check "signin": SMS sandbox: the check phone \+\*+1234 is a verified destination/),
        expect.stringMatching(/^Check "ci": SMS sandbox: codeRoute custom-sender sends no SMS/),
      ]);
      expect(log.warnings).toEqual([expect.stringContaining('Check "signin": codeRoute inbound-sms, but the check phone')]);
    });

    it('a check naming its pool by id: the Custom SMS Sender exemption reads that pool, no target record', async () => {
      sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: true });
      sns.on(ListSMSSandboxPhoneNumbersCommand).resolves({ PhoneNumbers: [] });
      cognito.on(DescribeUserPoolCommand, { UserPoolId: 'us-east-1_byid' }).resolves({
        UserPool: {
          LambdaConfig: { CustomSMSSender: { LambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:x', LambdaVersion: 'V1_0' } },
        },
      });
      const byId =
        'default:\n  - name: ci\n    kind: signin\n    schedule: rate(15 minutes)\n    userPoolId: us-east-1_byid\n    clientId: c1\n' +
        '    phone: "+12065550000"\n    codeRoute: custom-sender\n';
      const { deploy, log } = deployWith(byId, ['checkScheduleState=ENABLED', 'customSmsSender=true']);
      await deploy();
      expect(ssm).not.toHaveReceivedCommand(GetParameterCommand);
      expect(log.notices).toEqual([expect.stringMatching(/^SMS sandbox: codeRoute custom-sender sends no SMS/)]);
    });

    it('checks a custom-sender check whose pool is not in that mode like any SMS check: it warns, and refuses its unverified phone', async () => {
      sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: true });
      sns.on(ListSMSSandboxPhoneNumbersCommand).resolves({ PhoneNumbers: [{ PhoneNumber: REAL, Status: 'Verified' }] });
      const { deploy, log } = deployWith(yml, ['checkScheduleState=ENABLED', `checkPhoneNumber=${REAL}`, 'customSmsSender=true']);
      const error = (await deploy().catch((e: Error) => e)) as Error;
      expect(error.message).toMatch(
        /^Check "ci": This account is in the SNS SMS sandbox .* The check phone \+\*+0000 \(checkPhoneNumber\) is not one/,
      );
      expect(log.warnings).toEqual(
        expect.arrayContaining([
          expect.stringContaining('Check "ci": codeRoute custom-sender, but the pool of target CiPool does not hand its codes'),
        ]),
      );
      expect(log.notices.join('\n')).not.toContain('codeRoute custom-sender sends no SMS');
    });
  });
});
