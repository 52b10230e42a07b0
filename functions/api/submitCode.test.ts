import { captureLogs, jsonLines } from '../../tests/support/logCapture';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidToken, SendTaskSuccessCommand, SFNClient, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handler } from './submitCode';
import { codesEvent, lambdaContext, TEST_SECRET, type EventOptions } from '../../tests/support/httpApi';
import { conditionFailed, waitItem, waitTakesCode } from '../../tests/support/runs';
import { clearSecretCache } from '../../lib/secrets/getSecret';
import type { RunItem, WaitItem } from '../../lib/runs/model';
import { codeHash } from '../../lib/runs/codeHash';

process.env.RUNS_TABLE = 'runs-test';
process.env.CALLBACK_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:callback-AbCdEf';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const sm = mockClient(SecretsManagerClient);

const PHONE = '+15555550123';
const CODE = '739154';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAf-task-token';
const NOW = () => Date.now();

const wait = (over: Partial<WaitItem> = {}): WaitItem => waitItem(PHONE, over);

type Result = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string; headers: Record<string, string> };
const responses: Result[] = [];
let logLines: string[] = [];

async function post(body: unknown, opts: EventOptions = {}): Promise<Result & { json: any }> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const result = (await handler(codesEvent(raw, opts), lambdaContext('submitCode'))) as Result;
  responses.push(result);
  return { ...result, json: JSON.parse(result.body) };
}

/** The wait is open with a task token: UpdateItem succeeds and returns it. */
function openWaitWithToken(over: Partial<WaitItem> = {}) {
  waitTakesCode(ddb, wait({ taskToken: TOKEN, ...over }));
}

let logs: ReturnType<typeof captureLogs>;
beforeAll(() => {
  logs = captureLogs();
  logLines = logs.lines;
});
afterAll(() => logs.restore());

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  sm.reset();
  clearSecretCache();
  sm.on(GetSecretValueCommand).resolves({ SecretString: TEST_SECRET });
  sfn.on(SendTaskSuccessCommand).resolves({});
});

describe('POST /codes: 202 accepted', () => {
  it('stores the code, resumes the execution with its task token, and answers runId and step', async () => {
    openWaitWithToken();
    const res = await post({ phoneNumber: PHONE, code: CODE });
    expect(res.statusCode).toBe(202);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json).toEqual({ status: 'accepted', runId: 'run-1', step: 'SIGN_UP' });
    const update = ddb.commandCalls(UpdateCommand)[0].args[0].input;
    expect(update.Key).toEqual({ pk: `WAIT#${PHONE}` });
    expect(update.ExpressionAttributeValues?.[':code']).toBe(CODE);
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: TOKEN });
  });

  it('puts no code into the SendTaskSuccess output: only runId and step', async () => {
    openWaitWithToken({ step: 'MFA' });
    await post({ phoneNumber: PHONE, code: CODE });
    const output = sfn.commandCalls(SendTaskSuccessCommand)[0].args[0].input.output!;
    expect(JSON.parse(output)).toEqual({ runId: 'run-1', step: 'MFA' });
    expect(output).not.toContain(CODE);
  });

  it('answers 202 without SendTaskSuccess when the await task has not stored its token yet', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: wait({ code: CODE, answered: true }) });
    const res = await post({ phoneNumber: PHONE, code: CODE });
    expect(res.statusCode).toBe(202);
    expect(res.json).toEqual({ status: 'accepted', runId: 'run-1', step: 'SIGN_UP' });
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('extracts the code from an SMS text given as message', async () => {
    openWaitWithToken();
    const res = await post({ phoneNumber: PHONE, message: `Your verification code is ${CODE}. ` });
    expect(res.statusCode).toBe(202);
    expect(ddb.commandCalls(UpdateCommand)[0].args[0].input.ExpressionAttributeValues?.[':code']).toBe(CODE);
  });

  it('finds the phone through runId and answers only that run’s wait', async () => {
    const run: Partial<RunItem> = { pk: 'RUN#run-1', runId: 'run-1', phoneNumber: PHONE };
    ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: run });
    openWaitWithToken();
    const res = await post({ runId: 'run-1', code: CODE });
    expect(res.statusCode).toBe(202);
    const update = ddb.commandCalls(UpdateCommand)[0].args[0].input;
    expect(update.Key).toEqual({ pk: `WAIT#${PHONE}` });
    expect(update.ConditionExpression).toContain('#runId = :run');
    expect(update.ExpressionAttributeValues?.[':run']).toBe('run-1');
  });

  it('accepts a charset parameter and a base64-encoded body (API Gateway encodes some bodies)', async () => {
    openWaitWithToken();
    const res = await post(
      { phoneNumber: PHONE, code: CODE },
      { headers: { 'Content-Type': 'application/json; charset=UTF-8' }, base64: true },
    );
    expect(res.statusCode).toBe(202);
  });

  it('resumes on a repeat of the same code whose first SendTaskSuccess failed (a webhook retry after 503)', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: wait({ taskToken: TOKEN, code: CODE, answered: true }) });
    const res = await post({ phoneNumber: PHONE, code: CODE });
    expect(res.statusCode).toBe(202);
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  it('fetches the signing secret once per container, not per request', async () => {
    openWaitWithToken();
    await post({ phoneNumber: PHONE, code: CODE });
    await post({ phoneNumber: PHONE, code: '111111' });
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: process.env.CALLBACK_SECRET_ARN });
  });
});

describe('POST /codes: 415 UnsupportedMediaType', () => {
  it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['application/json; charset=latin1'], ['']])(
    'for content-type %j',
    async (type) => {
      const res = await post({ phoneNumber: PHONE, code: CODE }, { headers: { 'content-type': type } });
      expect(res.statusCode).toBe(415);
      expect(res.json.error.code).toBe('UnsupportedMediaType');
      expect(ddb.calls()).toHaveLength(0);
    },
  );
});

describe('POST /codes: 413 PayloadTooLarge', () => {
  it('for a body over 4096 bytes, before the signature is checked', async () => {
    const res = await post({ phoneNumber: PHONE, message: `code ${CODE} ${'x'.repeat(4100)}` }, { signedAt: false });
    expect(res.statusCode).toBe(413);
    expect(res.json.error.code).toBe('PayloadTooLarge');
  });

  it('counts decoded bytes of a base64-encoded body', async () => {
    const body = JSON.stringify({ phoneNumber: PHONE, message: 'é'.repeat(2100) }); // 4200+ bytes, 2100 characters
    expect(body.length).toBeLessThan(4096);
    const res = await post(body, { base64: true });
    expect(res.statusCode).toBe(413);
  });
});

describe('POST /codes: 401 Unauthorized, nothing stored, nothing resumed', () => {
  const body = JSON.stringify({ phoneNumber: PHONE, code: CODE });
  const nowS = () => Math.floor(Date.now() / 1000);
  it.each<[string, EventOptions]>([
    ['missing', { signedAt: false }],
    ['malformed', { headers: { 'x-signature': 'sha256=abc' } }],
    // Well past the 300 s window, so that the time between collecting and running the test cannot matter.
    ['stale', { signedAt: nowS() - 400 }],
    ['stale', { signedAt: nowS() + 400 }],
    ['mismatch', { secret: 'another-secret' }],
  ])('%s signature', async (reason, opts) => {
    const res = await post(body, opts);
    expect(res.statusCode).toBe(401);
    expect(res.json.error).toMatchObject({ code: 'Unauthorized', reason });
    expect(ddb.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('mismatch when the body changed after signing (signature is over the raw body)', async () => {
    const event = codesEvent(body);
    event.body = body.replace(CODE, '000000');
    const res = (await handler(event, lambdaContext('submitCode'))) as Result;
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body).error.reason).toBe('mismatch');
    responses.push(res);
  });

  it('finds the header whatever its case', async () => {
    openWaitWithToken();
    const event = codesEvent(body);
    const sig = event.headers['x-signature']!;
    delete event.headers['x-signature'];
    event.headers['X-Signature'] = sig;
    expect(((await handler(event, lambdaContext('submitCode'))) as Result).statusCode).toBe(202);
  });
});

describe('POST /codes: 400 InvalidRequest names the field and why', () => {
  it.each<[string, string, string | RegExp]>([
    ['{"phoneNumber": ', 'body', /not valid JSON/],
    ['', 'body', /empty/],
    ['[1,2]', 'body', /JSON object/],
    [JSON.stringify({ phoneNumber: PHONE, code: CODE, extra: 1 }), 'extra', /not a known field/],
    [JSON.stringify({ phoneNumber: PHONE, runId: 'run-1', code: CODE }), 'phoneNumber', /not both/],
    [JSON.stringify({ code: CODE }), 'phoneNumber', /required/],
    [JSON.stringify({ phoneNumber: PHONE }), 'code', /required/],
    [JSON.stringify({ phoneNumber: PHONE, code: CODE, message: `code ${CODE}` }), 'code', /not both/],
    [JSON.stringify({ phoneNumber: '5555550100', code: CODE }), 'phoneNumber', /E\.164/],
    [JSON.stringify({ phoneNumber: PHONE, code: 739154 }), 'code', /string/],
    [JSON.stringify({ phoneNumber: PHONE, code: `${CODE}x` }), 'code', /4-8 digits/],
    [JSON.stringify({ phoneNumber: PHONE, message: 'Your code expired, sorry' }), 'message', /no 4-8 digit code/],
    [JSON.stringify({ runId: 'run 1!', code: CODE }), 'runId', /execution name/],
  ])('%s → %s', async (body, field, message) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(res.json.error).toEqual({ code: 'InvalidRequest', field, message: expect.stringMatching(message) });
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('POST /codes: 404 NotWaiting', () => {
  it('when no wait exists for the phone', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({});
    const res = await post({ phoneNumber: PHONE, code: CODE });
    expect(res.statusCode).toBe(404);
    expect(res.json.error.code).toBe('NotWaiting');
    expect(res.json.error.message).toContain('+*******0123');
    expect(res.body).not.toContain(PHONE);
  });

  it('when the run does not exist', async () => {
    ddb.on(GetCommand).resolves({});
    const res = await post({ runId: 'run-gone', code: CODE });
    expect(res.statusCode).toBe(404);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('when the phone’s wait belongs to another run', async () => {
    ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: { pk: 'RUN#run-1', runId: 'run-1', phoneNumber: PHONE } });
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand, { Key: { pk: `WAIT#${PHONE}` } }).resolves({ Item: wait({ runId: 'run-2', taskToken: TOKEN }) });
    const res = await post({ runId: 'run-1', code: CODE });
    expect(res.statusCode).toBe(404);
    expect(sfn.calls()).toHaveLength(0);
  });
});

describe('POST /codes: 409 AlreadyAnswered', () => {
  it('first answer wins: a second, different code is refused and resumes nothing', async () => {
    ddb
      .on(UpdateCommand)
      .resolvesOnce({ Attributes: wait({ taskToken: TOKEN, code: CODE, answered: true }) })
      .rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: wait({ taskToken: TOKEN, code: CODE, answered: true }) });
    expect((await post({ phoneNumber: PHONE, code: CODE })).statusCode).toBe(202);
    const second = await post({ phoneNumber: PHONE, code: '222222' });
    expect(second.statusCode).toBe(409);
    expect(second.json.error).toMatchObject({ code: 'AlreadyAnswered', runId: 'run-1', step: 'SIGN_UP' });
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  it('a repeat of the same code after the execution moved on (Step Functions says the task is closed)', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: wait({ taskToken: TOKEN, code: CODE, answered: true }) });
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    expect((await post({ phoneNumber: PHONE, code: CODE })).statusCode).toBe(409);
  });

  it('a repeat of the same code once the next task consumed it, without asking Step Functions', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: { ...wait({ taskToken: TOKEN, code: CODE, answered: true }), consumedAt: NOW() } });
    expect((await post({ phoneNumber: PHONE, code: CODE })).statusCode).toBe(409);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('the previous step’s code delivered again to the next step’s wait', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: wait({ step: 'MFA', previousCodeHash: codeHash(CODE) }) });
    const res = await post({ phoneNumber: PHONE, code: CODE });
    expect(res.statusCode).toBe(409);
    expect(res.json.error.message).toMatch(/step before MFA/);
  });
});

describe('POST /codes: 410 WaitExpired', () => {
  it('when the wait’s expiresAt has passed', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: wait({ expiresAt: NOW() - 1, taskToken: TOKEN }) });
    const res = await post({ phoneNumber: PHONE, code: CODE });
    expect(res.statusCode).toBe(410);
    expect(res.json.error).toMatchObject({ code: 'WaitExpired', runId: 'run-1', step: 'SIGN_UP' });
    expect(sfn.calls()).toHaveLength(0);
  });

  it.each([
    ['TaskTimedOut', () => new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} })],
    ['InvalidToken', () => new InvalidToken({ message: 'Invalid Token', $metadata: {} })],
    ['TaskDoesNotExist', () => new TaskDoesNotExist({ message: 'Task does not exist', $metadata: {} })],
  ])('when SendTaskSuccess answers %s', async (name, error) => {
    openWaitWithToken();
    sfn.on(SendTaskSuccessCommand).rejects(error());
    const res = await post({ phoneNumber: PHONE, code: CODE });
    expect(res.statusCode).toBe(410);
    expect(res.json.error.message).toContain(name);
  });
});

describe('POST /codes: AWS failures are 503 or 500, never for bad input', () => {
  it('503 with Retry-After when DynamoDB throttles', async () => {
    ddb.on(UpdateCommand).rejects(
      Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
        name: 'ProvisionedThroughputExceededException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const res = await post({ phoneNumber: PHONE, code: CODE });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.json.error.code).toBe('ServiceUnavailable');
  });

  it('503 when Step Functions throttles after the code was stored (a retry then resumes, see above)', async () => {
    openWaitWithToken();
    sfn
      .on(SendTaskSuccessCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));
    expect((await post({ phoneNumber: PHONE, code: CODE })).statusCode).toBe(503);
  });

  it('503 when Secrets Manager is unreachable, and the failure is not cached', async () => {
    sm.on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
      .resolves({ SecretString: TEST_SECRET });
    expect((await post({ phoneNumber: PHONE, code: CODE })).statusCode).toBe(503);
    openWaitWithToken();
    expect((await post({ phoneNumber: PHONE, code: CODE })).statusCode).toBe(202);
  });

  it('500 with the request id and no stack for anything else', async () => {
    ddb.on(UpdateCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: dynamodb:UpdateItem'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const res = await post({ phoneNumber: PHONE, code: CODE });
    expect(res.statusCode).toBe(500);
    expect(res.json).toEqual({ error: { code: 'InternalError', message: expect.any(String), requestId: 'lambda-req-1' } });
    expect(res.body).not.toMatch(/at .*\.ts/);
  });
});

describe('POST /codes: every refusal ends in one `code <Outcome>` line, and a code that may be lost in one CodeNotDelivered', () => {
  const metricsWere = process.env.POWERTOOLS_METRICS_DISABLED;
  beforeAll(() => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  });
  afterAll(() => {
    process.env.POWERTOOLS_METRICS_DISABLED = metricsWere;
  });

  /** What one request wrote: its outcome lines (not the metric lines) and its CodeNotDelivered metrics. */
  async function reported(request: () => Promise<Result & { json: any }>) {
    const from = logLines.length;
    const res = await request();
    const lines = jsonLines(logLines.slice(from));
    return {
      res,
      outcomes: lines.filter((l) => !l._aws && /^code /.test(l.message)),
      metrics: lines.filter((l) => l._aws && l.CodeNotDelivered === 1),
    };
  }

  const signed = { phoneNumber: PHONE, code: CODE };
  it.each<[string, number, () => Promise<Result & { json: any }>, Record<string, unknown>]>([
    ['not JSON', 415, () => post(signed, { headers: { 'content-type': 'text/plain' } }), { outcome: 'Malformed', field: 'content-type' }],
    ['too large', 413, () => post({ ...signed, message: 'x'.repeat(4100) }), { outcome: 'TooLarge', bytes: expect.any(Number) }],
    ['unsigned', 401, () => post(signed, { signedAt: false }), { outcome: 'BadSignature', reason: 'missing' }],
    ['signed with another secret', 401, () => post(signed, { secret: 'another-secret' }), { outcome: 'BadSignature', reason: 'mismatch' }],
    ['an invalid body', 400, () => post({ phoneNumber: PHONE, code: `${CODE}x` }), { outcome: 'Malformed', field: 'code' }],
    [
      'a text with no code',
      400,
      () => post({ phoneNumber: PHONE, message: 'Your code expired, sorry' }),
      { outcome: 'NoCode', phone: '+*******0123', rule: 'contains no 4-8 digit code' },
    ],
    [
      'a text with no code, for a run',
      400,
      () => post({ runId: 'run-1', message: 'Hi there' }),
      { outcome: 'NoCode', runId: 'run-1', rule: 'contains no 4-8 digit code' },
    ],
    [
      'a run that does not exist',
      404,
      () => {
        ddb.on(GetCommand).resolves({});
        return post({ runId: 'run-gone', code: CODE });
      },
      { outcome: 'NotWaiting', runId: 'run-gone', why: 'no such run' },
    ],
    [
      'nothing waiting on the phone',
      404,
      () => {
        ddb.on(UpdateCommand).rejects(conditionFailed());
        ddb.on(GetCommand).resolves({});
        return post(signed);
      },
      { outcome: 'NotWaiting', phone: '+*******0123' },
    ],
  ])('%s: %d, logged and counted as a lost code', async (_, status, request, fields) => {
    const { res, outcomes, metrics } = await reported(request);
    expect(res.statusCode).toBe(status);
    expect(outcomes).toEqual([expect.objectContaining({ message: `code ${fields.outcome}`, level: 'WARN', route: 'callback', ...fields })]);
    expect(metrics).toEqual([expect.objectContaining({ route: 'callback', outcome: fields.outcome })]);
  });

  it('names no phone for a body whose phone is invalid, and answers as before (the missing code first)', async () => {
    const { res, outcomes } = await reported(() => post({ phoneNumber: '5555550123', message: 'no code here' }));
    expect(res.json.error).toEqual({ code: 'InvalidRequest', field: 'message', message: 'message contains no 4-8 digit code' });
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ outcome: 'NoCode' });
    expect(outcomes[0]).not.toHaveProperty('phone');
  });

  it.each(['STOP', 'help', ' Stop '])(
    'a keyword (%j) is answered like any text without a code, logged Keyword, and loses nothing',
    async (keyword) => {
      const { res, outcomes, metrics } = await reported(() => post({ phoneNumber: PHONE, message: keyword }));
      expect(res.statusCode).toBe(400);
      expect(res.json.error).toEqual({ code: 'InvalidRequest', field: 'message', message: 'message contains no 4-8 digit code' });
      expect(outcomes).toEqual([
        expect.objectContaining({
          message: 'code Keyword',
          level: 'INFO',
          route: 'callback',
          phone: '+*******0123',
          keyword: keyword.trim().toUpperCase(),
        }),
      ]);
      expect(metrics).toHaveLength(0);
      expect(ddb.calls()).toHaveLength(0);
    },
  );

  it('a code that reached its run is logged Resumed and counted nowhere', async () => {
    openWaitWithToken();
    const { res, outcomes, metrics } = await reported(() => post(signed));
    expect(res.statusCode).toBe(202);
    expect(outcomes).toEqual([expect.objectContaining({ message: 'code Resumed', route: 'callback', runId: 'run-1' })]);
    expect(metrics).toHaveLength(0);
  });
});

// Runs last: every response and log line captured above must be free of secrets.
describe('POST /codes: never echoes a code, a signature or a token', () => {
  it('in any response body or log line of this file', async () => {
    openWaitWithToken();
    const sigBody = JSON.stringify({ phoneNumber: PHONE, code: CODE });
    const event = codesEvent(sigBody);
    await handler(event, lambdaContext('submitCode'));
    const signatureHex = event.headers['x-signature']!.split('v1=')[1];
    expect(responses.length).toBeGreaterThan(40);
    expect(logLines.length).toBeGreaterThan(20);
    for (const text of [...responses.map((r) => JSON.stringify(r)), ...logLines]) {
      expect(text).not.toContain(CODE);
      expect(text).not.toContain(signatureHex);
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(TEST_SECRET);
      expect(text).not.toContain(PHONE);
    }
  });
});
