import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { GetSMSSandboxAccountStatusCommand, ListSMSSandboxPhoneNumbersCommand, SNSClient } from '@aws-sdk/client-sns';
import { DescribePhoneNumbersCommand, PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { CognitoIdentityProviderClient, DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';

const CheckPhonePlugin = require('../../plugins/checkPhone.js');
const { checkPhoneParameter, isReservedForFiction } = CheckPhonePlugin;

const REAL = '+12065551234';

describe('check phone parameter (sls package)', () => {
  it.each([
    ['+15555550100', true],
    ['+15555550123', true],
    ['+12125550199', true],
    ['+15555550200', false],
    ['+15555550099', false],
    ['+12065551234', false],
    ['+445555550100', false],
    ['+1555555010', false],
  ])('%s is reserved for fiction: %s', (phone, reserved) => {
    expect(isReservedForFiction(phone)).toBe(reserved);
  });

  it('refuses an enabled schedule without a phone, naming checkPhoneNumber and the inbound-number way out', () => {
    const result = checkPhoneParameter({ enabled: true, phone: '', inboundPhoneNumberId: '' });
    expect(result).toMatchObject({ ok: false, level: 'error' });
    expect(result.message).toContain('checkPhoneNumber has no default');
    expect(result.message).toContain('inboundPhoneNumberId');
  });

  it('refuses an enabled schedule on a number reserved for fiction, naming the range, never echoing the number', () => {
    const result = checkPhoneParameter({ enabled: true, phone: '+15555550123' });
    expect(result).toMatchObject({ ok: false, level: 'error' });
    expect(result.message).toContain('checkPhoneNumber +*******0123 is in the range 555-0100…555-0199');
    expect(result.message).toContain('reserved for fiction');
    expect(result.message).not.toContain('+15555550123');
  });

  it('refuses a number that is not E.164', () => {
    expect(checkPhoneParameter({ enabled: true, phone: '206-555-1234' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('E.164'),
    });
  });

  it('accepts a real number, or none when the inbound-SMS number stands in', () => {
    expect(checkPhoneParameter({ enabled: true, phone: REAL })).toEqual({
      ok: true,
      level: 'notice',
      message: 'Check phone: +*******1234 (checkPhoneNumber).',
    });
    expect(checkPhoneParameter({ enabled: true, phone: '', inboundPhoneNumberId: 'phone-abc' })).toMatchObject({
      ok: true,
      message: expect.stringContaining('inbound-SMS number phone-abc'),
    });
  });

  it('with the schedule disabled, says nothing about a missing phone and only warns about a fictional one', () => {
    expect(checkPhoneParameter({ enabled: false, phone: '' })).toEqual({ ok: true, level: 'none', message: '' });
    expect(checkPhoneParameter({ enabled: false, phone: '+15555550100' })).toMatchObject({
      ok: true,
      level: 'warning',
      message: expect.stringContaining('disabled'),
    });
  });
});

describe('SMS sandbox check on deploy', () => {
  const sns = mockClient(SNSClient);
  const smsVoice = mockClient(PinpointSMSVoiceV2Client);
  const ssm = mockClient(SSMClient);
  const cognito = mockClient(CognitoIdentityProviderClient);
  class ServerlessError extends Error {
    constructor(
      message: string,
      readonly code: string,
    ) {
      super(message);
    }
  }

  beforeEach(() => {
    for (const m of [sns, smsVoice, ssm, cognito]) m.reset();
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'no', $metadata: {} }));
  });

  /** The plugin as `sls deploy --stage prod --param ...` would load it. */
  const pluginWith = (params: string[], cognitoRegions: string[] = []) => {
    const log = { warnings: [] as string[], notices: [] as string[] };
    const serverless = {
      getProvider: () => ({ getStage: () => 'prod' }),
      service: { provider: { stage: 'prod' } },
      classes: { Error: ServerlessError },
      configurationInput: {
        params: {
          default: {
            checkScheduleState: 'DISABLED',
            checkPhoneNumber: '',
            inboundPhoneNumberId: '',
            checkTarget: 'MyUserPool',
            targetParameterPrefix: '/cognito-sms-mfa/prod/targets',
            noSuccessPeriodSeconds: 1800,
          },
        },
      },
      processedInput: { options: { param: params } },
    };
    const plugin = new CheckPhonePlugin(
      serverless,
      {},
      { log: { notice: (m: string) => log.notices.push(m), warning: (m: string) => log.warnings.push(m) } },
    );
    plugin.clients = {
      region: 'us-east-1',
      sns: new SNSClient({}),
      smsVoice: new PinpointSMSVoiceV2Client({}),
      ssm: new SSMClient({}),
      cognito: new CognitoIdentityProviderClient({}),
      cognitoIn: (region: string) => {
        cognitoRegions.push(region);
        return new CognitoIdentityProviderClient({ region });
      },
    };
    return { deploy: () => plugin.hooks['before:deploy:deploy']() as Promise<void>, log };
  };

  it('refuses an enabled schedule whose phone is not a verified sandbox destination, with the command that fixes it', async () => {
    sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: true });
    sns
      .on(ListSMSSandboxPhoneNumbersCommand)
      .resolvesOnce({ PhoneNumbers: [{ PhoneNumber: '+12065550000', Status: 'Verified' }], NextToken: 'p2' })
      .resolvesOnce({ PhoneNumbers: [{ PhoneNumber: REAL, Status: 'Pending' }] });
    const error = await pluginWith(['checkScheduleState=ENABLED', `checkPhoneNumber=${REAL}`])
      .deploy()
      .catch((e: ServerlessError) => e);
    expect(error).toBeInstanceOf(ServerlessError);
    expect((error as ServerlessError).code).toBe('CHECK_PHONE_NOT_SANDBOX_VERIFIED');
    expect((error as Error).message).toContain('SMS sandbox in us-east-1');
    expect((error as Error).message).toContain('npm run cli -- sms-sandbox-verify --stage prod --phone <+*******1234 in full>');
    expect((error as Error).message).not.toContain(REAL);
    expect((error as Error).message).toContain('checkScheduleState=DISABLED');
    expect(sns.commandCalls(ListSMSSandboxPhoneNumbersCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'p2']);
  });

  it('checks the inbound-SMS number when checkPhoneNumber is empty', async () => {
    sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: true });
    sns.on(ListSMSSandboxPhoneNumbersCommand).resolves({ PhoneNumbers: [] });
    smsVoice.on(DescribePhoneNumbersCommand).resolves({ PhoneNumbers: [{ PhoneNumberId: 'phone-abc', PhoneNumber: REAL } as never] });
    const error = (await pluginWith(['checkScheduleState=ENABLED', 'inboundPhoneNumberId=phone-abc'])
      .deploy()
      .catch((e: Error) => e)) as Error;
    expect(error.message).toContain('(the inbound-SMS number (inboundPhoneNumberId))');
    expect(error.message).toContain('--phone <+*******1234 in full>');
    expect(error.message).not.toContain(REAL);
    expect(smsVoice).toHaveReceivedCommandWith(DescribePhoneNumbersCommand, { PhoneNumberIds: ['phone-abc'] });
  });

  it('accepts a verified check phone', async () => {
    sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: true });
    sns.on(ListSMSSandboxPhoneNumbersCommand).resolves({ PhoneNumbers: [{ PhoneNumber: REAL, Status: 'Verified' }] });
    const { deploy, log } = pluginWith(['checkScheduleState=ENABLED', `checkPhoneNumber=${REAL}`]);
    await deploy();
    expect(log.notices).toEqual([expect.stringContaining('is a verified destination')]);
  });

  it("accepts an unverified phone when the check's pool uses the Custom SMS Sender (no SMS is sent)", async () => {
    sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: true });
    sns.on(ListSMSSandboxPhoneNumbersCommand).resolves({ PhoneNumbers: [] });
    ssm
      .on(GetParameterCommand, { Name: '/cognito-sms-mfa/prod/targets/MyUserPool' })
      .resolves({ Parameter: { Value: JSON.stringify({ userPoolId: 'us-east-1_abc' }) } });
    cognito.on(DescribeUserPoolCommand, { UserPoolId: 'us-east-1_abc' }).resolves({
      UserPool: {
        LambdaConfig: { CustomSMSSender: { LambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:x', LambdaVersion: 'V1_0' } },
      },
    });
    const { deploy, log } = pluginWith(['checkScheduleState=ENABLED', `checkPhoneNumber=${REAL}`]);
    await deploy();
    expect(log.notices).toEqual([expect.stringContaining('Custom SMS Sender')]);
  });

  it("reads a check's pool in the Region its id names, not the deployer's (us-east-1)", async () => {
    sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: true });
    sns.on(ListSMSSandboxPhoneNumbersCommand).resolves({ PhoneNumbers: [] });
    ssm
      .on(GetParameterCommand, { Name: '/cognito-sms-mfa/prod/targets/MyUserPool' })
      .resolves({ Parameter: { Value: JSON.stringify({ userPoolId: 'eu-west-1_shop' }) } });
    cognito.on(DescribeUserPoolCommand, { UserPoolId: 'eu-west-1_shop' }).resolves({
      UserPool: {
        LambdaConfig: { CustomSMSSender: { LambdaArn: 'arn:aws:lambda:eu-west-1:123456789012:function:x', LambdaVersion: 'V1_0' } },
      },
    });
    const regions: string[] = [];
    const { deploy, log } = pluginWith(['checkScheduleState=ENABLED', `checkPhoneNumber=${REAL}`], regions);
    await deploy();
    expect(regions).toEqual(['eu-west-1']);
    expect(log.notices).toEqual([expect.stringContaining('Custom SMS Sender')]);
  });

  it('with the schedule disabled, only warns about the sandbox, naming the command', async () => {
    sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: true });
    const { deploy, log } = pluginWith([]);
    await deploy();
    expect(log.warnings).toEqual([expect.stringContaining('npm run cli -- sms-sandbox-verify --stage prod --phone <+E164>')]);
    expect(sns).not.toHaveReceivedCommand(ListSMSSandboxPhoneNumbersCommand);
  });

  it('stays quiet out of the sandbox, and only warns when the status cannot be read', async () => {
    sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: false });
    smsVoice.on(DescribePhoneNumbersCommand).resolves({ PhoneNumbers: [{ PhoneNumberId: 'phone-abc', PhoneNumber: REAL } as never] });
    const wired = ['checkScheduleState=ENABLED', `checkPhoneNumber=${REAL}`, 'inboundPhoneNumberId=phone-abc'];
    const out = pluginWith(wired);
    await out.deploy();
    expect([...out.log.warnings, ...out.log.notices]).toEqual([]);
    sns.on(GetSMSSandboxAccountStatusCommand).rejects(Object.assign(new Error('denied'), { name: 'AuthorizationErrorException' }));
    const denied = pluginWith(wired);
    await denied.deploy();
    expect(denied.log.warnings).toEqual([expect.stringContaining('AuthorizationErrorException')]);
  });

  describe("warns when a check's code route cannot bring its codes back", () => {
    beforeEach(() => sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: false }));

    it('inbound-sms with a phone that is not the inbound number, or with no inbound number', async () => {
      smsVoice
        .on(DescribePhoneNumbersCommand)
        .resolves({ PhoneNumbers: [{ PhoneNumberId: 'phone-abc', PhoneNumber: '+12065550000' } as never] });
      const other = pluginWith(['checkScheduleState=ENABLED', `checkPhoneNumber=${REAL}`, 'inboundPhoneNumberId=phone-abc']);
      await other.deploy();
      expect(other.log.warnings).toEqual([
        expect.stringContaining(
          "codeRoute inbound-sms, but the check phone +*******1234 is not the stage's inbound-SMS number (+*******0000)",
        ),
      ]);
      const none = pluginWith(['checkScheduleState=ENABLED', `checkPhoneNumber=${REAL}`]);
      await none.deploy();
      expect(none.log.warnings).toEqual([expect.stringContaining('(inboundPhoneNumberId is empty)')]);
      expect([...other.log.warnings, ...none.log.warnings].join('\n')).not.toContain(REAL);
    });

    it('an inbound number it cannot read, named with the reason', async () => {
      smsVoice.on(DescribePhoneNumbersCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
      const out = pluginWith(['checkScheduleState=ENABLED', `checkPhoneNumber=${REAL}`, 'inboundPhoneNumberId=phone-typo']);
      await out.deploy();
      expect(out.log.warnings).toEqual([
        expect.stringContaining('could not read the inbound-SMS number phone-typo (inboundPhoneNumberId; AccessDeniedException)'),
      ]);
    });

    it('nothing for a disabled check', async () => {
      const off = pluginWith([`checkPhoneNumber=${REAL}`]);
      await off.deploy();
      expect(off.log.warnings).toEqual([]);
    });
  });
});
