import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DEFAULT_FROM, twilioDelivery, twilioInboundForm, twilioRequest, type TwilioRequest } from './twilio';
import type { SmsLike } from './webhook';
import { verifyTwilioSignature } from '../../lib/twilio/signature';
import { startApiServer } from '../api/server';
import { handler as twilioWebhook } from '../../functions/sms/twilioWebhook';
import { clearSecretCache } from '../../lib/secrets/getSecret';
import { deadUrl, expectNothingWritten, startReceiver, type Receiver } from '../../tests/support/receiver';
import { waitTakesCode } from '../../tests/support/runs';

const AUTH_TOKEN = 'twilio-test-auth-token';
const SMS: SmsLike = { phoneNumber: '+15555550123', message: 'Your verification code is 604213. ' };

/** Twilio's inbound-SMS fields, in the order Twilio sends them (Twilio docs; recorded requests). */
const TWILIO_FIELDS = [
  'ToCountry',
  'ToState',
  'SmsMessageSid',
  'NumMedia',
  'ToCity',
  'FromZip',
  'SmsSid',
  'FromState',
  'SmsStatus',
  'FromCity',
  'Body',
  'FromCountry',
  'To',
  'ToZip',
  'NumSegments',
  'MessageSid',
  'AccountSid',
  'From',
  'ApiVersion',
];

let receiver: Receiver;
let url: string;
let received: Receiver['received'];
let answer: { status: number; type: string; body: string } = {
  status: 200,
  type: 'text/xml',
  body: '<?xml version="1.0" encoding="UTF-8"?><Response/>',
};

beforeAll(async () => {
  receiver = await startReceiver(() => ({ status: answer.status, contentType: answer.type, body: answer.body }));
  ({ url, received } = receiver);
});
afterAll(() => receiver.close());
beforeEach(() => {
  received.length = 0;
  answer = { status: 200, type: 'text/xml', body: '<?xml version="1.0" encoding="UTF-8"?><Response/>' };
});

type Outcome = { status: number; body: unknown; sms: SmsLike; request: TwilioRequest };
function deliverOnce(opts: Partial<Parameters<typeof twilioDelivery>[0]> = {}, sms = SMS) {
  return new Promise<Outcome>((resolve) => {
    twilioDelivery({
      apiUrl: url,
      authToken: AUTH_TOKEN,
      ...opts,
      onResult: (s, status, body, request) => resolve({ sms: s, status, body, request }),
    })(sms);
  });
}

describe('twilioInboundForm', () => {
  it('has Twilio’s inbound-SMS fields in Twilio’s order, one MessageSid for all three SID fields', () => {
    const form = twilioInboundForm(SMS);
    expect([...form.keys()]).toEqual(TWILIO_FIELDS);
    const sid = form.get('MessageSid')!;
    expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(form.get('SmsSid')).toBe(sid);
    expect(form.get('SmsMessageSid')).toBe(sid);
    expect(form.get('AccountSid')).toMatch(/^AC[0-9a-f]{32}$/);
    expect(Object.fromEntries(form)).toMatchObject({
      To: SMS.phoneNumber,
      Body: SMS.message,
      From: DEFAULT_FROM,
      ToCountry: 'US',
      FromCountry: 'US',
      NumMedia: '0',
      NumSegments: '1',
      SmsStatus: 'received',
      ApiVersion: '2010-04-01',
    });
  });

  it('a new MessageSid per message, unless one is given (a replay)', () => {
    expect(twilioInboundForm(SMS).get('MessageSid')).not.toBe(twilioInboundForm(SMS).get('MessageSid'));
    expect(twilioInboundForm(SMS, { messageSid: 'SM' + 'a'.repeat(32) }).get('MessageSid')).toBe('SM' + 'a'.repeat(32));
  });
});

describe('twilioDelivery', () => {
  it('POSTs the form to /sms/twilio, signed with X-Twilio-Signature over the URL and the decoded fields', async () => {
    const result = await deliverOnce();
    expect(result).toMatchObject({ sms: SMS, status: 200, body: '<?xml version="1.0" encoding="UTF-8"?><Response/>' });
    const [req] = received;
    expect(req).toMatchObject({ method: 'POST', url: '/sms/twilio' });
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(req.body);
    expect(form.get('Body')).toBe(SMS.message);
    expect(form.get('To')).toBe(SMS.phoneNumber);
    expect(verifyTwilioSignature(AUTH_TOKEN, req.headers['x-twilio-signature'] as string, `${url}/sms/twilio`, form)).toEqual({
      ok: true,
      url: `${url}/sms/twilio`,
    });
    expect(result.request).toMatchObject({ url: `${url}/sms/twilio`, messageSid: form.get('MessageSid'), body: req.body });
  });

  it('signs signedUrl when given (the URL Twilio was configured with), still posting to apiUrl', async () => {
    const signedUrl = 'https://hooks.example.com/twilio/sms';
    await deliverOnce({ signedUrl });
    const [req] = received;
    const form = new URLSearchParams(req.body);
    expect(verifyTwilioSignature(AUTH_TOKEN, req.headers['x-twilio-signature'] as string, signedUrl, form)).toMatchObject({ ok: true });
    expect(verifyTwilioSignature(AUTH_TOKEN, req.headers['x-twilio-signature'] as string, `${url}/sms/twilio`, form)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('keeps one AccountSid across messages and a new MessageSid for each', async () => {
    let answered = 0;
    await new Promise<void>((resolve) => {
      const deliver = twilioDelivery({ apiUrl: url, authToken: AUTH_TOKEN, onResult: () => ++answered === 2 && resolve() });
      deliver(SMS);
      deliver(SMS);
    });
    const forms = received.map((r) => new URLSearchParams(r.body));
    expect(forms[0].get('AccountSid')).toBe(forms[1].get('AccountSid'));
    expect(forms[0].get('MessageSid')).not.toBe(forms[1].get('MessageSid'));
  });

  it('waits delayMs before delivering, and honours a custom path under a base URL with a prefix', async () => {
    const sent = Date.now();
    await deliverOnce({ apiUrl: `${url}/dev/`, path: 'hooks/twilio', delayMs: 150 });
    expect(received[0].url).toBe('/dev/hooks/twilio');
    expect(received[0].at - sent).toBeGreaterThanOrEqual(140);
  });

  it('reports an error answer with its status and body (JSON parsed, anything else as text)', async () => {
    answer = { status: 403, type: 'application/json', body: '{"error":{"code":"Forbidden","reason":"mismatch"}}' };
    expect(await deliverOnce()).toMatchObject({ status: 403, body: { error: { code: 'Forbidden', reason: 'mismatch' } } });
    answer = { status: 502, type: 'text/plain', body: 'Bad Gateway' };
    expect(await deliverOnce()).toMatchObject({ status: 502, body: 'Bad Gateway' });
  });

  it('reports status 0 when nothing answers, instead of crashing', async () => {
    const result = await deliverOnce({ apiUrl: await deadUrl() });
    expect(result.status).toBe(0);
    expect(result.body).toMatchObject({ error: expect.any(String) });
  });

  it('survives an onResult that throws, and writes nothing to the console', async () => {
    await expectNothingWritten('604213', async () => {
      const thrown = new Promise<void>((resolve) =>
        twilioDelivery({
          apiUrl: url,
          authToken: AUTH_TOKEN,
          onResult: () => {
            resolve();
            throw new Error('observer bug');
          },
        })(SMS),
      );
      await thrown;
      await new Promise((r) => setTimeout(r, 20));
    });
  });

  it('twilioRequest builds the same signed request for a replay', () => {
    const first = twilioRequest(SMS, {
      apiUrl: url,
      authToken: AUTH_TOKEN,
      messageSid: 'SM' + 'b'.repeat(32),
      accountSid: 'AC' + 'c'.repeat(32),
    });
    const again = twilioRequest(SMS, {
      apiUrl: url,
      authToken: AUTH_TOKEN,
      messageSid: 'SM' + 'b'.repeat(32),
      accountSid: 'AC' + 'c'.repeat(32),
    });
    expect(again).toEqual(first);
  });

  it('drives the real Twilio route end to end (local API server + twilioWebhook, AWS mocked)', async () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    const sfn = mockClient(SFNClient);
    const sm = mockClient(SecretsManagerClient);
    process.env.RUNS_TABLE = 'runs-test';
    process.env.TWILIO_AUTH_TOKEN_SECRET_ARN = 'twilio-auth-token';
    delete process.env.TWILIO_WEBHOOK_URL;
    clearSecretCache();
    sm.on(GetSecretValueCommand).resolves({ SecretString: AUTH_TOKEN });
    sfn.on(SendTaskSuccessCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    waitTakesCode(ddb, {
      pk: `WAIT#${SMS.phoneNumber}`,
      runId: 'run-7',
      step: 'SIGN_UP',
      expiresAt: Date.now() + 60_000,
      taskToken: 'tok',
    });
    const api = await startApiServer([{ method: 'POST', path: '/sms/twilio', handler: twilioWebhook }]);
    try {
      // The API reconstructs https://<Host><path>, as behind API Gateway's TLS; Twilio signs that URL.
      const signedUrl = `${api.url.replace(/^http:/, 'https:')}/sms/twilio`;
      const result = await deliverOnce({ apiUrl: api.url, signedUrl, delayMs: 10 });
      expect(result).toMatchObject({ status: 200, body: '<?xml version="1.0" encoding="UTF-8"?><Response/>' });
      expect(ddb.commandCalls(UpdateCommand)[0].args[0].input.ExpressionAttributeValues?.[':code']).toBe('604213');
      expect(ddb.commandCalls(PutCommand)[0].args[0].input.Item?.pk).toBe(`SEEN#twilio#${result.request.messageSid}`);
      expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);

      // Unsigned for the URL the API sees: refused.
      expect((await deliverOnce({ apiUrl: api.url, signedUrl: undefined })).status).toBe(403);
    } finally {
      await api.close();
      ddb.restore();
      sfn.restore();
      sm.restore();
    }
  });
});
