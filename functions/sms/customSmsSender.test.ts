import { captureLogs, jsonLines } from '../../tests/support/logCapture';
import { conditionFailed, waitItem as waitOn, waitTakesCode } from '../../tests/support/runs';
import type { WaitItem, WaitStep } from '../../lib/runs/model';
import { randomBytes } from 'node:crypto';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { DecryptCommand, GenerateDataKeyCommand, KMS, KMSClient } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  PinpointSMSVoiceV2Client,
  SendTextMessageCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { resetDecryptCodeForTests } from '../../lib/sms/decryptCode';
import { customSmsSender, handler, parseCustomSmsSenderEvent, type CustomSmsSenderEvent } from './customSmsSender';

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1a2b3c4d-0000-4000-8000-000000000001';
const OTHER_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1a2b3c4d-0000-4000-8000-000000000002';
const POOL = 'us-east-1_Abc123';
const PHONE = '+12065550142';
const CODE = '604213';
const FROM = 'phone-0123456789abcdef0123456789abcdef';
const SYNTHETIC = 'synthetic-run-7';
/** A sign-in check's standing user: its name is not derived from any run id. */
const STANDING = 'synthetic-standing-0123456789abcdef01234567';
const OTHER_POOL = 'us-east-1_Other9';
process.env.RUNS_TABLE = 'runs-test';
process.env.CUSTOM_SMS_SENDER_KEY_ARN = KEY;

const kms = mockClient(KMSClient);
const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const smsVoice = mockClient(PinpointSMSVoiceV2Client);

// KMS as the keyring sees it: one data key per key ARN, "wrapped" as an opaque blob.
const dataKeys = new Map<string, Uint8Array>();
const wrapped = (keyId: string) => Buffer.from(`wrapped:${keyId}`);
function kmsBehavesLikeKms() {
  kms.on(GenerateDataKeyCommand).callsFake(({ KeyId }) => {
    const key = dataKeys.get(KeyId) ?? new Uint8Array(randomBytes(32));
    dataKeys.set(KeyId, key);
    // Copies: the Encryption SDK wipes the data keys it is given once it has used them.
    return { KeyId, Plaintext: new Uint8Array(key), CiphertextBlob: wrapped(KeyId) };
  });
  kms.on(DecryptCommand).callsFake(({ KeyId }) => ({ KeyId, Plaintext: new Uint8Array(dataKeys.get(KeyId)!) }));
}

/** The code as Cognito puts it in the event: Encryption SDK, the pool's key, bound to the pool. */
async function encrypted(code = CODE, keyId = KEY, userPoolId = POOL): Promise<string> {
  const { encrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  const keyring = new KmsKeyringNode({ generatorKeyId: keyId, clientProvider: () => new KMS({ region: 'us-east-1' }) });
  const { result } = await encrypt(keyring, code, { encryptionContext: { 'userpool-id': userPoolId } });
  return result.toString('base64');
}

let ciphertext: string;
const event = (over: Partial<CustomSmsSenderEvent> = {}, request: Partial<CustomSmsSenderEvent['request']> = {}): CustomSmsSenderEvent => ({
  version: '1',
  triggerSource: 'CustomSMSSender_SignUp',
  region: 'us-east-1',
  userPoolId: POOL,
  userName: SYNTHETIC,
  callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: '1example23456789' },
  response: {},
  ...over,
  request: {
    type: 'customSMSSenderRequestV1',
    code: ciphertext,
    clientMetadata: null,
    userAttributes: {
      sub: 'b3c1e4a0-0000-4000-8000-000000000000',
      'cognito:user_status': 'UNCONFIRMED',
      phone_number_verified: 'false',
      phone_number: PHONE,
    },
    ...request,
  },
});

/** run-7's wait, naming the user its code comes for (as registerWait records it). */
const waitItem = (over: Partial<WaitItem> = {}) =>
  waitOn(PHONE, { runId: 'run-7', registeredAt: 1, taskToken: 'tok', ttl: 1, userPoolId: POOL, username: SYNTHETIC, ...over });
/** A wait registered before waits recorded their user. */
const legacyWaitItem = (over: Partial<WaitItem> = {}) => {
  const { userPoolId: _pool, username: _user, ...rest } = waitItem(over);
  return rest;
};
/** A sign-in run waiting for its standing user's MFA code. */
const signInWait = (over: Partial<WaitItem> = {}) => waitItem({ runId: 'signin-run-3', step: 'MFA', username: STANDING, ...over });
const waitIs = (wait: WaitItem) => {
  waitTakesCode(ddb, wait);
  ddb.on(GetCommand).resolves({ Item: wait });
};
/** No run waits on the phone. */
const nothingWaits = () => {
  ddb.on(UpdateCommand).rejects(conditionFailed());
  ddb.on(GetCommand).resolves({});
};

let logs: ReturnType<typeof captureLogs>;
beforeAll(async () => {
  kmsBehavesLikeKms();
  ciphertext = await encrypted();
});
beforeEach(() => {
  kms.reset();
  ddb.reset();
  sfn.reset();
  smsVoice.reset();
  resetDecryptCodeForTests();
  kmsBehavesLikeKms();
  // run-7 waits on the phone, for SYNTHETIC's code.
  waitIs(waitItem());
  sfn.on(SendTaskSuccessCommand).resolves({});
  smsVoice.on(SendTextMessageCommand).resolves({ MessageId: 'msg-1' });
  delete process.env.FORWARD_ORIGINATION_IDENTITY;
  logs = captureLogs();
});
afterEach(() => {
  const text = logs.lines.join('');
  logs.restore();
  // Whatever happened: no code, no ciphertext, no phone number in clear in any log line.
  expect(text).not.toContain(CODE);
  expect(text).not.toContain(ciphertext.slice(0, 40));
  expect(text).not.toContain(PHONE);
});

const logLines = () => jsonLines(logs.lines);
const lineOf = (message: string) => logLines().find((l) => l.message === message);
const update = () => ddb.commandCalls(UpdateCommand)[0].args[0].input;

describe('customSmsSender: codes of synthetic users', () => {
  it('decrypts a sign-up code and resumes the run waiting on the phone, for the SIGN_UP wait only', async () => {
    await expect(customSmsSender(event())).resolves.toEqual({ outcome: 'Resumed', runId: 'run-7', step: 'SIGN_UP' });
    expect(update().Key).toEqual({ pk: `WAIT#${PHONE}` });
    expect(update().ExpressionAttributeValues).toMatchObject({ ':code': CODE, ':step': 'SIGN_UP', ':run': 'run-7' });
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: 'tok',
      output: JSON.stringify({ runId: 'run-7', step: 'SIGN_UP' }),
    });
    expect(kms).toHaveReceivedCommandWith(DecryptCommand, { KeyId: KEY });
    expect(smsVoice).not.toHaveReceivedCommand(SendTextMessageCommand);
    expect(lineOf('code Resumed')).toMatchObject({
      route: 'custom-sender',
      outcome: 'Resumed',
      phone: '+*******0142',
      runId: 'run-7',
      step: 'SIGN_UP',
      userPoolId: POOL,
      triggerSource: 'CustomSMSSender_SignUp',
      username: SYNTHETIC,
    });
  });

  it.each<[string, WaitStep]>([
    ['CustomSMSSender_ResendCode', 'SIGN_UP'],
    ['CustomSMSSender_Authentication', 'MFA'],
  ])('maps %s to the %s wait', async (triggerSource, step) => {
    ddb.on(UpdateCommand).resolves({ Attributes: waitItem({ step, answered: true }) });
    await expect(customSmsSender(event({ triggerSource }))).resolves.toMatchObject({ outcome: 'Resumed', step });
    expect(update().ExpressionAttributeValues).toMatchObject({ ':step': step });
  });

  it('returns WrongStep for a code of the other step (a resent sign-up code while MFA is awaited) and resumes nothing', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: waitItem({ step: 'MFA' }) });
    await expect(customSmsSender(event({ triggerSource: 'CustomSMSSender_ResendCode' }))).resolves.toEqual({
      outcome: 'WrongStep',
      runId: 'run-7',
      step: 'MFA',
    });
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    expect(smsVoice).not.toHaveReceivedCommand(SendTextMessageCommand);
    expect(lineOf('code WrongStep')).toMatchObject({ level: 'WARN', route: 'custom-sender' });
  });

  it('never lets another "synthetic-" user answer the run waiting on the phone (anyone may sign up with that name)', async () => {
    await expect(customSmsSender(event({ userName: 'synthetic-run-8' }))).resolves.toEqual({ outcome: 'Dropped' });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    expect(lineOf('code Dropped')).toMatchObject({ why: 'the run waiting on this phone expects another user' });
  });

  it('resumes a sign-in run with its standing user’s MFA code: the wait names the user, whose name no run id gives', async () => {
    waitIs(signInWait());
    const mfa = event({ triggerSource: 'CustomSMSSender_Authentication', userName: STANDING });
    await expect(customSmsSender(mfa)).resolves.toEqual({ outcome: 'Resumed', runId: 'signin-run-3', step: 'MFA' });
    expect(update().ExpressionAttributeValues).toMatchObject({ ':code': CODE, ':step': 'MFA', ':run': 'signin-run-3' });
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'tok' });
    expect(smsVoice).not.toHaveReceivedCommand(SendTextMessageCommand);
    expect(lineOf('code Resumed')).toMatchObject({ runId: 'signin-run-3', step: 'MFA', username: STANDING, phone: '+*******0142' });
  });

  it.each<[string, Partial<CustomSmsSenderEvent>, () => Promise<Partial<CustomSmsSenderEvent['request']>>]>([
    ['the user the run id would name (synthetic-<runId>)', { userName: 'synthetic-signin-run-3' }, async () => ({})],
    ['another standing user', { userName: 'synthetic-standing-ffffffffffffffffffffffff' }, async () => ({})],
    [
      'the same user name in another pool',
      { userName: STANDING, userPoolId: OTHER_POOL },
      async () => ({ code: await encrypted(CODE, KEY, OTHER_POOL) }),
    ],
  ])('never gives the waiting sign-in run the code of %s', async (_who, over, request) => {
    waitIs(signInWait());
    const other = event({ triggerSource: 'CustomSMSSender_Authentication', ...over }, await request());
    await expect(customSmsSender(other)).resolves.toEqual({ outcome: 'Dropped' });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    expect(lineOf('code Dropped')).toMatchObject({ why: 'the run waiting on this phone expects another user' });
  });

  it('answers a wait registered before waits named their user by the old rule: the run’s own synthetic-<runId> user only', async () => {
    waitIs(legacyWaitItem());
    await expect(customSmsSender(event())).resolves.toEqual({ outcome: 'Resumed', runId: 'run-7', step: 'SIGN_UP' });
    ddb.reset();
    waitIs(legacyWaitItem({ step: 'MFA' }));
    await expect(customSmsSender(event({ triggerSource: 'CustomSMSSender_Authentication', userName: STANDING }))).resolves.toEqual({
      outcome: 'Dropped',
    });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('returns WaitExpired for a late code', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: waitItem({ expiresAt: Date.now() - 1 }) });
    await expect(customSmsSender(event())).resolves.toMatchObject({ outcome: 'WaitExpired' });
    expect(lineOf('code WaitExpired')).toMatchObject({ why: expect.any(String) });
    expect(smsVoice).not.toHaveReceivedCommand(SendTextMessageCommand);
  });

  it('answers a duplicate invocation (Lambda retries async events) without a second answer', async () => {
    await customSmsSender(event());
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: waitItem({ answered: true, code: undefined, consumedAt: 5 }) });
    await expect(customSmsSender(event())).resolves.toMatchObject({ outcome: 'AlreadyAnswered' });
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  it('forwards the code as a real SMS when no run waits on the phone and an origination identity is set', async () => {
    process.env.FORWARD_ORIGINATION_IDENTITY = FROM;
    nothingWaits();
    await expect(customSmsSender(event())).resolves.toEqual({ outcome: 'Forwarded' });
    expect(smsVoice).toHaveReceivedCommandWith(SendTextMessageCommand, {
      DestinationPhoneNumber: PHONE,
      OriginationIdentity: FROM,
      MessageBody: `Your verification code is ${CODE}.`,
      MessageType: 'TRANSACTIONAL',
    });
    expect(lineOf('code Forwarded')).toMatchObject({
      why: 'no run waits for a code on this phone',
      messageId: 'msg-1',
      phone: '+*******0142',
    });
  });

  it('drops it, with a named log line, when no run waits and nothing is configured to forward from', async () => {
    nothingWaits();
    await expect(customSmsSender(event())).resolves.toEqual({ outcome: 'Dropped' });
    expect(smsVoice).not.toHaveReceivedCommand(SendTextMessageCommand);
    expect(lineOf('code Dropped')).toMatchObject({
      level: 'WARN',
      why: 'no run waits for a code on this phone',
      forward: expect.stringContaining('FORWARD_ORIGINATION_IDENTITY'),
    });
  });

  it('refuses a decrypted payload that is not a numeric code (Malformed), answering no wait', async () => {
    const other = await encrypted('not-a-code');
    await expect(customSmsSender(event({}, { code: other }))).resolves.toEqual({ outcome: 'Malformed' });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(lineOf('code Malformed')).toMatchObject({ field: 'request.code' });
  });
});

describe('customSmsSender: everyone else', () => {
  it('never offers a real user’s code to a waiting run: forwards it with Cognito’s MFA text', async () => {
    process.env.FORWARD_ORIGINATION_IDENTITY = FROM;
    await expect(
      customSmsSender(event({ userName: 'alice@example.com', triggerSource: 'CustomSMSSender_Authentication' })),
    ).resolves.toEqual({ outcome: 'Forwarded' });
    expect(ddb.calls()).toHaveLength(0);
    expect(smsVoice).toHaveReceivedCommandWith(SendTextMessageCommand, { MessageBody: `Your authentication code is ${CODE}.` });
    const line = lineOf('code Forwarded');
    expect(line).toMatchObject({ why: 'not a synthetic user', triggerSource: 'CustomSMSSender_Authentication' });
    expect(line).not.toHaveProperty('username');
    expect(JSON.stringify(logLines())).not.toContain('alice');
  });

  it('drops a real user’s code (log line + metric) when nothing is configured to forward from', async () => {
    await expect(customSmsSender(event({ userName: 'alice' }))).resolves.toEqual({ outcome: 'Dropped' });
    expect(lineOf('code Dropped')).toMatchObject({ why: 'not a synthetic user' });
  });

  it.each([
    ['CustomSMSSender_ForgotPassword', `Your password reset code is ${CODE}.`],
    ['CustomSMSSender_VerifyUserAttribute', `Your verification code is ${CODE}.`],
    ['CustomSMSSender_UpdateUserAttribute', `Your verification code is ${CODE}.`],
    ['CustomSMSSender_SomethingNew', `Your code is ${CODE}.`],
  ])('forwards %s, even of a synthetic user, and answers no wait', async (triggerSource, text) => {
    process.env.FORWARD_ORIGINATION_IDENTITY = FROM;
    await expect(customSmsSender(event({ triggerSource }))).resolves.toEqual({ outcome: 'Forwarded' });
    expect(ddb.calls()).toHaveLength(0);
    expect(smsVoice).toHaveReceivedCommandWith(SendTextMessageCommand, { MessageBody: text });
    expect(lineOf('code Forwarded')).toMatchObject({ why: 'not a sign-up or MFA code' });
  });

  it('forwards a temporary password (AdminCreateUser) unescaped, as the user must type it', async () => {
    process.env.FORWARD_ORIGINATION_IDENTITY = FROM;
    const password = 'aB3&lt;x&gt;9&amp;q';
    const code = await encrypted(password);
    await customSmsSender(event({ triggerSource: 'CustomSMSSender_AdminCreateUser', userName: 'bob' }, { code }));
    expect(smsVoice).toHaveReceivedCommandWith(SendTextMessageCommand, {
      MessageBody: 'Your username is bob and temporary password is aB3<x>9&q.',
    });
  });

  it('drops the message, naming the refusal, when End User Messaging refuses it for good', async () => {
    process.env.FORWARD_ORIGINATION_IDENTITY = FROM;
    smsVoice.on(SendTextMessageCommand).rejects(
      new ValidationException({
        message: `Destination ${PHONE} is opted out`,
        Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT' as never,
        $metadata: { httpStatusCode: 400 },
      }),
    );
    await expect(customSmsSender(event({ userName: 'alice' }))).resolves.toEqual({ outcome: 'Dropped' });
    expect(lineOf('code Dropped')).toMatchObject({ forwardError: 'ValidationException' });
  });

  it('throws when End User Messaging throttles, so that Lambda retries the event', async () => {
    process.env.FORWARD_ORIGINATION_IDENTITY = FROM;
    smsVoice.on(SendTextMessageCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }));
    await expect(customSmsSender(event({ userName: 'alice' }))).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(lineOf('code not forwarded yet, Lambda will retry')).toMatchObject({ errorName: 'ThrottlingException' });
  });
});

describe('customSmsSender: bad input and faults', () => {
  it.each([
    ['not an object', null, 'event', 'must be a JSON object'],
    ['a Custom Email Sender event', { triggerSource: 'CustomEmailSender_SignUp' }, 'triggerSource', 'may contain only'],
    ['no userPoolId', { userPoolId: undefined }, 'userPoolId', 'is required'],
    ['another request type', { request: { type: 'customEmailSenderRequestV1' } }, 'request.type', 'customSMSSenderRequestV1'],
    ['no code', { request: { code: null } }, 'request.code', 'is required'],
    ['a code that is not base64', { request: { code: 'not base64!' } }, 'request.code', 'base64'],
    ['no phone_number', { request: { userAttributes: { sub: 'x' } } }, 'request.userAttributes.phone_number', 'is required'],
    [
      'a phone_number that is not E.164',
      { request: { userAttributes: { phone_number: '2065550142' } } },
      'request.userAttributes.phone_number',
      'may contain only',
    ],
  ])('returns Malformed for %s, asking KMS nothing', async (_what, patch, field, rule) => {
    const base = event();
    const bad =
      patch === null ? null : { ...base, ...patch, request: { ...base.request, ...((patch as { request?: object }).request ?? {}) } };
    await expect(customSmsSender(bad)).resolves.toEqual({ outcome: 'Malformed' });
    expect(kms).not.toHaveReceivedCommand(DecryptCommand);
    expect(lineOf('code Malformed')).toMatchObject({ field, rule: expect.stringContaining(rule) });
    // The line names the phone, masked, when the event has a valid one: it ties the refusal to a run.
    const phone = (bad as { request?: { userAttributes?: { phone_number?: string } } } | null)?.request?.userAttributes?.phone_number;
    expect(lineOf('code Malformed')?.phone).toBe(phone === PHONE ? '+*******0142' : undefined);
    expect(JSON.stringify(lineOf('code Malformed'))).not.toContain(PHONE);
  });

  it('returns DecryptFailed (never retried) for a code encrypted under another key', async () => {
    const foreign = await encrypted(CODE, OTHER_KEY);
    await expect(customSmsSender(event({}, { code: foreign }))).resolves.toEqual({ outcome: 'DecryptFailed' });
    expect(ddb.calls()).toHaveLength(0);
    expect(lineOf('code DecryptFailed')).toMatchObject({ level: 'WARN', why: expect.any(String), userPoolId: POOL });
  });

  it('returns DecryptFailed when KMS denies access (key policy, IAM)', async () => {
    kms
      .on(DecryptCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    await expect(customSmsSender(event())).resolves.toEqual({ outcome: 'DecryptFailed' });
    expect(lineOf('code DecryptFailed')).toMatchObject({ why: expect.stringContaining('AccessDeniedException') });
  });

  it('throws a transient KMS failure so that Lambda retries the event', async () => {
    kms
      .on(DecryptCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));
    await expect(customSmsSender(event())).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(lineOf('code not decrypted yet, Lambda will retry')).toMatchObject({ errorName: 'ThrottlingException' });
  });

  it('throws a transient DynamoDB failure so that Lambda retries the event', async () => {
    ddb
      .on(UpdateCommand)
      .rejects(Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(customSmsSender(event())).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(lineOf('code not delivered yet, Lambda will retry')).toMatchObject({ errorName: 'ProvisionedThroughputExceededException' });
  });

  it('parses the documented event shape, clientMetadata and all', () => {
    expect(parseCustomSmsSenderEvent(event({}, { clientMetadata: { source: 'check' } }))).toEqual({
      triggerSource: 'CustomSMSSender_SignUp',
      userPoolId: POOL,
      username: SYNTHETIC,
      ciphertext,
      phone: PHONE,
    });
  });
});

describe('handler', () => {
  it('returns nothing to Cognito (which expects nothing), least of all the code', async () => {
    const out = await handler(event(), { awsRequestId: 'r', functionName: 'f' } as never);
    expect(out).toBeUndefined();
    expect(lineOf('code Resumed')).toBeDefined();
  });
});
