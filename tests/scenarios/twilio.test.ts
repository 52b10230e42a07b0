import { captureLogs, contains } from '../support/logCapture';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SentSms } from '../../local/cognito';
import { CODE_SOURCE_PARAMS, LOCAL_SENDER_NUMBER } from '../../local/cloud';
import { twilioRequest, type TwilioRequest } from '../../local/fakePhone/twilio';
import { twilioSignature } from '../../lib/twilio/signature';
import { nextPhone, ScenarioCloud } from './harness';
import { atLeast, expectStillWaiting, masked, routeLog, runsItem, startWaitingForSignUpCode } from '../support/codeRoutes';

/**
 * Issue 10, route 3: codes come back through Twilio's inbound-SMS webhook (`POST /sms/twilio`,
 * X-Twilio-Signature). The run's phone is a "Twilio number": each SMS Cognito sends it is posted
 * to the local API as Twilio's signed form, over real HTTP, to the real handler, DynamoDB (moto)
 * and Step Functions (local engine). The scenarios drive the fake phone themselves, so they can
 * hold, repeat, forge or replay a message.
 */
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

type TwilioMode = 'deliver' | 'duplicate' | 'resend' | 'hold';
interface Answer {
  phone: string;
  messageSid: string;
  status: number;
  contentType: string | null;
  body: string;
}

let logs: ReturnType<typeof captureLogs>;
let s: ScenarioCloud;
let db: DynamoDBDocumentClient;
const modes = new Map<string, TwilioMode>();
const held: SentSms[] = [];
const answers: Answer[] = [];
const sent: TwilioRequest[] = [];
const phones: string[] = [];

beforeAll(async () => {
  logs = captureLogs();
  s = await ScenarioCloud.start({ logLevel: 'DEBUG', params: CODE_SOURCE_PARAMS.twilio });
  db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  s.cloud.onSms((sms) => void phoneReceives(sms));
}, 60_000);
afterAll(async () => {
  logs?.restore();
  db?.destroy();
  await s?.close();
});

/** A fresh phone whose SMS come back through Twilio (the harness's own /codes delivery is off for it). */
function twilioPhone(mode: TwilioMode): string {
  const phone = nextPhone();
  s.modes.set(phone, 'drop');
  modes.set(phone, mode);
  phones.push(phone);
  return phone;
}

/** What Twilio does when the number receives an SMS: post the signed form (a moment later). */
async function phoneReceives(sms: SentSms) {
  const mode = modes.get(sms.phoneNumber);
  if (mode === undefined) return;
  if (mode === 'hold') {
    held.push(sms);
    return;
  }
  await new Promise((r) => setTimeout(r, 10));
  const request = twilioFor(sms.phoneNumber, sms.message);
  await post(request);
  // Twilio retrying the same webhook (same MessageSid).
  if (mode === 'duplicate') await post(request);
  // The same text arriving again as a new message (a carrier duplicate: a new MessageSid).
  if (mode === 'resend') await post(twilioFor(sms.phoneNumber, sms.message));
}

/** The request Twilio makes for this SMS, signed with the stack's auth token over the configured URL. */
function twilioFor(phone: string, message: string, over: Partial<Parameters<typeof twilioRequest>[1]> = {}): TwilioRequest {
  return twilioRequest(
    { phoneNumber: phone, message },
    { apiUrl: s.cloud.urls.api, authToken: s.cloud.secrets.TwilioAuthTokenSecret, from: LOCAL_SENDER_NUMBER, ...over },
  );
}

async function post(request: TwilioRequest, tamper: { headers?: Record<string, string | undefined>; body?: string } = {}): Promise<Answer> {
  sent.push(request);
  const headers = Object.fromEntries(
    Object.entries({ ...request.headers, ...tamper.headers }).filter((e): e is [string, string] => e[1] !== undefined),
  );
  try {
    const res = await fetch(request.url, { method: 'POST', headers, body: tamper.body ?? request.body });
    const answer = {
      phone: new URLSearchParams(request.body).get('To')!,
      messageSid: request.messageSid,
      status: res.status,
      contentType: res.headers.get('content-type'),
      body: await res.text(),
    };
    answers.push(answer);
    return answer;
  } catch (error) {
    const answer = { phone: '', messageSid: request.messageSid, status: 0, contentType: null, body: String((error as Error)?.name) };
    answers.push(answer);
    return answer;
  }
}

/** The answers Twilio got for this phone, once there are `count` (the run may end before a repeat is answered). */
const answersFor = (phone: string, count: number) => atLeast(count, () => answers.filter((a) => a.phone === phone));

const heldFor = (phone: string, kind: SentSms['kind']) => held.filter((m) => m.phoneNumber === phone && m.kind === kind).at(-1)!;
const item = (pk: string) => runsItem(db, pk);
const expectTwiml = (a: Answer) =>
  expect({ status: a.status, contentType: a.contentType, body: a.body }).toEqual({
    status: 200,
    contentType: 'text/xml',
    body: EMPTY_TWIML,
  });

/** The JSON log lines written so far, and the EMF metric lines among them. */
const { lines: logLines, outcomes: routeLines, notDelivered } = routeLog(() => logs.lines, 'twilio');
const logged = (message: string, fields: Record<string, unknown> = {}) =>
  logLines().filter((l) => l.message === message && Object.entries(fields).every(([k, v]) => l[k] === v));
/** Resumed, or stored before the await task parked its token (the task then resumes itself): either way the code reached its run. */
const delivered = (phone: string) =>
  logLines().filter(
    (l) => (l.message === 'code Resumed' || l.message === 'code StoredBeforeAwait') && l.route === 'twilio' && l.phone === masked(phone),
  );
/** The outcome of every message this phone received through Twilio, in the order they were logged. */
const outcomesFor = (phone: string) =>
  routeLines()
    .filter((l) => l.phone === masked(phone))
    .map((l) => l.outcome);

/** Given a run waiting for its sign-up code on a held Twilio phone. */
async function runWaitingForSignUpCode(timeouts: object = {}) {
  const phone = twilioPhone('hold');
  return { phone, executionArn: await startWaitingForSignUpCode(s, phone, timeouts) };
}

/** The run has not moved past its sign-up wait. */
const stillWaitingForSignUpCode = (executionArn: string) => expectStillWaiting(s, executionArn);

/** Hands the held codes over through Twilio; the run passes. */
async function finishThroughTwilio(phone: string, executionArn: string) {
  expectTwiml(await post(twilioFor(phone, heldFor(phone, 'SIGN_UP').message)));
  await s.reached(executionArn, 'AwaitMfaCode');
  expectTwiml(await post(twilioFor(phone, heldFor(phone, 'MFA').message)));
  expect((await s.finish(executionArn)).status).toBe('SUCCEEDED');
}

describe('codes come back through the Twilio webhook', () => {
  it('given a Twilio number, when a check runs, then both codes arrive by webhook, each answered with an empty TwiML, and the run passes', async () => {
    const phone = twilioPhone('deliver');
    const result = await s.run('verify', { target: s.targetName, phoneNumber: phone });
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!)).toMatchObject({ verdict: 'PASS', phone: masked(phone) });
    const mine = await answersFor(phone, 2);
    expect(mine).toHaveLength(2);
    for (const a of mine) {
      expectTwiml(a);
      // Each message is remembered by its MessageSid, so a replay is recognised.
      expect(await item(`SEEN#twilio#${a.messageSid}`)).toMatchObject({ seenAt: expect.any(Number), ttl: expect.any(Number) });
    }
    expect(
      delivered(phone)
        .map((l) => l.step)
        .sort(),
    ).toEqual(['MFA', 'SIGN_UP']);
  });

  it('given no run waits on the number, when an SMS with a code arrives, then Twilio gets 200 and the message is reported NotWaiting', async () => {
    const phone = twilioPhone('hold');
    expectTwiml(await post(twilioFor(phone, 'Your verification code is 246810. ')));
    expect(logged('code NotWaiting', { route: 'twilio', phone: masked(phone) })).toHaveLength(1);
    expect(notDelivered('NotWaiting').length).toBeGreaterThanOrEqual(1);
    expect(await item(`WAIT#${phone}`)).toBeUndefined();
  });

  it('given a run waits, when an SMS without a code arrives, then it is reported NoCode, the run keeps waiting, and the real code still resumes it', async () => {
    const { phone, executionArn } = await runWaitingForSignUpCode();
    expectTwiml(await post(twilioFor(phone, 'Hi! Your carrier says hello.')));
    expect(logged('code NoCode', { route: 'twilio', phone: masked(phone) })).toHaveLength(1);
    expect(notDelivered('NoCode').length).toBeGreaterThanOrEqual(1);
    await stillWaitingForSignUpCode(executionArn);
    await finishThroughTwilio(phone, executionArn);
  });

  it.each(['STOP', 'HELP'])(
    'given a run waits, when %s arrives, then it is a Keyword, never a code, and the run still passes',
    async (keyword) => {
      const { phone, executionArn } = await runWaitingForSignUpCode();
      expectTwiml(await post(twilioFor(phone, keyword)));
      expect(logged('code Keyword', { route: 'twilio', phone: masked(phone), keyword })).toHaveLength(1);
      // A keyword loses nothing: logged, never counted as a lost code.
      expect(notDelivered('Keyword')).toHaveLength(0);
      await stillWaitingForSignUpCode(executionArn);
      await finishThroughTwilio(phone, executionArn);
    },
  );

  it('given Twilio delivers each webhook twice (same MessageSid), then the repeat is a Duplicate, touches nothing, and the run passes', async () => {
    const phone = twilioPhone('duplicate');
    expect((await s.run('verify', { target: s.targetName, phoneNumber: phone })).status).toBe('SUCCEEDED');
    const mine = await answersFor(phone, 4);
    expect(mine).toHaveLength(4);
    for (const a of mine) expectTwiml(a);
    expect(
      delivered(phone)
        .map((l) => l.step)
        .sort(),
    ).toEqual(['MFA', 'SIGN_UP']);
    expect(outcomesFor(phone).filter((o) => o === 'Duplicate')).toHaveLength(2);
    expect(outcomesFor(phone)).toHaveLength(4);
    // A repeat loses nothing: logged, never counted as a lost code.
    expect(notDelivered('Duplicate')).toHaveLength(0);
  });

  it('given the same text arrives again as a new message, then the first answer wins and the run passes', async () => {
    const phone = twilioPhone('resend');
    expect((await s.run('verify', { target: s.targetName, phoneNumber: phone })).status).toBe('SUCCEEDED');
    const mine = await answersFor(phone, 4);
    expect(mine).toHaveLength(4);
    for (const a of mine) expectTwiml(a);
    // Each repeat is AlreadyAnswered (the wait has its code, or it is the previous step's code),
    // unless it came while Step Functions had not yet closed the task its twin resumed: resuming
    // again with the same code is idempotent. Never a second, different answer.
    const outcomes = outcomesFor(phone);
    expect(outcomes).toHaveLength(4);
    expect(delivered(phone).map((l) => l.step)).toEqual(expect.arrayContaining(['SIGN_UP', 'MFA']));
    for (const outcome of outcomes) expect(['Resumed', 'StoredBeforeAwait', 'AlreadyAnswered']).toContain(outcome);
  });

  it('given the MFA wait, when the sign-up SMS arrives again as a new message, then it answers nothing and the MFA code still passes the run', async () => {
    const { phone, executionArn } = await runWaitingForSignUpCode();
    const signUp = twilioFor(phone, heldFor(phone, 'SIGN_UP').message);
    expectTwiml(await post(signUp));
    await s.reached(executionArn, 'AwaitMfaCode');
    const lostBefore = notDelivered('AlreadyAnswered').length;
    // The same text as a new message (a carrier duplicate): a new MessageSid, validly signed, so no Duplicate.
    const again = twilioFor(phone, heldFor(phone, 'SIGN_UP').message);
    expect(again.messageSid).not.toBe(signUp.messageSid);
    expectTwiml(await post(again));
    // The wait remembers the previous step's code (previousCodeHash): deliverCode reports it AlreadyAnswered, on the MFA wait.
    const [line, ...more] = logged('code AlreadyAnswered', { route: 'twilio', messageSid: again.messageSid });
    expect(more).toHaveLength(0);
    expect(line).toMatchObject({ phone: masked(phone), step: 'MFA', runId: expect.any(String) });
    // A code that answered nothing is counted as not delivered.
    expect(notDelivered('AlreadyAnswered')).toHaveLength(lostBefore + 1);
    expect(await item(`SEEN#twilio#${again.messageSid}`)).toMatchObject({ seenAt: expect.any(Number) });
    expect(await item(`WAIT#${phone}`)).toMatchObject({ step: 'MFA' });
    expect((await item(`WAIT#${phone}`))!.answered).toBeUndefined();
    await expectStillWaiting(s, executionArn, 'RespondToAuthChallenge');

    expectTwiml(await post(twilioFor(phone, heldFor(phone, 'MFA').message)));
    expect((await s.finish(executionArn)).status).toBe('SUCCEEDED');
    expect(
      delivered(phone)
        .map((l) => l.step)
        .sort(),
    ).toEqual(['MFA', 'SIGN_UP']);
    // Each code reached its run (resumed it, or was stored just before its await task parked the token); the repeat between them did not.
    const reached = expect.stringMatching(/^(Resumed|StoredBeforeAwait)$/);
    expect(outcomesFor(phone)).toEqual([reached, 'AlreadyAnswered', reached]);
  });

  it('given the wait ended (the run failed SmsCodeNotReceived), when the late SMS arrives, then Twilio gets 200 and it is reported WaitExpired', async () => {
    const phone = twilioPhone('hold');
    const result = await s.run('verify', { target: s.targetName, phoneNumber: phone, timeouts: { signUpCodeSeconds: 1 } });
    expect(result).toMatchObject({ status: 'FAILED', error: 'SmsCodeNotReceived' });
    expectTwiml(await post(twilioFor(phone, heldFor(phone, 'SIGN_UP').message)));
    expect(logged('code WaitExpired', { route: 'twilio', phone: masked(phone) })).toHaveLength(1);
    expect(notDelivered('WaitExpired').length).toBeGreaterThanOrEqual(1);
  });
});

describe('forged, replayed and oversized Twilio requests', () => {
  it('refuses forged requests with 403 and resumes nothing; the genuine request still resumes the run', async () => {
    const { phone, executionArn } = await runWaitingForSignUpCode();
    const genuine = twilioFor(phone, heldFor(phone, 'SIGN_UP').message);
    const forgeries: [string, Promise<Answer>][] = [
      ['missing', post(genuine, { headers: { 'x-twilio-signature': undefined } })],
      ['malformed', post(genuine, { headers: { 'x-twilio-signature': 'forged' } })],
      ['mismatch', post(twilioFor(phone, heldFor(phone, 'SIGN_UP').message, { authToken: 'a-guessed-auth-token' }))],
      ['mismatch', post(twilioFor(phone, heldFor(phone, 'SIGN_UP').message, { signedUrl: 'https://attacker.example/sms/twilio' }))],
      // A genuine signature with another number's form: the body no longer matches it.
      ['mismatch', post(genuine, { body: genuine.body.replace(encodeURIComponent(phone), encodeURIComponent(nextPhone())) })],
      [
        'mismatch',
        post(genuine, {
          headers: { 'x-twilio-signature': twilioSignature(s.cloud.callbackSecret, genuine.signedUrl, new URLSearchParams(genuine.body)) },
        }),
      ],
    ];
    for (const [reason, answer] of forgeries) {
      const a = await answer;
      expect({ reason, status: a.status }).toEqual({ reason, status: 403 });
      expect(JSON.parse(a.body).error).toMatchObject({ code: 'Forbidden', reason });
    }
    expect(logged('code BadSignature', { route: 'twilio' }).length).toBeGreaterThanOrEqual(forgeries.length);
    expect(notDelivered('BadSignature').length).toBeGreaterThanOrEqual(forgeries.length);
    await stillWaitingForSignUpCode(executionArn);
    expectTwiml(await post(genuine));
    await s.reached(executionArn, 'ConfirmSignUp');
    await s.cloud.engine.stopExecution({ executionArn, error: 'TestDone', cause: 'scenario finished' });
  });

  it('answers a replayed request (same MessageSid, valid signature) as a Duplicate: it cannot answer the next wait', async () => {
    const { phone, executionArn } = await runWaitingForSignUpCode();
    const signUp = twilioFor(phone, heldFor(phone, 'SIGN_UP').message);
    expectTwiml(await post(signUp));
    await s.reached(executionArn, 'AwaitMfaCode');
    // An eavesdropper replays the captured sign-up request during the MFA wait.
    expectTwiml(await post(signUp));
    expect(logged('code Duplicate', { phone: masked(phone), messageSid: signUp.messageSid })).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(await item(`WAIT#${phone}`)).toMatchObject({ step: 'MFA' });
    expect((await item(`WAIT#${phone}`))!.answered).toBeUndefined();
    expectTwiml(await post(twilioFor(phone, heldFor(phone, 'MFA').message)));
    expect((await s.finish(executionArn)).status).toBe('SUCCEEDED');
  });

  it('refuses an oversized body with 413 before anything is stored; the run still passes', async () => {
    const { phone, executionArn } = await runWaitingForSignUpCode();
    const code = heldFor(phone, 'SIGN_UP').message;
    const big = twilioFor(phone, `${code} ${'x'.repeat(9000)}`);
    const a = await post(big);
    expect(a.status).toBe(413);
    expect(JSON.parse(a.body).error.code).toBe('PayloadTooLarge');
    expect(notDelivered('TooLarge').length).toBeGreaterThanOrEqual(1);
    expect(await item(`SEEN#twilio#${big.messageSid}`)).toBeUndefined();
    await stillWaitingForSignUpCode(executionArn);
    await finishThroughTwilio(phone, executionArn);
  });
});

// Runs last: everything this file made the cloud log or answer.
describe('what the Twilio route writes', () => {
  it('holds no code, no clear phone number, no auth token and no signature in any log line or answer', () => {
    const codes = s.cloud.cognito.sent.filter((m) => phones.includes(m.phoneNumber)).map((m) => m.code);
    expect(codes.length).toBeGreaterThanOrEqual(10);
    const text = { logs: logs.lines.join(''), answers: JSON.stringify(answers.map((a) => a.body)) };
    expect(logLines().length).toBeGreaterThan(50);
    const secrets = {
      codes,
      phones: [...phones, LOCAL_SENDER_NUMBER],
      authToken: [s.cloud.secrets.TwilioAuthTokenSecret],
      signatures: [...new Set(sent.map((r) => r.headers['x-twilio-signature']))],
      bodies: ['Your verification code', 'carrier says hello'],
    };
    for (const [where, haystack] of Object.entries(text)) {
      for (const [kind, values] of Object.entries(secrets)) {
        for (const value of values) expect({ where, kind, found: contains(haystack, value) }).toEqual({ where, kind, found: false });
      }
    }
  });
});
