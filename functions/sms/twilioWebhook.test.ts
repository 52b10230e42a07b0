import { captureLogs, jsonLines } from '../../tests/support/logCapture';
import { randomBytes } from 'node:crypto';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { EMPTY_TWIML, handler, MAX_BODY_BYTES } from './twilioWebhook';
import { twilioSignature } from '../../lib/twilio/signature';
import { clearSecretCache } from '../../lib/secrets/getSecret';
import type { WaitItem } from '../../lib/runs/model';
import { codeHash } from '../../lib/runs/codeHash';
import { httpApiEvent, lambdaContext } from '../../tests/support/httpApi';
import { conditionFailed, waitItem, waitTakesCode, waitUpdates } from '../../tests/support/runs';

process.env.RUNS_TABLE = 'runs-test';
process.env.TWILIO_AUTH_TOKEN_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:twilio-auth-token-AbCdEf';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const sm = mockClient(SecretsManagerClient);

const AUTH_TOKEN = 'f3a1c0de5e7b2a9d4c6e8f0a1b2c3d4e';
const PHONE = '+15555550123';
const SENDER = '+15005550006';
const CODE = '739154';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAf-task-token';
const DOMAIN = 'abc123defg.execute-api.us-east-1.amazonaws.com';
const NOW = () => Date.now();
const newSid = () => `SM${randomBytes(16).toString('hex')}`;

/** Twilio's inbound-SMS form, field for field, in the order Twilio sends it. */
function inboundForm(over: Record<string, string> = {}): Record<string, string> {
  const sid = over.MessageSid ?? newSid();
  return {
    ToCountry: 'US',
    ToState: 'CA',
    SmsMessageSid: sid,
    NumMedia: '0',
    ToCity: 'SAN FRANCISCO',
    FromZip: '94105',
    SmsSid: sid,
    FromState: 'CA',
    SmsStatus: 'received',
    FromCity: 'SAN FRANCISCO',
    Body: `Your verification code is ${CODE}. `,
    FromCountry: 'US',
    To: PHONE,
    ToZip: '94105',
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: 'AC0123456789abcdef0123456789abcdef',
    From: SENDER,
    ApiVersion: '2010-04-01',
    ...over,
  };
}

interface EventOptions {
  headers?: Record<string, string>;
  /** false: no X-Twilio-Signature header; a string: that header. */
  signature?: string | false;
  /** The auth token the "sender" signs with. */
  token?: string;
  /** The URL the "sender" signs; defaults to the URL the request came to. */
  signedUrl?: string;
  rawPath?: string;
  rawQueryString?: string;
  /** HTTP API hands form bodies to Lambda base64-encoded. */
  base64?: boolean;
}

function twilioEvent(form: Record<string, string> | string, opts: EventOptions = {}): APIGatewayProxyEventV2 {
  const body = typeof form === 'string' ? form : new URLSearchParams(form).toString();
  const rawPath = opts.rawPath ?? '/sms/twilio';
  const rawQueryString = opts.rawQueryString ?? '';
  const url = opts.signedUrl ?? `https://${DOMAIN}${rawPath}${rawQueryString ? `?${rawQueryString}` : ''}`;
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'user-agent': 'TwilioProxy/1.1',
    ...opts.headers,
  };
  if (opts.signature !== false) {
    headers['x-twilio-signature'] = opts.signature ?? twilioSignature(opts.token ?? AUTH_TOKEN, url, new URLSearchParams(body));
  }
  return httpApiEvent({
    routeKey: 'POST /sms/twilio',
    rawPath,
    rawQueryString,
    headers,
    body,
    base64: opts.base64,
    domainName: DOMAIN,
    apiId: 'abc123defg',
    sourceIp: '54.172.60.1',
    userAgent: 'TwilioProxy/1.1',
  });
}

type Result = { statusCode: number; body: string; headers: Record<string, string> };
const responses: Result[] = [];
const signatures: string[] = [];

async function post(form: Record<string, string> | string, opts: EventOptions = {}): Promise<Result & { json: any }> {
  const event = twilioEvent(form, opts);
  if (event.headers['x-twilio-signature']) signatures.push(event.headers['x-twilio-signature']);
  return send(event);
}

async function send(event: APIGatewayProxyEventV2): Promise<Result & { json: any }> {
  const result = (await handler(event, lambdaContext('twilioWebhook'))) as Result;
  responses.push(result);
  let json: unknown;
  try {
    json = JSON.parse(result.body);
  } catch {
    json = undefined;
  }
  return { ...result, json };
}

const wait = (over: Partial<WaitItem> = {}): WaitItem => waitItem(PHONE, over);
const throttled = () =>
  Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
    name: 'ProvisionedThroughputExceededException',
    $metadata: { httpStatusCode: 400 },
  });

function openWaitWithToken(over: Partial<WaitItem> = {}) {
  waitTakesCode(ddb, wait({ taskToken: TOKEN, ...over }));
}
function noWait() {
  ddb.on(UpdateCommand).rejects(conditionFailed());
  ddb.on(GetCommand).resolves({});
}

const expectTwiml = (res: Result) => {
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('text/xml');
  expect(res.body).toBe(EMPTY_TWIML);
};
/** The log lines written since `from`, parsed. */
const logsSince = (from: number) => jsonLines(logs.lines.slice(from));

let logs: ReturnType<typeof captureLogs>;
beforeAll(() => {
  logs = captureLogs();
});
afterAll(() => logs.restore());

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  sm.reset();
  clearSecretCache();
  delete process.env.TWILIO_WEBHOOK_URL;
  sm.on(GetSecretValueCommand).resolves({ SecretString: AUTH_TOKEN });
  ddb.on(PutCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
});

describe('POST /sms/twilio: a code reaches its run, Twilio gets an empty TwiML', () => {
  it('stores the code on the wait of To, resumes the execution, remembers the MessageSid, answers <Response/>', async () => {
    openWaitWithToken();
    const form = inboundForm();
    const from = logs.lines.length;
    const res = await post(form);
    expectTwiml(res);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ pk: `SEEN#twilio#${form.MessageSid}`, state: 'IN_PROGRESS' }),
    });
    // Handled to the end: a replay from now on is a Duplicate.
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: `SEEN#twilio#${form.MessageSid}` },
      ExpressionAttributeValues: { ':done': 'DONE' },
    });
    const update = ddb.commandCalls(UpdateCommand)[0].args[0].input;
    expect(update.Key).toEqual({ pk: `WAIT#${PHONE}` });
    expect(update.ExpressionAttributeValues?.[':code']).toBe(CODE);
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: TOKEN });
    expect(JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0].args[0].input.output!)).toEqual({ runId: 'run-1', step: 'SIGN_UP' });
    expect(logsSince(from)).toContainEqual(
      expect.objectContaining({
        message: 'code Resumed',
        route: 'twilio',
        outcome: 'Resumed',
        phone: '+*******0123',
        runId: 'run-1',
        step: 'SIGN_UP',
        messageSid: form.MessageSid,
      }),
    );
  });

  it('stores the code for the await task to find when the token is not parked yet (StoredBeforeAwait)', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: wait({ code: CODE, answered: true }) });
    expectTwiml(await post(inboundForm()));
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('reads the base64 body HTTP API hands over, with a charset parameter, and an MMS SID', async () => {
    openWaitWithToken();
    const res = await post(inboundForm({ MessageSid: `MM${randomBytes(16).toString('hex')}` }), {
      base64: true,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    });
    expectTwiml(res);
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  it('decodes the form as Twilio signs it (+ is a space, %2B a plus) and signs over fields it does not use', async () => {
    openWaitWithToken();
    const body = `${new URLSearchParams(inboundForm({ Body: `Code: ${CODE}` })).toString()}&AddOns=%7B%22status%22%3A%22successful%22%7D&MediaUrl0=`;
    expectTwiml(await post(body));
    expect(ddb.commandCalls(UpdateCommand)[0].args[0].input.ExpressionAttributeValues?.[':code']).toBe(CODE);
  });

  it('fetches the auth token once per container', async () => {
    openWaitWithToken();
    await post(inboundForm());
    await post(inboundForm());
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: process.env.TWILIO_AUTH_TOKEN_SECRET_ARN });
  });
});

describe('POST /sms/twilio: the URL that Twilio signed', () => {
  it('is TWILIO_WEBHOOK_URL when set (a custom domain in front of the API)', async () => {
    process.env.TWILIO_WEBHOOK_URL = 'https://hooks.example.com/twilio/sms';
    openWaitWithToken();
    expectTwiml(await post(inboundForm(), { signedUrl: 'https://hooks.example.com/twilio/sms' }));
    // Signed for the API's own URL instead: refused, since Twilio signs what it was configured with.
    expect((await post(inboundForm())).statusCode).toBe(403);
  });

  it('is otherwise https://<domainName><rawPath>, with a named stage in rawPath and the query string', async () => {
    openWaitWithToken();
    expectTwiml(await post(inboundForm(), { rawPath: '/dev/sms/twilio', rawQueryString: 'route=check&x=1' }));
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  it('accepts a signature over the URL with :443 (twilio-node accepts both)', async () => {
    openWaitWithToken();
    expectTwiml(await post(inboundForm(), { signedUrl: `https://${DOMAIN}:443/sms/twilio` }));
  });

  it('refuses a signature over another path, scheme or query', async () => {
    for (const signedUrl of [`https://${DOMAIN}/codes`, `http://${DOMAIN}/sms/twilio`, `https://${DOMAIN}/sms/twilio?x=1`]) {
      expect((await post(inboundForm(), { signedUrl })).statusCode).toBe(403);
    }
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('POST /sms/twilio: every message that can never reach a run is 200 <Response/>, reported once', () => {
  it('NotWaiting: no run waits on To', async () => {
    noWait();
    const from = logs.lines.length;
    expectTwiml(await post(inboundForm()));
    expect(sfn.calls()).toHaveLength(0);
    expect(logsSince(from)).toContainEqual(
      expect.objectContaining({ message: 'code NotWaiting', level: 'WARN', route: 'twilio', phone: '+*******0123' }),
    );
  });

  it('AlreadyAnswered: a second, different code for an answered wait resumes nothing', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: wait({ taskToken: TOKEN, code: '111111', answered: true }) });
    const from = logs.lines.length;
    expectTwiml(await post(inboundForm()));
    expect(sfn.calls()).toHaveLength(0);
    expect(logsSince(from)).toContainEqual(expect.objectContaining({ message: 'code AlreadyAnswered', runId: 'run-1' }));
  });

  it('AlreadyAnswered: the previous step’s code delivered again (a late sign-up SMS during the MFA wait)', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: wait({ step: 'MFA', previousCodeHash: codeHash(CODE) }) });
    expectTwiml(await post(inboundForm()));
    expect(sfn.calls()).toHaveLength(0);
  });

  it('WaitExpired: the wait’s deadline passed', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: wait({ expiresAt: NOW() - 1, taskToken: TOKEN }) });
    const from = logs.lines.length;
    expectTwiml(await post(inboundForm()));
    expect(sfn.calls()).toHaveLength(0);
    expect(logsSince(from)).toContainEqual(expect.objectContaining({ message: 'code WaitExpired', why: expect.stringMatching(/expired/) }));
  });

  it('WaitExpired: Step Functions says the task is closed', async () => {
    openWaitWithToken();
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    const from = logs.lines.length;
    expectTwiml(await post(inboundForm()));
    expect(logsSince(from)).toContainEqual(
      expect.objectContaining({ message: 'code WaitExpired', why: expect.stringContaining('TaskTimedOut') }),
    );
  });

  it('Duplicate: the same MessageSid again (a replay, or Twilio retrying) touches no wait', async () => {
    openWaitWithToken();
    const form = inboundForm();
    expectTwiml(await post(form));
    ddb.on(PutCommand).rejects(conditionFailed());
    const from = logs.lines.length;
    expectTwiml(await post(form));
    expect(waitUpdates(ddb)).toHaveLength(1);
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(logsSince(from)).toContainEqual(expect.objectContaining({ message: 'code Duplicate', messageSid: form.MessageSid }));
  });

  it.each(['STOP', 'stop', ' Help ', 'UNSUBSCRIBE', 'START'])('Keyword: %j is never read as a code', async (text) => {
    const from = logs.lines.length;
    expectTwiml(await post(inboundForm({ Body: text })));
    expect(waitUpdates(ddb)).toHaveLength(0);
    expect(logsSince(from)).toContainEqual(expect.objectContaining({ message: 'code Keyword', keyword: text.trim().toUpperCase() }));
  });

  it.each([
    ['no digits', 'Hello from the carrier'],
    ['an empty body (an MMS with only a picture)', ''],
    ['two candidates, neither after "code"', 'Call 4711 or 4712'],
  ])('NoCode: %s', async (_, body) => {
    const from = logs.lines.length;
    expectTwiml(await post(inboundForm({ Body: body })));
    expect(waitUpdates(ddb)).toHaveLength(0);
    expect(logsSince(from)).toContainEqual(expect.objectContaining({ message: 'code NoCode', rule: expect.any(String) }));
  });
});

describe('POST /sms/twilio: 415 UnsupportedMediaType', () => {
  it.each([
    ['application/json'],
    ['text/plain'],
    ['multipart/form-data; boundary=x'],
    ['application/x-www-form-urlencoded; charset=ISO-8859-1'],
    [''],
  ])('for content-type %j', async (type) => {
    const res = await post(inboundForm(), { headers: { 'content-type': type } });
    expect(res.statusCode).toBe(415);
    expect(res.json.error.code).toBe('UnsupportedMediaType');
    expect(ddb.calls()).toHaveLength(0);
    expect(sm.calls()).toHaveLength(0);
  });
});

describe('POST /sms/twilio: 413 PayloadTooLarge', () => {
  it(`above ${MAX_BODY_BYTES} bytes, before the auth token is even fetched`, async () => {
    const from = logs.lines.length;
    const res = await post(inboundForm({ Body: `code ${CODE} ${'x'.repeat(MAX_BODY_BYTES)}` }));
    expect(res.statusCode).toBe(413);
    expect(res.json.error.code).toBe('PayloadTooLarge');
    expect(sm.calls()).toHaveLength(0);
    expect(ddb.calls()).toHaveLength(0);
    expect(logsSince(from)).toContainEqual(expect.objectContaining({ message: 'code TooLarge', route: 'twilio' }));
  });

  it('counts the decoded bytes of a base64 body', async () => {
    const res = await post(inboundForm({ Body: 'é'.repeat(1600) }), { base64: true }); // 1600 chars, 9600 bytes on the wire
    expect(res.statusCode).toBe(413);
  });
});

describe('POST /sms/twilio: 403 Forbidden, nothing stored, nothing resumed', () => {
  it.each<[string, EventOptions]>([
    ['missing', { signature: false }],
    ['malformed', { signature: 'sha1=abc' }],
    ['malformed', { signature: 'c2hvcnQ=' }],
    ['mismatch', { token: 'not-the-auth-token' }],
  ])('%s signature', async (reason, opts) => {
    const from = logs.lines.length;
    const res = await post(inboundForm(), opts);
    expect(res.statusCode).toBe(403);
    expect(res.json.error).toMatchObject({ code: 'Forbidden', reason });
    expect(ddb.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
    expect(logsSince(from)).toContainEqual(
      expect.objectContaining({ message: 'code BadSignature', reason, urlFrom: 'request', checkedUrl: `https://${DOMAIN}/sms/twilio` }),
    );
  });

  it('mismatch when a field was changed after signing (another To, another Body, an added field)', async () => {
    for (const tamper of [
      (b: string) => b.replace(encodeURIComponent(PHONE), encodeURIComponent('+15555550199')),
      (b: string) => b.replace(CODE, '000000'),
      (b: string) => `${b}&Extra=1`,
    ]) {
      const event = twilioEvent(inboundForm());
      event.body = tamper(event.body!);
      const res = await send(event);
      expect(res.statusCode).toBe(403);
      expect(res.json.error.reason).toBe('mismatch');
    }
    expect(ddb.calls()).toHaveLength(0);
  });

  it('finds the header whatever its case', async () => {
    openWaitWithToken();
    const event = twilioEvent(inboundForm());
    const sig = event.headers['x-twilio-signature']!;
    delete event.headers['x-twilio-signature'];
    event.headers['X-Twilio-Signature'] = sig;
    expectTwiml(await send(event));
  });

  it('checks against the auth token stored with a trailing newline (put-secret-value from a file)', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: `${AUTH_TOKEN}\n` });
    openWaitWithToken();
    expectTwiml(await post(inboundForm()));
  });
});

describe('POST /sms/twilio: 400 InvalidRequest for a signed but malformed form, naming the field', () => {
  it.each<[string, Record<string, string> | string, string, RegExp]>([
    ['To missing', (({ To: _, ...rest }) => rest)(inboundForm()), 'To', /required/],
    ['To not E.164', inboundForm({ To: '5555550123' }), 'To', /E\.164/],
    ['To a WhatsApp address', inboundForm({ To: `whatsapp:${PHONE}` }), 'To', /E\.164/],
    ['To twice', `${new URLSearchParams(inboundForm()).toString()}&To=%2B15555550199`, 'To', /once/],
    ['MessageSid missing', (({ MessageSid: _, ...rest }) => rest)(inboundForm()), 'MessageSid', /required/],
    ['MessageSid of a call', inboundForm({ MessageSid: `CA${'0'.repeat(32)}` }), 'MessageSid', /SM or MM/],
    ['MessageSid too short', inboundForm({ MessageSid: 'SM123' }), 'MessageSid', /32 hex/],
    ['Body missing', (({ Body: _, ...rest }) => rest)(inboundForm()), 'Body', /required/],
    ['Body over 1600 characters', inboundForm({ Body: `code ${CODE} ${'x'.repeat(1600)}` }), 'Body', /at most 1600/],
    ['an empty form', '', 'To', /required/],
  ])('%s', async (_, form, field, message) => {
    const from = logs.lines.length;
    const res = await post(form);
    expect(res.statusCode).toBe(400);
    expect(res.json.error).toEqual({ code: 'InvalidRequest', field, message: expect.stringMatching(message) });
    expect(ddb.calls()).toHaveLength(0);
    expect(logsSince(from)).toContainEqual(expect.objectContaining({ message: 'code Malformed', field }));
  });
});

describe('POST /sms/twilio: AWS failures are 503 or 500, and the message is forgotten so a retry counts', () => {
  it('503 with Retry-After when DynamoDB throttles the wait update; the retry is then handled', async () => {
    const form = inboundForm();
    ddb.on(UpdateCommand).rejectsOnce(throttled());
    const res = await post(form);
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { pk: `SEEN#twilio#${form.MessageSid}` } });
    openWaitWithToken();
    expectTwiml(await post(form));
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  it('503 when Step Functions throttles after the code was stored; forgotten too', async () => {
    openWaitWithToken();
    sfn
      .on(SendTaskSuccessCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));
    expect((await post(inboundForm())).statusCode).toBe(503);
    expect(ddb).toHaveReceivedCommand(DeleteCommand);
  });

  it('503 when remembering the message fails (nothing to forget)', async () => {
    ddb.on(PutCommand).rejects(throttled());
    expect((await post(inboundForm())).statusCode).toBe(503);
    expect(waitUpdates(ddb)).toHaveLength(0);
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
  });

  it('503 when Secrets Manager is unreachable, and the failure is not cached', async () => {
    sm.on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
      .resolves({ SecretString: AUTH_TOKEN });
    expect((await post(inboundForm())).statusCode).toBe(503);
    expect(ddb.calls()).toHaveLength(0);
    openWaitWithToken();
    expectTwiml(await post(inboundForm()));
  });

  it('the original failure wins when forgetting fails too', async () => {
    ddb.on(UpdateCommand).rejects(throttled());
    ddb.on(DeleteCommand).rejects(throttled());
    const from = logs.lines.length;
    expect((await post(inboundForm())).statusCode).toBe(503);
    expect(logsSince(from)).toContainEqual(
      expect.objectContaining({
        message: 'could not drop the claim on a message; its retry waits for the claim to expire',
        route: 'twilio',
      }),
    );
  });

  it('500 with the request id for anything else (a missing permission), message forgotten', async () => {
    ddb.on(UpdateCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: dynamodb:UpdateItem'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const res = await post(inboundForm());
    expect(res.statusCode).toBe(500);
    expect(res.json).toEqual({ error: { code: 'InternalError', message: expect.any(String), requestId: 'lambda-req-1' } });
    expect(ddb).toHaveReceivedCommand(DeleteCommand);
  });
});

describe('POST /sms/twilio on a stage without the Twilio route (param twilioWebhook not true)', () => {
  const secretArn = process.env.TWILIO_AUTH_TOKEN_SECRET_ARN;
  afterEach(() => {
    process.env.TWILIO_AUTH_TOKEN_SECRET_ARN = secretArn;
  });

  it('answers 404 TwilioRouteNotConfigured naming the param, reads no secret and touches no wait (empty secret ARN)', async () => {
    process.env.TWILIO_AUTH_TOKEN_SECRET_ARN = '';
    openWaitWithToken();
    const res = await post(inboundForm());
    expect(res.statusCode).toBe(404);
    expect(res.json).toEqual({
      error: { code: 'TwilioRouteNotConfigured', param: 'twilioWebhook', message: expect.stringContaining('--param="twilioWebhook=true"') },
    });
    expect(sm).not.toHaveReceivedCommand(GetSecretValueCommand);
    expect(ddb.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });
});

// Runs last: every response and log line captured above must be free of secrets.
describe('POST /sms/twilio: never echoes a code, the auth token, a signature or a clear phone number', () => {
  it('in any response body or log line of this file', () => {
    expect(responses.length).toBeGreaterThan(50);
    const lines = logs.lines.join('').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(40);
    for (const text of [...responses.map((r) => JSON.stringify(r)), ...lines]) {
      expect(text).not.toContain(CODE);
      expect(text).not.toContain(AUTH_TOKEN);
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(PHONE);
      expect(text).not.toContain(SENDER);
      expect(text).not.toContain('Your verification code');
      for (const signature of signatures) expect(text).not.toContain(signature);
    }
  });
});
