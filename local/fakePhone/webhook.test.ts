import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { webhookDelivery, type SmsLike } from './webhook';
import { verifySignature } from '../../lib/signature';
import { startApiServer } from '../api/server';
import { handler as submitCode } from '../../functions/api/submitCode';
import { clearSecretCache } from '../../lib/secrets/getSecret';

const SECRET = 'webhook-test-secret';
const SMS: SmsLike = { phoneNumber: '+15555550123', message: 'Your verification code is 604213. ' };

interface Received { method?: string; url?: string; headers: IncomingHttpHeaders; body: string; at: number }

let server: Server;
let url: string;
const received: Received[] = [];
let answer: { status: number; body: string } = { status: 202, body: '{"status":"accepted","runId":"r","step":"SIGN_UP"}' };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
  answer = { status: 202, body: '{"status":"accepted","runId":"r","step":"SIGN_UP"}' };
});

function deliverOnce(opts: Partial<Parameters<typeof webhookDelivery>[0]> = {}, sms = SMS) {
  return new Promise<{ status: number; body: unknown; sms: SmsLike }>((resolve) => {
    webhookDelivery({ apiUrl: url, secret: SECRET, ...opts, onResult: (s, status, body) => resolve({ sms: s, status, body }) })(sms);
  });
}

describe('webhookDelivery', () => {
  it('POSTs { phoneNumber, message } as JSON, signed over the raw body, to /codes', async () => {
    const result = await deliverOnce();
    expect(result).toEqual({ sms: SMS, status: 202, body: { status: 'accepted', runId: 'r', step: 'SIGN_UP' } });
    const [req] = received;
    expect(req).toMatchObject({ method: 'POST', url: '/codes' });
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({ phoneNumber: SMS.phoneNumber, message: SMS.message });
    expect(verifySignature(SECRET, req.body, req.headers['x-signature'] as string)).toEqual({ ok: true });
  });

  it('waits delayMs before delivering, and honours a custom path under a base URL with a prefix', async () => {
    const sent = Date.now();
    await deliverOnce({ apiUrl: `${url}/dev/`, path: 'hooks/sms', delayMs: 150 });
    expect(received[0].url).toBe('/dev/hooks/sms');
    expect(received[0].at - sent).toBeGreaterThanOrEqual(140);
  });

  it('reports an error answer with its status and body, and a non-JSON body as text', async () => {
    answer = { status: 409, body: '{"error":{"code":"AlreadyAnswered"}}' };
    expect(await deliverOnce()).toMatchObject({ status: 409, body: { error: { code: 'AlreadyAnswered' } } });
    answer = { status: 502, body: 'Bad Gateway' };
    expect(await deliverOnce()).toMatchObject({ status: 502, body: 'Bad Gateway' });
  });

  it('reports status 0 when nothing answers, instead of crashing', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await deliverOnce({ apiUrl: `http://127.0.0.1:${port}` });
    expect(result.status).toBe(0);
    expect(result.body).toMatchObject({ error: expect.any(String) });
  });

  it('survives an onResult that throws, and writes nothing to the console', async () => {
    const writes = [jest.spyOn(process.stdout, 'write'), jest.spyOn(process.stderr, 'write'), jest.spyOn(console, 'log'), jest.spyOn(console, 'error')];
    const thrown = new Promise<void>((resolve) =>
      webhookDelivery({ apiUrl: url, secret: SECRET, onResult: () => { resolve(); throw new Error('observer bug'); } })(SMS),
    );
    await thrown;
    await new Promise((r) => setTimeout(r, 20));
    for (const spy of writes) {
      for (const call of spy.mock.calls) expect(String(call[0])).not.toContain('604213');
      spy.mockRestore();
    }
  });

  it('drives the real callback route end to end (local API server + submitCode, AWS mocked)', async () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    const sfn = mockClient(SFNClient);
    const sm = mockClient(SecretsManagerClient);
    process.env.RUNS_TABLE = 'runs-test';
    process.env.CALLBACK_SECRET_ARN = 'callback-secret';
    clearSecretCache();
    sm.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
    sfn.on(SendTaskSuccessCommand).resolves({});
    ddb.on(UpdateCommand).callsFake((input) => ({
      Attributes: { pk: `WAIT#${SMS.phoneNumber}`, runId: 'run-7', step: 'SIGN_UP', expiresAt: Date.now() + 60_000, taskToken: 'tok', answered: true, code: input.ExpressionAttributeValues[':code'] },
    }));
    const api = await startApiServer([{ method: 'POST', path: '/codes', handler: submitCode }]);
    try {
      const result = await deliverOnce({ apiUrl: api.url, delayMs: 10 });
      expect(result).toMatchObject({ status: 202, body: { status: 'accepted', runId: 'run-7', step: 'SIGN_UP' } });
      expect(ddb.commandCalls(UpdateCommand)[0].args[0].input.ExpressionAttributeValues?.[':code']).toBe('604213');
      expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    } finally {
      await api.close();
      ddb.restore();
      sfn.restore();
      sm.restore();
    }
  });
});
