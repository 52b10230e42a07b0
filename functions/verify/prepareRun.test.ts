import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { DescribePhoneNumbersCommand, PinpointSMSVoiceV2Client, ResourceNotFoundException } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { handler, prepareRun } from './prepareRun';
import { mockPool } from '../../tests/support/cognitoPool';

process.env.RUNS_TABLE = 'runs-test';

const ddb = mockClient(DynamoDBDocumentClient);
const ssm = mockClient(SSMClient);
const smsVoice = mockClient(PinpointSMSVoiceV2Client);
const cognito = mockClient(CognitoIdentityProviderClient);
const PHONE = '+15555550100';
const MASKED = '+*******0100';
const TARGET = {
  name: 'MyUserPool',
  region: 'us-east-1',
  userPoolId: 'us-east-1_abc',
  userPoolArn: 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc',
  userPoolName: 'MyUserPool',
  clientId: 'client1abc',
  clientName: 'MyUserPoolClient',
};
const event = (input: Record<string, unknown>, runId = 'run-1') => ({ input, runId });

function expectNoSecrets(out: unknown) {
  const json = JSON.stringify(out);
  expect(json).not.toContain(PHONE);
  expect(json).not.toContain('5555550100');
}

beforeEach(() => {
  ddb.reset();
  ssm.reset();
  smsVoice.reset();
  cognito.reset();
  mockPool(cognito, { userPoolId: 'us-east-1_abc', clientId: 'client1abc' });
  delete process.env.INBOUND_PHONE_NUMBER_ID;
  ddb.on(PutCommand).resolves({});
});

describe('prepareRun', () => {
  it('resolves a named target from SSM, writes the run record with the phone, and returns state with the phone masked', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify(TARGET) } });
    const out = await prepareRun(event({ target: 'MyUserPool', phoneNumber: PHONE }));
    expect(out).toEqual({
      runId: 'run-1',
      kind: 'signup',
      userPoolId: 'us-east-1_abc',
      clientId: 'client1abc',
      region: 'us-east-1',
      authFlow: 'password',
      username: 'synthetic-run-1',
      targetName: 'MyUserPool',
      timeouts: { signUpCodeSeconds: 300, mfaCodeSeconds: 120 },
      attempt: 1,
      phone: MASKED,
    });
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: '/cognito-sms-mfa/test/targets/MyUserPool' });
    const put = ddb.commandCalls(PutCommand)[0].args[0].input;
    expect(put.TableName).toBe('runs-test');
    expect(put.Item).toEqual({
      pk: 'RUN#run-1',
      runId: 'run-1',
      kind: 'signup',
      userPoolId: 'us-east-1_abc',
      clientId: 'client1abc',
      region: 'us-east-1',
      authFlow: 'password',
      username: 'synthetic-run-1',
      targetName: 'MyUserPool',
      timeouts: { signUpCodeSeconds: 300, mfaCodeSeconds: 120 },
      phoneNumber: PHONE,
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      status: 'RUNNING',
      // Issue 18: the first attempt of its check; a run started without `retries` gets none.
      attempt: 1,
      retries: 0,
      ttl: expect.any(Number),
    });
    expectNoSecrets(out);
  });

  describe('a re-run (issue 18)', () => {
    const FIRST = {
      pk: 'RUN#run-1',
      runId: 'run-1',
      kind: 'signup',
      userPoolId: 'eu-west-1_XyZ',
      clientId: 'abc123',
      region: 'eu-west-1',
      authFlow: 'password',
      targetName: 'MyUserPool',
      timeouts: { signUpCodeSeconds: 300, mfaCodeSeconds: 120 },
      phoneNumber: PHONE,
      status: 'FAIL',
      attempt: 1,
      retries: 1,
      attempts: 2,
    };

    it('runs what the first attempt resolved, read back from its record, under its own run id, linked to it', async () => {
      ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: FIRST });
      const out = await prepareRun(event({ kind: 'signup', attempt: 2 }));
      expect(out).toMatchObject({ runId: 'run-1-r2', attempt: 2, userPoolId: 'eu-west-1_XyZ', region: 'eu-west-1', phone: MASKED });
      expect(out.timeouts).toEqual({ signUpCodeSeconds: 300, mfaCodeSeconds: 120 });
      expect(ssm).not.toHaveReceivedCommand(GetParameterCommand);
      const put = ddb.commandCalls(PutCommand)[0]!.args[0].input;
      expect(put.Item).toMatchObject({ pk: 'RUN#run-1-r2', attempt: 2, retryOf: 'run-1', retries: 1, phoneNumber: PHONE });
    });

    it.each([
      ['no first record', undefined, 2],
      ['an attempt the machine did not start', FIRST, 3],
      ['attempt 1 named in the input', { ...FIRST, attempts: 1 }, 1],
    ])('refuses an input naming an attempt with %s (ValidationError attempt)', async (_what, item, attempt) => {
      ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: item });
      await expect(prepareRun(event({ kind: 'signup', attempt }))).rejects.toMatchObject({ name: 'ValidationError', field: 'attempt' });
      expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    });

    it('refuses `retries` outside 0..2 before any AWS call', async () => {
      await expect(prepareRun(event({ target: 'MyUserPool', phoneNumber: PHONE, retries: 3 }))).rejects.toMatchObject({
        name: 'ValidationError',
        field: 'retries',
      });
      expect(ssm.calls()).toHaveLength(0);
    });
  });

  it('takes userPoolId + clientId directly, without SSM, and the given timeouts', async () => {
    const out = await prepareRun(
      event({ userPoolId: 'eu-west-1_XyZ', clientId: 'abc123', phoneNumber: PHONE, timeouts: { mfaCodeSeconds: 120 } }),
    );
    expect(out).toMatchObject({
      userPoolId: 'eu-west-1_XyZ',
      clientId: 'abc123',
      timeouts: { signUpCodeSeconds: 300, mfaCodeSeconds: 120 },
      phone: MASKED,
    });
    expect(out.targetName).toBeUndefined();
    expect(ssm.calls()).toHaveLength(0);
    expectNoSecrets(out);
  });

  it('derives a lower-case synthetic username from the execution name', async () => {
    const out = await prepareRun(event({ userPoolId: 'us-east-1_abc', clientId: 'c1', phoneNumber: PHONE }, 'Run_ABC-42'));
    expect(out.username).toBe('synthetic-run_abc-42');
  });

  it('keeps the route its codes are expected back by on the run record (a timed-out wait names it)', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify(TARGET) } });
    await prepareRun(event({ target: 'MyUserPool', phoneNumber: PHONE, codeRoute: 'twilio' }));
    expect(ddb.commandCalls(PutCommand)[0].args[0].input.Item).toMatchObject({ codeRoute: 'twilio' });
  });

  it('fails with TargetNotFound when the target parameter does not exist, writing nothing', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    await expect(prepareRun(event({ target: 'Nope', phoneNumber: PHONE }))).rejects.toMatchObject({
      name: 'TargetNotFound',
      message: expect.stringContaining('"Nope"'),
    });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it.each<[string, unknown, string]>([
    ['a missing phone number', { target: 'MyUserPool' }, 'phoneNumber'],
    ['a phone number that is not E.164', { target: 'MyUserPool', phoneNumber: '5555550100' }, 'phoneNumber'],
    ['a phone number that is not a string', { target: 'MyUserPool', phoneNumber: 15555550100 }, 'phoneNumber'],
    ['an unknown field (e.g. a password)', { target: 'MyUserPool', phoneNumber: PHONE, password: 'x' }, 'password'],
    ['an unknown kind', { kind: 'login', target: 'MyUserPool', phoneNumber: PHONE }, 'kind'],
    ['a signin run (it starts at StartSignIn)', { kind: 'signin', target: 'MyUserPool', phoneNumber: PHONE }, 'kind'],
    ['both target and pool ids', { target: 'MyUserPool', userPoolId: 'us-east-1_abc', clientId: 'c', phoneNumber: PHONE }, 'target'],
    ['neither target nor pool ids', { phoneNumber: PHONE }, 'target'],
    ['a pool id without client id', { userPoolId: 'us-east-1_abc', phoneNumber: PHONE }, 'clientId'],
    ['a bad pool id', { userPoolId: 'abc', clientId: 'c', phoneNumber: PHONE }, 'userPoolId'],
    ['a bad target name', { target: '../etc', phoneNumber: PHONE }, 'target'],
    [
      'an MFA wait longer than the Cognito session',
      { target: 'MyUserPool', phoneNumber: PHONE, timeouts: { mfaCodeSeconds: 300 } },
      'timeouts.mfaCodeSeconds',
    ],
    ['an unknown code route', { target: 'MyUserPool', phoneNumber: PHONE, codeRoute: 'carrier-pigeon' }, 'codeRoute'],
    ['an input that is not an object', 'hello', 'input'],
  ])('rejects %s with a ValidationError naming the field', async (_what, input, field) => {
    const error = await prepareRun({ input, runId: 'run-1' }).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'ValidationError', field });
    expect(ssm.calls()).toHaveLength(0);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('rejects a bad run id and a non-object event', async () => {
    await expect(prepareRun(event({ target: 'MyUserPool', phoneNumber: PHONE }, 'run 1!'))).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'runId',
    });
    await expect(prepareRun(null)).rejects.toMatchObject({ name: 'ValidationError', field: 'event' });
  });

  it('rejects a missing input by naming the phone number', async () => {
    await expect(prepareRun({ runId: 'run-1' })).rejects.toMatchObject({ name: 'ValidationError', field: 'phoneNumber' });
  });

  it('never echoes the rejected phone number in the error', async () => {
    const bad = '+1555555010099999';
    const error = (await prepareRun(event({ target: 'MyUserPool', phoneNumber: bad })).catch((e: Error) => e)) as Error;
    expect(error.name).toBe('ValidationError');
    expect(error.message).not.toContain(bad);
    expect(error.message).not.toContain('5555550100');
  });

  describe('without phoneNumber (the schedule with no checkPhoneNumber)', () => {
    it("uses the stage's inbound-SMS number, read from End User Messaging, and records it on the run", async () => {
      process.env.INBOUND_PHONE_NUMBER_ID = 'phone-inbound1';
      smsVoice
        .on(DescribePhoneNumbersCommand)
        .resolves({ PhoneNumbers: [{ PhoneNumberId: 'phone-inbound1', PhoneNumber: PHONE } as never] });
      ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify(TARGET) } });
      const out = await prepareRun(event({ target: 'MyUserPool' }));
      expect(out.phone).toBe(MASKED);
      expect(smsVoice).toHaveReceivedCommandWith(DescribePhoneNumbersCommand, { PhoneNumberIds: ['phone-inbound1'] });
      expect(ddb.commandCalls(PutCommand)[0].args[0].input.Item).toMatchObject({ phoneNumber: PHONE });
      expectNoSecrets(out);
      // Read once per container.
      await prepareRun(event({ target: 'MyUserPool' }, 'run-2'));
      expect(smsVoice.commandCalls(DescribePhoneNumbersCommand)).toHaveLength(1);
    });

    it('prefers a given phoneNumber and then reads no number', async () => {
      process.env.INBOUND_PHONE_NUMBER_ID = 'phone-inbound2';
      await prepareRun(event({ userPoolId: 'us-east-1_abc', clientId: 'c1', phoneNumber: '+12065551234' }));
      expect(smsVoice.calls()).toHaveLength(0);
      expect(ddb.commandCalls(PutCommand)[0].args[0].input.Item).toMatchObject({ phoneNumber: '+12065551234' });
    });

    it('fails with PhoneNumberNotFound when the inbound number is gone, writing nothing', async () => {
      process.env.INBOUND_PHONE_NUMBER_ID = 'phone-gone';
      smsVoice.on(DescribePhoneNumbersCommand).rejects(new ResourceNotFoundException({ message: 'nope', $metadata: {} } as never));
      await expect(prepareRun(event({ userPoolId: 'us-east-1_abc', clientId: 'c1' }))).rejects.toMatchObject({
        name: 'PhoneNumberNotFound',
        message: expect.stringContaining('inboundPhoneNumberId'),
      });
      expect(ddb.calls()).toHaveLength(0);
    });

    it('names phoneNumber when the stage has no inbound number either', async () => {
      process.env.INBOUND_PHONE_NUMBER_ID = '';
      await expect(prepareRun(event({ target: 'MyUserPool' }))).rejects.toMatchObject({
        name: 'ValidationError',
        field: 'phoneNumber',
        message: expect.stringContaining('inboundPhoneNumberId'),
      });
      expect(ssm.calls()).toHaveLength(0);
    });
  });

  it('as a Lambda handler, returns the same masked state', async () => {
    const out = await handler(event({ userPoolId: 'us-east-1_abc', clientId: 'c1', phoneNumber: PHONE }), {} as never);
    expect(out.phone).toBe(MASKED);
    expectNoSecrets(out);
  });
});
