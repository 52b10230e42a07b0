import type { Context } from 'aws-lambda';
import { captureLogsAndMetricsInFile, contains, jsonLines } from '../../tests/support/logCapture';
import { handler, parseDestinationRecord, reportUndeliveredCode, type DestinationRecord } from './reportUndeliveredCode';

const POOL = 'us-east-1_Abc123';
const PHONE = '+12065550142';
/** Stands for the Encryption SDK message Cognito puts in the event: it must reach no line. */
const CIPHERTEXT = 'AYADeCIPHERTEXTmustNeverBeLogged0123456789+/==';
const SENDER = 'arn:aws:lambda:us-east-1:123456789012:function:cognito-sms-mfa-dev-customSmsSender:$LATEST';
const ERROR_MESSAGE = 'We encountered an internal error. Please try again.';

/** The record Lambda sends after the sender failed all three attempts (as the Node runtime reports a thrown error). */
const record = (over: Record<string, unknown> = {}): DestinationRecord =>
  ({
    version: '1.0',
    timestamp: '2026-03-02T10:15:00.000Z',
    requestContext: {
      requestId: 'e4b46cbf-b738-4a5e-8880-a18cdf61200e',
      functionArn: SENDER,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: {
      version: '1',
      triggerSource: 'CustomSMSSender_Authentication',
      region: 'us-east-1',
      userPoolId: POOL,
      userName: 'alice@example.com',
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: '1example23456789' },
      request: {
        type: 'customSMSSenderRequestV1',
        code: CIPHERTEXT,
        clientMetadata: null,
        userAttributes: { sub: 'b3c1e4a0-0000-4000-8000-000000000000', phone_number: PHONE },
      },
      response: {},
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'KMSInternalException', errorMessage: ERROR_MESSAGE, trace: ['KMSInternalException: …'] },
    ...over,
  }) as DestinationRecord;

const withContext = (over: Record<string, unknown>) => record({ requestContext: { ...record().requestContext, ...over } });
const withPayload = (change: (payload: any) => void) => {
  const r = record();
  change(r.requestPayload);
  return r;
};

const logs = captureLogsAndMetricsInFile();

/** What one report wrote: its `code <Outcome>` lines, its EMF lines, and all of it as text. */
function reported(run: () => unknown) {
  const from = logs.lines().length;
  const result = run();
  const chunks = logs.lines().slice(from);
  const lines = jsonLines(chunks);
  return {
    result,
    lines: lines.filter((l) => !l._aws && /^code /.test(l.message)),
    metrics: lines.filter((l) => l._aws),
    text: chunks.join(''),
  };
}

describe('parseDestinationRecord', () => {
  it('reads what the report needs from the record Lambda sends', () => {
    expect(parseDestinationRecord(record())).toEqual({
      condition: 'RetriesExhausted',
      attempts: 3,
      senderRequestId: 'e4b46cbf-b738-4a5e-8880-a18cdf61200e',
      triggerSource: 'CustomSMSSender_Authentication',
      userPoolId: POOL,
      phone: PHONE,
      errorName: 'KMSInternalException',
    });
  });

  it('takes a record of an event that aged out before any attempt: no response, no error name', () => {
    const aged = record({ requestContext: { ...record().requestContext, condition: 'EventAgeExceeded', approximateInvokeCount: 0 } });
    delete aged.responseContext;
    delete aged.responsePayload;
    expect(parseDestinationRecord(aged)).toMatchObject({ condition: 'EventAgeExceeded', attempts: 0 });
    expect(parseDestinationRecord(aged)).not.toHaveProperty('errorName');
  });

  it('takes a failure without an errorType (a timeout reports only a message)', () => {
    expect(parseDestinationRecord(record({ responsePayload: { errorMessage: 'Task timed out after 10.00 seconds' } }))).not.toHaveProperty(
      'errorName',
    );
  });

  it.each([
    ['not an object', 'a string', 'record', 'must be a JSON object'],
    ['no requestContext', record({ requestContext: undefined }), 'requestContext', 'must be a JSON object'],
    ['an on-success record', withContext({ condition: 'Success' }), 'requestContext.condition', 'must be a failure condition, not Success'],
    ['a condition that is not a word', withContext({ condition: 'Retries Exhausted!' }), 'requestContext.condition', 'may contain only'],
    ['a count that is not a whole number', withContext({ approximateInvokeCount: '3' }), 'requestContext.approximateInvokeCount', 'whole'],
    ['a negative count', withContext({ approximateInvokeCount: -1 }), 'requestContext.approximateInvokeCount', 'whole'],
    ['no request id', withContext({ requestId: undefined }), 'requestContext.requestId', 'is required'],
    ['no requestPayload', record({ requestPayload: null }), 'requestPayload', 'must be a JSON object'],
    [
      'another trigger',
      withPayload((p) => (p.triggerSource = 'CustomEmailSender_SignUp')),
      'requestPayload.triggerSource',
      'may contain only',
    ],
    ['a pool id that is not one', withPayload((p) => (p.userPoolId = 'pool')), 'requestPayload.userPoolId', 'may contain only'],
    ['no user attributes', withPayload((p) => delete p.request.userAttributes), 'requestPayload.request.userAttributes', 'JSON object'],
    [
      'a phone that is not E.164',
      withPayload((p) => (p.request.userAttributes.phone_number = '2065550142')),
      'requestPayload.request.userAttributes.phone_number',
      'may contain only',
    ],
    ['an errorType that is not a name', record({ responsePayload: { errorType: 'a b' } }), 'responsePayload.errorType', 'may contain only'],
  ])('refuses %s, naming the field and the rule', (_what, input, field, rule) => {
    expect(() => parseDestinationRecord(input)).toThrow(
      expect.objectContaining({ name: 'ValidationError', field, rule: expect.stringContaining(rule) }),
    );
  });
});

describe('reportUndeliveredCode', () => {
  it('says the code is lost: one GaveUp line, phone masked, trigger, attempts, condition and error name, and one CodeNotDelivered', () => {
    const { result, lines, metrics } = reported(() => reportUndeliveredCode(record()));
    expect(result).toEqual({ outcome: 'GaveUp' });
    expect(lines).toEqual([
      expect.objectContaining({
        message: 'code GaveUp',
        level: 'WARN',
        route: 'custom-sender',
        outcome: 'GaveUp',
        phone: '+*******0142',
        userPoolId: POOL,
        triggerSource: 'CustomSMSSender_Authentication',
        condition: 'RetriesExhausted',
        attempts: 3,
        errorName: 'KMSInternalException',
        senderRequestId: 'e4b46cbf-b738-4a5e-8880-a18cdf61200e',
      }),
    ]);
    expect(metrics).toEqual([expect.objectContaining({ CodeNotDelivered: 1, route: 'custom-sender', outcome: 'GaveUp' })]);
  });

  it('logs no ciphertext, no phone in clear, no username (a real user’s may be personal) and not the error’s free text', () => {
    const { text } = reported(() => reportUndeliveredCode(record()));
    expect(text).toContain('code GaveUp');
    for (const secret of [CIPHERTEXT, PHONE, 'alice@example.com', ERROR_MESSAGE]) expect(contains(text, secret)).toBe(false);
  });

  it('drops a malformed record with a Malformed line (field and rule, no value) and a count, and does not throw', () => {
    const bad = withPayload((p) => (p.request.userAttributes.phone_number = 'not a phone'));
    const { result, lines, metrics, text } = reported(() => reportUndeliveredCode(bad));
    expect(result).toEqual({ outcome: 'Malformed' });
    expect(lines).toEqual([
      expect.objectContaining({
        message: 'code Malformed',
        outcome: 'Malformed',
        field: 'requestPayload.request.userAttributes.phone_number',
        rule: expect.any(String),
        source: 'on-failure destination',
        condition: 'RetriesExhausted',
      }),
    ]);
    expect(metrics).toEqual([expect.objectContaining({ CodeNotDelivered: 1, outcome: 'Malformed' })]);
    expect(text).not.toContain('not a phone');
    expect(text).not.toContain(CIPHERTEXT);
  });

  it('handler: returns nothing and never throws on a malformed record (Lambda would retry it for nothing)', async () => {
    const context = { functionName: 'reportUndeliveredCode', awsRequestId: 'req-1' } as Context;
    await expect(handler(record(), context)).resolves.toBeUndefined();
    await expect(handler({ not: 'a record' }, context)).resolves.toBeUndefined();
    await expect(handler(null, context)).resolves.toBeUndefined();
  });
});
