import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { CognitoService } from 'cognito-local/lib/services/cognitoService';
import type { User } from 'cognito-local/lib/services/userPoolService';
import { startMoto, type MotoServer } from '../moto';
import { FakePhone, type OutboxContext, type SentSms } from './fakePhone';
import { LocalCustomSmsSender, type CustomSenderInvocation, type CustomSenderMessage } from './customSender';

const POOL = 'us-east-1_Abc123';
const SENDER = 'arn:aws:lambda:us-east-1:123456789012:function:cognito-sms-mfa-local-customSmsSender';
const PHONE = '+15555550100';
const CODE = '604213';

let moto: MotoServer;
let keyArn: string;
let otherKeyArn: string;
// The handler's module reads its key at the first call: loaded after the key exists.
let decryptCode: typeof import('../../lib/sms/decryptCode').decryptCode;
let customSmsSender: typeof import('../../functions/sms/customSmsSender').customSmsSender;

beforeAll(async () => {
  moto = await startMoto();
  process.env.AWS_ENDPOINT_URL_KMS = moto.url;
  const kms = new KMSClient({});
  keyArn = (await kms.send(new CreateKeyCommand({ Description: 'custom sender' }))).KeyMetadata!.Arn!;
  otherKeyArn = (await kms.send(new CreateKeyCommand({ Description: 'another' }))).KeyMetadata!.Arn!;
  kms.destroy();
  process.env.CUSTOM_SMS_SENDER_KEY_ARN = keyArn;
  ({ decryptCode } = await import('../../lib/sms/decryptCode'));
  ({ customSmsSender } = await import('../../functions/sms/customSmsSender'));
}, 60_000);
afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_KMS;
  await moto?.close();
});

const message = (over: Partial<CustomSenderMessage> = {}): CustomSenderMessage => ({
  source: 'SignUp',
  userPoolId: POOL,
  clientId: '1example23456789',
  username: 'synthetic-run-7',
  userAttributes: { sub: 'b3c1e4a0-0000-4000-8000-000000000000', phone_number: PHONE, 'cognito:user_status': 'UNCONFIRMED' },
  code: CODE,
  lambdaArn: SENDER,
  kmsKeyId: keyArn,
  ...over,
});

/** The invocation once it and its retries (and its destination) are over. */
const settle = async (invocation: CustomSenderInvocation) => (await invocation.done, invocation);

describe('LocalCustomSmsSender', () => {
  it('builds the event Cognito sends: documented shape, the code encrypted under the pool key, bound to the pool', async () => {
    const sender = new LocalCustomSmsSender({ invoke: jest.fn() });
    const event = await sender.buildEvent(message({ clientMetadata: { purpose: 'check' } }));
    expect(event).toEqual({
      version: '1',
      triggerSource: 'CustomSMSSender_SignUp',
      region: 'us-east-1',
      userPoolId: POOL,
      userName: 'synthetic-run-7',
      callerContext: { awsSdkVersion: expect.any(String), clientId: '1example23456789' },
      request: {
        type: 'customSMSSenderRequestV1',
        code: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
        clientMetadata: { purpose: 'check' },
        userAttributes: message().userAttributes,
      },
      response: {},
    });
    expect(JSON.stringify(event)).not.toContain(CODE);
    // What the sender Lambda does with it.
    await expect(decryptCode(event.request.code!, { userPoolId: POOL })).resolves.toBe(CODE);
    await expect(decryptCode(event.request.code!, { userPoolId: 'us-east-1_Other9' })).rejects.toMatchObject({ name: 'DecryptFailed' });
  });

  it('produces a ciphertext that the sender refuses when the pool names another key', async () => {
    const sender = new LocalCustomSmsSender({ invoke: jest.fn() });
    const event = await sender.buildEvent(message({ kmsKeyId: otherKeyArn }));
    await expect(decryptCode(event.request.code!)).rejects.toMatchObject({ name: 'DecryptFailed' });
  });

  it('invokes the function in the background and retries a failed invocation like Lambda does', async () => {
    const invoke = jest
      .fn()
      .mockRejectedValueOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .mockResolvedValue(null);
    const sender = new LocalCustomSmsSender({ invoke, retryDelaysMs: [5, 5] });
    const invocation = sender.send(message({ source: 'Authentication' }));
    expect(invocation).toMatchObject({ functionArn: SENDER, triggerSource: 'CustomSMSSender_Authentication' });
    expect(invocation.ok).toBeUndefined();
    await sender.settled();
    expect(invocation).toMatchObject({ ok: true, attempts: 2, errorName: undefined });
    expect(invoke).toHaveBeenCalledTimes(2);
    expect(invoke.mock.calls[1]).toEqual([SENDER, invocation.event]);
  });

  it('gives up after Lambda’s two retries and reports the failure by name', async () => {
    const onFailure = jest.fn();
    const invoke = jest.fn().mockRejectedValue(Object.assign(new Error('boom'), { name: 'KMSInternalException' }));
    const sender = new LocalCustomSmsSender({ invoke, retryDelaysMs: [1, 1], onFailure });
    const invocation = sender.send(message());
    await invocation.done;
    expect(invocation).toMatchObject({ ok: false, attempts: 3, errorName: 'KMSInternalException' });
    expect(onFailure).toHaveBeenCalledWith(invocation);
  });

  describe('on-failure destination', () => {
    const REPORTER = 'arn:aws:lambda:us-east-1:123456789012:function:cognito-sms-mfa-local-reportUndeliveredCode';
    const kmsDown = () => jest.fn().mockRejectedValue(Object.assign(new Error('KMS is down'), { name: 'KMSInternalException' }));
    const destination = (invoke: jest.Mock, arnOf = (arn: string) => (arn === SENDER ? REPORTER : undefined)) => ({ arnOf, invoke });

    it('once the attempts are exhausted, sends the destination the record Lambda sends: condition, count, the event as sent, the last error', async () => {
      const toReporter = jest.fn().mockResolvedValue(null);
      const sender = new LocalCustomSmsSender({
        invoke: kmsDown(),
        retryDelaysMs: [1, 1],
        onFailure: jest.fn(),
        onFailureDestination: destination(toReporter),
      });
      const invocation = sender.send(message());
      await invocation.done;
      expect(toReporter).toHaveBeenCalledTimes(1);
      const [arn, record] = toReporter.mock.calls[0];
      expect(arn).toBe(REPORTER);
      expect(record).toEqual({
        version: '1.0',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        requestContext: {
          requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          functionArn: `${SENDER}:$LATEST`,
          condition: 'RetriesExhausted',
          approximateInvokeCount: 3,
        },
        requestPayload: invocation.event,
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: { errorType: 'KMSInternalException', errorMessage: 'KMS is down', trace: expect.any(Array) },
      });
      expect(JSON.stringify(record)).not.toContain(CODE);
      expect(invocation).toMatchObject({ ok: false, destination: { functionArn: REPORTER, ok: true } });
    });

    it('sends nothing when an attempt succeeds, when the function has no destination, or when the function was never invoked', async () => {
      const toReporter = jest.fn().mockResolvedValue(null);
      const succeeds = new LocalCustomSmsSender({
        invoke: jest.fn().mockResolvedValue(null),
        onFailureDestination: destination(toReporter),
      });
      await succeeds.send(message()).done;
      const noDestination = new LocalCustomSmsSender({
        invoke: kmsDown(),
        retryDelaysMs: [],
        onFailure: jest.fn(),
        onFailureDestination: destination(toReporter, () => undefined),
      });
      expect((await settle(noDestination.send(message()))).destination).toBeUndefined();
      // Cognito could not encrypt (no key): Lambda never had the event, so it has nothing to record.
      const noKey = new LocalCustomSmsSender({ invoke: jest.fn(), onFailure: jest.fn(), onFailureDestination: destination(toReporter) });
      await noKey.send(message({ kmsKeyId: undefined })).done;
      expect(toReporter).not.toHaveBeenCalled();
    });

    it('says by name on stderr, without the code, when the destination itself fails, and still settles', async () => {
      const written: string[] = [];
      const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => (written.push(String(chunk)), true));
      try {
        const broken = jest.fn().mockRejectedValue(Object.assign(new Error('no such function'), { name: 'ResourceNotFoundException' }));
        const sender = new LocalCustomSmsSender({
          invoke: kmsDown(),
          retryDelaysMs: [],
          onFailure: jest.fn(),
          onFailureDestination: destination(broken),
        });
        const invocation = await settle(sender.send(message()));
        expect(invocation.destination).toEqual({ functionArn: REPORTER, ok: false, errorName: 'ResourceNotFoundException' });
      } finally {
        spy.mockRestore();
      }
      expect(written.join('')).toContain('on-failure destination');
      expect(written.join('')).toContain('ResourceNotFoundException');
      expect(written.join('')).not.toContain(CODE);
    });

    it('hands the real reporter a record it reports as GaveUp (phone masked), through JSON as Lambda delivers it', async () => {
      const { reportUndeliveredCode } = await import('../../functions/sms/reportUndeliveredCode');
      const outcomes: unknown[] = [];
      const sender = new LocalCustomSmsSender({
        invoke: kmsDown(),
        retryDelaysMs: [1, 1],
        onFailure: jest.fn(),
        onFailureDestination: destination(jest.fn(async (_arn, record) => outcomes.push(reportUndeliveredCode(record)))),
      });
      await sender.send(message()).done;
      expect(outcomes).toEqual([{ outcome: 'GaveUp' }]);
    });
  });

  it('invokes nothing for a pool with no KMSKeyID (nothing to encrypt the code with)', async () => {
    const invoke = jest.fn();
    const onFailure = jest.fn();
    const sender = new LocalCustomSmsSender({ invoke, onFailure });
    await sender.send(message({ kmsKeyId: undefined })).done;
    expect(invoke).not.toHaveBeenCalled();
    expect(onFailure).toHaveBeenCalledWith(expect.objectContaining({ ok: false, attempts: 0 }));
  });

  it('hands the real sender a code it decrypts (a real user’s code: dropped, nothing to forward from)', async () => {
    const outcomes: unknown[] = [];
    const sender = new LocalCustomSmsSender({ invoke: async (_arn, event) => outcomes.push(await customSmsSender(event)) });
    await sender.send(message({ username: 'alice' })).done;
    expect(outcomes).toEqual([{ outcome: 'Dropped' }]);
  });
});

describe('FakePhone with a Custom SMS Sender pool', () => {
  const user = (): User =>
    ({
      Username: 'synthetic-run-7',
      UserStatus: 'UNCONFIRMED',
      Attributes: [
        { Name: 'sub', Value: 'b3c1e4a0-0000-4000-8000-000000000000' },
        { Name: 'phone_number', Value: PHONE },
      ],
      Enabled: true,
      UserCreateDate: new Date(),
      UserLastModifiedDate: new Date(),
      RefreshTokens: [],
    }) as unknown as User;
  const cognitoWith = (options: object) => ({ getUserPool: async () => ({ options }) }) as unknown as CognitoService;
  const details = { AttributeName: 'phone_number', DeliveryMedium: 'SMS', Destination: PHONE } as const;
  const customPool = () => ({
    Id: POOL,
    LambdaConfig: { CustomSMSSender: { LambdaArn: SENDER, LambdaVersion: 'V1_0' }, KMSKeyID: keyArn },
  });

  it('sends no SMS: hands the encrypted code to the sender once the API call is over', async () => {
    const phone = new FakePhone();
    const invoke = jest.fn().mockResolvedValue(null);
    const sender = phone.useCustomSmsSender(invoke)!;
    const heard: SentSms[] = [];
    phone.onSms((sms) => heard.push(sms));
    const outbox: SentSms[] = [];
    const ctx = { logger: {}, outbox } as unknown as OutboxContext;

    await phone
      .messages(cognitoWith(customPool()))
      .deliver(ctx, 'SignUp', '1example23456789', POOL, user(), CODE, { purpose: 'check' }, details);
    expect(invoke).not.toHaveBeenCalled();
    // The router flushes the outbox when the call returns.
    for (const sms of outbox) phone.deliver(sms);
    await sender.settled();

    expect(invoke).toHaveBeenCalledTimes(1);
    const [arn, event] = invoke.mock.calls[0];
    expect(arn).toBe(SENDER);
    expect(event).toMatchObject({
      triggerSource: 'CustomSMSSender_SignUp',
      userPoolId: POOL,
      userName: 'synthetic-run-7',
      callerContext: { clientId: '1example23456789' },
      request: {
        type: 'customSMSSenderRequestV1',
        clientMetadata: { purpose: 'check' },
        userAttributes: { phone_number: PHONE, sub: expect.any(String), 'cognito:user_status': 'UNCONFIRMED' },
      },
    });
    await expect(decryptCode(event.request.code)).resolves.toBe(CODE);
    expect(phone.sent).toEqual([]);
    expect(heard).toEqual([]);
    expect(phone.customSmsSender?.invocations).toHaveLength(1);
  });

  it('still sends an SMS for a pool without a Custom SMS Sender', async () => {
    const phone = new FakePhone();
    const invoke = jest.fn();
    phone.useCustomSmsSender(invoke);
    await phone
      .messages(cognitoWith({ Id: POOL }))
      .deliver({ logger: {} } as never, 'Authentication', null, POOL, user(), CODE, undefined, details);
    expect(phone.sent).toEqual([expect.objectContaining({ kind: 'MFA', code: CODE, message: `Your authentication code is ${CODE}. ` })]);
    expect(invoke).not.toHaveBeenCalled();
  });

  it('says on stderr, without the code, that a code is lost when no Lambda runtime is attached', async () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => (written.push(String(chunk)), true));
    try {
      const phone = new FakePhone();
      await phone
        .messages(cognitoWith(customPool()))
        .deliver({ logger: {} } as never, 'SignUp', null, POOL, user(), CODE, undefined, details);
      expect(phone.sent).toEqual([]);
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toContain('no Lambda runtime is attached');
    expect(written.join('')).not.toContain(CODE);
  });
});
