import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { webhookDelivery, type SmsLike } from './webhook';
import { verifySignature } from '../../lib/signature';
import { startApiServer } from '../api/server';
import { handler as submitCode } from '../../functions/api/submitCode';
import { clearSecretCache } from '../../lib/secrets/getSecret';
import { deadUrl, expectNothingWritten, startReceiver, type Receiver } from '../../tests/support/receiver';
import { waitTakesCode } from '../../tests/support/runs';

const SECRET = 'webhook-test-secret';
const SMS: SmsLike = { phoneNumber: '+15555550123', message: 'Your verification code is 604213. ' };

let receiver: Receiver;
let url: string;
let received: Receiver['received'];
let answer: { status: number; body: string } = { status: 202, body: '{"status":"accepted","runId":"r","step":"SIGN_UP"}' };

beforeAll(async () => {
  receiver = await startReceiver(() => ({ status: answer.status, contentType: 'application/json', body: answer.body }));
  ({ url, received } = receiver);
});
afterAll(() => receiver.close());
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
    const result = await deliverOnce({ apiUrl: await deadUrl() });
    expect(result.status).toBe(0);
    expect(result.body).toMatchObject({ error: expect.any(String) });
  });

  it('survives an onResult that throws, and writes nothing to the console', async () => {
    await expectNothingWritten('604213', async () => {
      const thrown = new Promise<void>((resolve) =>
        webhookDelivery({
          apiUrl: url,
          secret: SECRET,
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

  it('drives the real callback route end to end (local API server + submitCode, AWS mocked)', async () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    const sfn = mockClient(SFNClient);
    const sm = mockClient(SecretsManagerClient);
    process.env.RUNS_TABLE = 'runs-test';
    process.env.CALLBACK_SECRET_ARN = 'callback-secret';
    clearSecretCache();
    sm.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
    sfn.on(SendTaskSuccessCommand).resolves({});
    waitTakesCode(ddb, {
      pk: `WAIT#${SMS.phoneNumber}`,
      runId: 'run-7',
      step: 'SIGN_UP',
      expiresAt: Date.now() + 60_000,
      taskToken: 'tok',
    });
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
