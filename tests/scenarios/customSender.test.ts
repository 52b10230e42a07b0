import { MAX_CIPHERTEXT_CHARS } from '../../lib/sms/decryptCode';
import { captureLogs, contains, jsonLines } from '../support/logCapture';
import { CognitoIdentityProviderClient, DescribeUserPoolCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { CustomSmsSenderEvent } from '../../functions/sms/customSmsSender';
import { decryptCode, resetDecryptCodeForTests } from '../../lib/sms/decryptCode';
import { standingUsername } from '../../lib/verify/standingUser';
import { FakePhone } from '../../local/cognito/fakePhone';
import type { CognitoMessageSource, LocalCustomSmsSender } from '../../local/cognito/customSender';
import { CODE_SOURCE_PARAMS, LOCAL_SENDER_NUMBER } from '../../local/cloud';
import { nextPhone, ScenarioCloud } from './harness';
import {
  expectStillWaiting,
  masked,
  routeLog,
  runsItem,
  startFaultyKms,
  startWaitingForSignUpCode,
  type FaultyKms,
} from '../support/codeRoutes';

/**
 * Issue 10, route 2: the carrier-free mode. Provisioning with `smsSender: custom-sender` gives the
 * pool the stack's Custom SMS Sender and KMS key (moto); the local Cognito then sends no SMS and,
 * as Cognito does, hands each code — encrypted with the AWS Encryption SDK under the pool's key —
 * to the sender Lambda, whose real handler decrypts it and resumes the waiting run. The scenarios
 * stand between Cognito and the Lambda, so they can hold, repeat or corrupt a hand-over.
 */
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

/** `kms-down`: deliver, without the test's own decryption (KMS fails while the scenario says so). */
type Mode = 'deliver' | 'duplicate' | 'hold' | 'kms-down';
interface Handover {
  arn: string;
  event: CustomSmsSenderEvent;
}

// The FakePhone that the local Cognito creates, caught as it is wired into cognito-local.
const phonesMade: FakePhone[] = [];
const messages = FakePhone.prototype.messages;
jest.spyOn(FakePhone.prototype, 'messages').mockImplementation(function (this: FakePhone, cognitoService) {
  phonesMade.push(this);
  return messages.call(this, cognitoService);
});

let logs: ReturnType<typeof captureLogs>;
let s: ScenarioCloud;
let sender: LocalCustomSmsSender;
let senderArn: string;
let userPoolId: string;
let clientId: string;
let cognito: CognitoIdentityProviderClient;
let db: DynamoDBDocumentClient;
const modes = new Map<string, Mode>();
/** Once per phone: the next hand-over is held, and what this makes of its event goes to the Lambda instead. */
const tampers = new Map<string, (event: CustomSmsSenderEvent) => Promise<unknown>>();
/** Told when the Lambda throws on a hand-over, before Cognito's retry (Lambda's, for an asynchronous invoke). */
let onLambdaError: (() => void) | undefined;
const held: Handover[] = [];
const phones: string[] = [];
/** Every code handed to the sender, decrypted here only to prove that none reaches a log. */
const codes: string[] = [];

beforeAll(async () => {
  logs = captureLogs();
  s = await ScenarioCloud.start({ logLevel: 'DEBUG', params: CODE_SOURCE_PARAMS['custom-sender'] });
  const provision = await s.run('provision', { smsSender: 'custom-sender' });
  if (provision.status !== 'SUCCEEDED')
    throw new Error(`provisioning in custom-sender mode failed: ${provision.error}: ${provision.cause}`);
  ({ userPoolId, clientId } = JSON.parse(provision.output!));
  senderArn = s.cloud.refs['CustomSmsSenderLambdaFunction.Arn'];
  cognito = new CognitoIdentityProviderClient({});
  db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  // Whatever local/cloud.ts attaches, these scenarios stand between Cognito and the Lambda; what
  // happens after Lambda gives up (the on-failure destination) stays as local/cloud.ts wired it.
  const [phone] = phonesMade;
  const attached = phone.customSmsSender!;
  expect(attached.opts.onFailureDestination).toBeDefined();
  sender = phone.useCustomSmsSender({ ...attached.opts, invoke: handOver, retryDelaysMs: [50, 100] })!;
}, 60_000);
afterAll(async () => {
  await sender?.settled();
  logs?.restore();
  cognito?.destroy();
  db?.destroy();
  await s?.close();
});

/** Cognito → the sender Lambda, through the local Lambda runtime, as the scenario's mode says. */
async function handOver(arn: string, event: unknown): Promise<unknown> {
  const handover = { arn, event: event as CustomSmsSenderEvent };
  const phone = handover.event.request.userAttributes.phone_number;
  const mode = modes.get(phone) ?? 'deliver';
  if (mode !== 'kms-down') codes.push(await decryptCode(handover.event.request.code!));
  const tamper = tampers.get(phone);
  if (tamper) {
    tampers.delete(phone);
    held.push(handover);
    return s.cloud.lambda.invoke(arn, await tamper(handover.event));
  }
  if (mode === 'hold') {
    held.push(handover);
    return null;
  }
  try {
    const out = await s.cloud.lambda.invoke(arn, event);
    if (mode === 'duplicate') await s.cloud.lambda.invoke(arn, event);
    return out;
  } catch (error) {
    onLambdaError?.();
    throw error;
  }
}

function usePhone(mode: Mode, phone = nextPhone()): string {
  modes.set(phone, mode);
  phones.push(phone);
  return phone;
}

/** The event Cognito would send for this user and code (encrypted under `kmsKeyId`, the pool's key by default). */
async function cognitoEvent(over: {
  source: CognitoMessageSource;
  username: string;
  phone: string;
  code: string;
  kmsKeyId?: string;
}): Promise<CustomSmsSenderEvent> {
  const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
  codes.push(over.code);
  return sender.buildEvent({
    source: over.source,
    userPoolId,
    clientId,
    username: over.username,
    userAttributes: { phone_number: over.phone, 'cognito:user_status': 'CONFIRMED' },
    code: over.code,
    lambdaArn: senderArn,
    kmsKeyId: over.kmsKeyId ?? UserPool!.LambdaConfig!.KMSKeyID,
  });
}

const item = (pk: string) => runsItem(db, pk);
const heldFor = (phone: string, triggerSource: string) =>
  held.filter((h) => h.event.request.userAttributes.phone_number === phone && h.event.triggerSource === triggerSource).at(-1)!;
const release = (h: Handover) => s.cloud.lambda.invoke(h.arn, h.event);

const { outcomes: routeLines, notDelivered } = routeLog(() => logs.lines, 'custom-sender');
const outcomesFor = (phone: string) =>
  routeLines()
    .filter((l) => l.phone === masked(phone))
    .map((l) => l.outcome);
const textsTo = (phone: string) => s.cloud.smsVoice.texts.filter((t) => t.destinationPhoneNumber === phone);

async function runWaitingForSignUpCode(timeouts: object = {}) {
  const phone = usePhone('hold');
  const executionArn = await startWaitingForSignUpCode(s, phone, timeouts);
  await sender.settled();
  return { phone, executionArn };
}

const stillWaiting = (executionArn: string, state?: string) => expectStillWaiting(s, executionArn, state);
const handoversTo = (phone: string) => sender.invocations.filter((i) => i.event?.request.userAttributes.phone_number === phone);

/**
 * Given a check waiting for its sign-up code, whose hand-over reached the Lambda as `tamper` made
 * it (Cognito's retries included), the genuine event held back.
 */
async function runWithTamperedSignUpCode(tamper: (event: CustomSmsSenderEvent) => Promise<unknown>) {
  const phone = usePhone('deliver');
  tampers.set(phone, tamper);
  const before = { lines: routeLines().length, malformed: notDelivered('Malformed').length };
  const executionArn = await startWaitingForSignUpCode(s, phone);
  await sender.settled();
  return {
    phone,
    executionArn,
    /** What the route logged and counted for the tampered event. */
    lines: routeLines().slice(before.lines),
    malformedCounted: notDelivered('Malformed').length - before.malformed,
  };
}

/** Nothing was answered: the run still waits, its wait has no code, and the genuine code still passes it. */
async function genuineCodeStillPasses(phone: string, executionArn: string) {
  await stillWaiting(executionArn);
  expect(await item(`WAIT#${phone}`)).toMatchObject({ step: 'SIGN_UP' });
  expect((await item(`WAIT#${phone}`))!.answered).toBeUndefined();
  await release(heldFor(phone, 'CustomSMSSender_SignUp'));
  expect((await s.finish(executionArn)).status).toBe('SUCCEEDED');
  expect(textsTo(phone)).toEqual([]);
}

describe('provisioning in custom-sender mode', () => {
  it("given a provisioned pool, when provisioned with smsSender custom-sender, then its codes go to the stack's sender under the stack's key, every other setting kept", async () => {
    const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
    expect(UserPool).toMatchObject({
      LambdaConfig: { CustomSMSSender: { LambdaArn: senderArn, LambdaVersion: 'V1_0' }, KMSKeyID: s.cloud.refs['CustomSmsSenderKey.Arn'] },
      MfaConfiguration: 'ON',
      AutoVerifiedAttributes: ['phone_number'],
      SmsConfiguration: { SnsCallerArn: expect.stringContaining(':role/'), ExternalId: expect.any(String) },
    });
  });

  it('given the pool is in custom-sender mode, when provisioning runs again, then it succeeds and changes nothing', async () => {
    const before = (await cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))).UserPool!;
    const again = await s.run('provision', { smsSender: 'custom-sender' });
    expect(again.status).toBe('SUCCEEDED');
    expect(JSON.parse(again.output!)).toMatchObject({ userPoolId, smsSender: 'custom-sender' });
    const after = (await cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))).UserPool!;
    expect(after.LambdaConfig).toEqual(before.LambdaConfig);
    expect(after.LastModifiedDate).toEqual(before.LastModifiedDate);
  });
});

describe('codes come back through the Custom SMS Sender', () => {
  it('given the custom-sender pool, when a check runs, then both codes reach the run with no SMS sent, and it passes', async () => {
    const phone = usePhone('deliver');
    const result = await s.run('verify', { target: s.targetName, phoneNumber: phone });
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!)).toMatchObject({ verdict: 'PASS', phone: masked(phone) });
    await sender.settled();
    expect(s.cloud.cognito.sent.filter((m) => m.phoneNumber === phone)).toEqual([]);
    expect(textsTo(phone)).toEqual([]);
    const mine = sender.invocations.filter((i) => i.event?.request.userAttributes.phone_number === phone);
    expect(mine.map((i) => i.triggerSource)).toEqual(['CustomSMSSender_SignUp', 'CustomSMSSender_Authentication']);
    expect(mine.every((i) => i.ok && i.username.startsWith('synthetic-'))).toBe(true);
    const reached = routeLines().filter((l) => l.phone === masked(phone) && ['Resumed', 'StoredBeforeAwait'].includes(l.outcome));
    expect(reached.map((l) => l.step).sort()).toEqual(['MFA', 'SIGN_UP']);
  });

  it('given the custom-sender pool, when sign-in checks run (the first makes the standing user, the second reuses it), then each MFA code reaches its run with no SMS sent, and both pass', async () => {
    const phone = usePhone('deliver');
    // A short wait: a code that does not come fails the run by name, well before the test's timeout.
    const signIn = () => s.run('verify', { kind: 'signin', target: s.targetName, phoneNumber: phone, timeouts: { mfaCodeSeconds: 10 } });
    const first = await signIn();
    const second = await signIn();
    for (const result of [first, second])
      expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({
        status: 'SUCCEEDED',
        error: undefined,
        cause: undefined,
      });
    expect(JSON.parse(first.output!)).toMatchObject({ verdict: 'PASS', kind: 'signin', standingUser: 'created', phone: masked(phone) });
    expect(JSON.parse(second.output!)).toMatchObject({ verdict: 'PASS', kind: 'signin', standingUser: 'reused' });
    await sender.settled();
    // The standing user is made without a message; each run's MFA code went to the sender, not to a phone.
    expect(s.cloud.cognito.sent.filter((m) => m.phoneNumber === phone)).toEqual([]);
    expect(textsTo(phone)).toEqual([]);
    const username = standingUsername(userPoolId, phone);
    expect(handoversTo(phone).map((i) => [i.triggerSource, i.username, i.ok])).toEqual([
      ['CustomSMSSender_Authentication', username, true],
      ['CustomSMSSender_Authentication', username, true],
    ]);
    const reached = routeLines().filter((l) => l.phone === masked(phone));
    expect(reached.map((l) => [l.outcome === 'Resumed' || l.outcome === 'StoredBeforeAwait', l.step, l.runId, l.username])).toEqual([
      [true, 'MFA', first.name, username],
      [true, 'MFA', second.name, username],
    ]);
  });

  it('given the MFA wait, when a resent sign-up code arrives, then it is WrongStep, answers nothing, and the MFA code still passes the run', async () => {
    const { phone, executionArn } = await runWaitingForSignUpCode();
    await release(heldFor(phone, 'CustomSMSSender_SignUp'));
    await s.reached(executionArn, 'AwaitMfaCode');
    await sender.settled();
    const resent = await cognitoEvent({
      source: 'ResendCode',
      username: heldFor(phone, 'CustomSMSSender_SignUp').event.userName!,
      phone,
      code: '864209',
    });
    await s.cloud.lambda.invoke(senderArn, resent);
    expect(outcomesFor(phone).at(-1)).toBe('WrongStep');
    expect(notDelivered('WrongStep').length).toBeGreaterThanOrEqual(1);
    expect(await item(`WAIT#${phone}`)).toMatchObject({ step: 'MFA' });
    expect((await item(`WAIT#${phone}`))!.answered).toBeUndefined();
    expect(textsTo(phone)).toEqual([]);
    await release(heldFor(phone, 'CustomSMSSender_Authentication'));
    expect((await s.finish(executionArn)).status).toBe('SUCCEEDED');
  });

  it('given Lambda runs the same event twice, then the repeat gives no second answer and the run passes', async () => {
    const phone = usePhone('duplicate');
    const result = await s.run('verify', { target: s.targetName, phoneNumber: phone });
    expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({
      status: 'SUCCEEDED',
      error: undefined,
      cause: undefined,
    });
    await sender.settled();
    const all = outcomesFor(phone);
    expect(all).toHaveLength(4);
    // A repeat is AlreadyAnswered, unless Step Functions had not yet closed the task its twin
    // resumed (resuming with the same code is idempotent). Never a second, different answer.
    for (const outcome of all) expect(['Resumed', 'StoredBeforeAwait', 'AlreadyAnswered']).toContain(outcome);
    expect(textsTo(phone)).toEqual([]);
  });

  it('given the wait ended (SmsCodeNotReceived), when the late code arrives, then it is WaitExpired and is not forwarded', async () => {
    const phone = usePhone('hold');
    const result = await s.run('verify', { target: s.targetName, phoneNumber: phone, timeouts: { signUpCodeSeconds: 1 } });
    expect(result).toMatchObject({ status: 'FAILED', error: 'SmsCodeNotReceived' });
    await sender.settled();
    await release(heldFor(phone, 'CustomSMSSender_SignUp'));
    expect(outcomesFor(phone)).toEqual(['WaitExpired']);
    expect(notDelivered('WaitExpired').length).toBeGreaterThanOrEqual(1);
    expect(textsTo(phone)).toEqual([]);
  });

  it('given a run waits, when a code encrypted under another KMS key arrives, then it is DecryptFailed, not retried, and the genuine code still passes the run', async () => {
    const { phone, executionArn } = await runWaitingForSignUpCode();
    const kms = new KMSClient({});
    const otherKey = (await kms.send(new CreateKeyCommand({ Description: 'not the pool key' }))).KeyMetadata!.Arn!;
    kms.destroy();
    const genuine = heldFor(phone, 'CustomSMSSender_SignUp');
    const forged = await cognitoEvent({ source: 'SignUp', username: genuine.event.userName!, phone, code: '135790', kmsKeyId: otherKey });
    await expect(s.cloud.lambda.invoke(senderArn, forged)).resolves.toBeNull();
    expect(outcomesFor(phone)).toEqual(['DecryptFailed']);
    expect(routeLines().find((l) => l.phone === masked(phone))).toMatchObject({ level: 'WARN', why: expect.any(String), userPoolId });
    expect(notDelivered('DecryptFailed').length).toBeGreaterThanOrEqual(1);
    await stillWaiting(executionArn);
    modes.set(phone, 'deliver');
    await release(genuine);
    expect((await s.finish(executionArn)).status).toBe('SUCCEEDED');
  });
});

describe('bad input and faults on the way from Cognito', () => {
  it.each<[string, (event: CustomSmsSenderEvent) => CustomSmsSenderEvent]>([
    ['a null code', (event) => ({ ...event, request: { ...event.request, code: null } })],
    [
      'no code at all',
      (event) => {
        const { code: _code, ...request } = event.request;
        return { ...event, request } as CustomSmsSenderEvent;
      },
    ],
  ])(
    'given a run waits, when the hand-over carries %s, then it is Malformed (counted, handled once, not retried), resumes nothing, and the genuine code still passes the run',
    async (_what, corrupt) => {
      const { phone, executionArn, lines, malformedCounted } = await runWithTamperedSignUpCode(async (event) => corrupt(event));
      expect(lines).toEqual([
        expect.objectContaining({
          message: 'code Malformed',
          level: 'WARN',
          field: 'request.code',
          rule: 'is required',
          triggerSource: 'CustomSMSSender_SignUp',
          userPoolId,
        }),
      ]);
      expect(malformedCounted).toBe(1);
      expect(handoversTo(phone)).toEqual([expect.objectContaining({ attempts: 1, ok: true })]);
      await genuineCodeStillPasses(phone, executionArn);
    },
  );

  it('given a run waits, when the code decrypts to text that is not a code, then it is Malformed (counted, not retried) and resumes nothing; the decrypted text is logged nowhere', async () => {
    const notACode = 'zq12xw';
    const { phone, executionArn, lines, malformedCounted } = await runWithTamperedSignUpCode(async (event) => {
      const forged = await cognitoEvent({
        source: 'SignUp',
        username: event.userName!,
        phone: event.request.userAttributes.phone_number,
        code: notACode,
      });
      return { ...event, request: { ...event.request, code: forged.request.code } };
    });
    expect(lines).toEqual([
      expect.objectContaining({
        message: 'code Malformed',
        level: 'WARN',
        phone: masked(phone),
        field: 'request.code',
        rule: 'must decrypt to a numeric code',
        userPoolId,
      }),
    ]);
    expect(malformedCounted).toBe(1);
    expect(handoversTo(phone)).toEqual([expect.objectContaining({ attempts: 1, ok: true })]);
    expect(contains(logs.lines.join(''), notACode)).toBe(false);
    await genuineCodeStillPasses(phone, executionArn);
  });

  describe('when KMS fails', () => {
    let kms: FaultyKms;
    let motoKms: string;
    beforeEach(async () => {
      motoKms = process.env.AWS_ENDPOINT_URL_KMS!;
      kms = await startFaultyKms(motoKms);
      // The sender's KMS client is made once per container: a new one, from the new endpoint.
      process.env.AWS_ENDPOINT_URL_KMS = kms.url;
      resetDecryptCodeForTests();
    });
    afterEach(async () => {
      onLambdaError = undefined;
      process.env.AWS_ENDPOINT_URL_KMS = motoKms;
      resetDecryptCodeForTests();
      await kms.close();
    });

    it('given a run waits, when KMS throttles the decryption, then the sender throws, Lambda retries, and once KMS answers the code resumes the run, once', async () => {
      const phone = usePhone('kms-down');
      kms.failDecrypt({ error: 'ThrottlingException', status: 400 });
      // KMS recovers once the first invocation has failed (the SDK's own retries included).
      onLambdaError = () => kms.heal();
      const before = routeLines().length;
      const result = await s.run('verify', { target: s.targetName, phoneNumber: phone });
      expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({
        status: 'SUCCEEDED',
        error: undefined,
        cause: undefined,
      });
      await sender.settled();
      expect(kms.failed).toBeGreaterThanOrEqual(1);
      const [signUp, mfa] = handoversTo(phone);
      expect(signUp).toMatchObject({ triggerSource: 'CustomSMSSender_SignUp', attempts: 2, ok: true });
      expect(mfa).toMatchObject({ triggerSource: 'CustomSMSSender_Authentication', attempts: 1, ok: true });
      const retried = jsonLines(logs.lines).filter(
        (l) => l.message === 'code not decrypted yet, Lambda will retry' && l.userPoolId === userPoolId,
      );
      expect(retried.at(-1)).toMatchObject({ level: 'WARN', errorName: 'ThrottlingException', triggerSource: 'CustomSMSSender_SignUp' });
      // The failed attempt said nothing final: one outcome per code, and no code counted as lost.
      const mine = routeLines()
        .slice(before)
        .filter((l) => l.phone === masked(phone));
      expect(mine.map((l) => [l.step, ['Resumed', 'StoredBeforeAwait'].includes(l.outcome)])).toEqual([
        ['SIGN_UP', true],
        ['MFA', true],
      ]);
      for (const i of [signUp, mfa]) codes.push(await decryptCode(i.event!.request.code!));
    });

    it('given a run waits, when KMS stays down, then Lambda gives up after its two retries, the on-failure destination reports the code GaveUp (phone masked) and counts it, nothing is answered, and the run fails SmsCodeNotReceived', async () => {
      const phone = usePhone('kms-down');
      kms.failDecrypt({ error: 'KMSInternalException', status: 500 });
      const before = { lines: logs.lines.length, gaveUp: notDelivered('GaveUp').length };
      const result = await s.run('verify', { target: s.targetName, phoneNumber: phone, timeouts: { signUpCodeSeconds: 2 } });
      expect(result).toMatchObject({ status: 'FAILED', error: 'SmsCodeNotReceived' });
      await sender.settled();
      const reporterArn = s.cloud.lambda.arnOf(s.cloud.config.functions.find((f) => f.name === 'reportUndeliveredCode')!);
      expect(handoversTo(phone)).toEqual([
        expect.objectContaining({
          triggerSource: 'CustomSMSSender_SignUp',
          attempts: 3,
          ok: false,
          errorName: 'KMSInternalException',
          destination: { functionArn: reporterArn, ok: true },
        }),
      ]);
      // The failed attempts said nothing final; the destination says it once, by name, and counts it.
      expect(routeLines().filter((l) => l.phone === masked(phone))).toEqual([
        expect.objectContaining({
          message: 'code GaveUp',
          level: 'WARN',
          outcome: 'GaveUp',
          phone: masked(phone),
          userPoolId,
          triggerSource: 'CustomSMSSender_SignUp',
          condition: 'RetriesExhausted',
          attempts: 3,
          errorName: 'KMSInternalException',
        }),
      ]);
      expect(notDelivered('GaveUp').length - before.gaveUp).toBe(1);
      expect((await item(`WAIT#${phone}`))?.answered).toBeUndefined();
      kms.heal();
      const ciphertext = handoversTo(phone)[0].event!.request.code!;
      const code = await decryptCode(ciphertext);
      codes.push(code);
      const written = logs.lines.slice(before.lines).join('');
      for (const secret of [code, ciphertext.slice(0, 48), phone])
        expect({ secret, found: contains(written, secret) }).toEqual({ secret, found: false });
    });
  });
});

describe('codes that are not a waiting check’s', () => {
  it('given no run waits for a synthetic user, when its code arrives, then it is forwarded as a real SMS from the configured number', async () => {
    const phone = usePhone('deliver');
    const event = await cognitoEvent({ source: 'SignUp', username: 'synthetic-nobody-waits', phone, code: '975310' });
    await s.cloud.lambda.invoke(senderArn, event);
    expect(routeLines().filter((l) => l.phone === masked(phone))).toEqual([
      expect.objectContaining({ outcome: 'Forwarded', why: 'no run waits for a code on this phone' }),
    ]);
    expect(textsTo(phone)).toEqual([
      expect.objectContaining({
        originationNumber: LOCAL_SENDER_NUMBER,
        messageBody: 'Your verification code is 975310.',
        messageType: 'TRANSACTIONAL',
      }),
    ]);
    expect(await item(`WAIT#${phone}`)).toBeUndefined();
  });

  it('given a real user signs up in the custom-sender pool, then Cognito hands over the code and the sender forwards it as an SMS', async () => {
    const phone = usePhone('deliver');
    await cognito.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: `alice-${phone.slice(-4)}`,
        Password: 'Corr3ct-Horse!',
        UserAttributes: [{ Name: 'phone_number', Value: phone }],
      }),
    );
    await sender.settled();
    expect(s.cloud.cognito.sent.filter((m) => m.phoneNumber === phone)).toEqual([]);
    expect(textsTo(phone)).toEqual([
      expect.objectContaining({ messageBody: expect.stringMatching(/^Your verification code is \d{6}\.$/) }),
    ]);
    const [line] = routeLines().filter((l) => l.phone === masked(phone));
    expect(line).toMatchObject({ outcome: 'Forwarded', why: 'not a synthetic user', triggerSource: 'CustomSMSSender_SignUp' });
    expect(line).not.toHaveProperty('username');
  });

  it('given no origination identity is configured, when a real user’s code arrives, then it is Dropped with a named log line and a metric', async () => {
    const phone = usePhone('deliver');
    const saved = process.env.FORWARD_ORIGINATION_IDENTITY;
    process.env.FORWARD_ORIGINATION_IDENTITY = '';
    try {
      const event = await cognitoEvent({ source: 'Authentication', username: 'bob', phone, code: '802468' });
      await s.cloud.lambda.invoke(senderArn, event);
    } finally {
      process.env.FORWARD_ORIGINATION_IDENTITY = saved;
    }
    expect(routeLines().filter((l) => l.phone === masked(phone))).toEqual([
      expect.objectContaining({
        outcome: 'Dropped',
        level: 'WARN',
        why: 'not a synthetic user',
        forward: expect.stringContaining('FORWARD_ORIGINATION_IDENTITY'),
      }),
    ]);
    expect(notDelivered('Dropped').length).toBeGreaterThanOrEqual(1);
    expect(textsTo(phone)).toEqual([]);
  });

  it('given an event that is not what Cognito sends, then it is Malformed (field and rule logged) and not retried', async () => {
    const phone = usePhone('deliver');
    const event = await cognitoEvent({ source: 'SignUp', username: 'synthetic-x', phone, code: '111111' });
    await expect(
      s.cloud.lambda.invoke(senderArn, { ...event, request: { ...event.request, type: 'customEmailSenderRequestV1' } }),
    ).resolves.toBeNull();
    const [line] = routeLines().filter((l) => l.outcome === 'Malformed' && l.field === 'request.type');
    expect(line).toMatchObject({ rule: expect.stringContaining('customSMSSenderRequestV1'), userPoolId });
    expect(notDelivered('Malformed').length).toBeGreaterThanOrEqual(1);
  });

  it('given an oversized ciphertext, then it is Malformed before any KMS call, and not retried', async () => {
    const phone = usePhone('deliver');
    const event = await cognitoEvent({ source: 'SignUp', username: 'synthetic-x', phone, code: '111111' });
    const oversized = { ...event, request: { ...event.request, code: 'A'.repeat(MAX_CIPHERTEXT_CHARS + 4) } };
    await expect(s.cloud.lambda.invoke(senderArn, oversized)).resolves.toBeNull();
    const line = routeLines()
      .filter((l) => l.outcome === 'Malformed' && l.field === 'request.code')
      .at(-1);
    expect(line).toMatchObject({ rule: expect.stringContaining('characters'), userPoolId });
  });
});

// Runs last: everything this file made the cloud log.
describe('what the Custom SMS Sender route writes', () => {
  it('holds no code, no ciphertext, no clear phone number and no message text in any log line', async () => {
    await sender.settled();
    expect(codes.length).toBeGreaterThanOrEqual(10);
    expect(routeLines().length).toBeGreaterThanOrEqual(12);
    const text = logs.lines.join('');
    const ciphertexts = sender.invocations.flatMap((i) => (i.event?.request.code ? [i.event.request.code.slice(0, 48)] : []));
    const secrets = {
      codes,
      ciphertexts,
      phones,
      bodies: ['Your verification code', 'Your authentication code'],
    };
    for (const [kind, values] of Object.entries(secrets)) {
      for (const value of values) expect({ kind, value, found: contains(text, value) }).toEqual({ kind, value, found: false });
    }
  });
});
