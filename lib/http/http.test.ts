import { header, isJsonUtf8, parseMediaType, rawBody } from './request';
import { isTransient } from './errors';

describe('lib/http', () => {
  it('finds headers whatever their case', () => {
    expect(header({ headers: { 'X-Signature': 'a' } }, 'x-signature')).toBe('a');
    expect(header({ headers: { 'x-signature': 'b' } }, 'X-SIGNATURE')).toBe('b');
    expect(header({ headers: {} }, 'x')).toBeUndefined();
  });

  it('decodes base64 bodies to their raw bytes', () => {
    expect(rawBody({ body: Buffer.from('{"a":"é"}').toString('base64'), isBase64Encoded: true }).toString('utf8')).toBe('{"a":"é"}');
    expect(rawBody({ body: undefined, isBase64Encoded: false }).length).toBe(0);
  });

  it.each([
    ['application/json', true],
    ['Application/JSON; charset="UTF-8"', true],
    ['application/json;charset=utf8', true],
    ['application/json; charset=iso-8859-1', false],
    ['application/jsonx', false],
    ['text/json', false],
    [undefined, false],
  ])('isJsonUtf8(%j) = %s', (type, ok) => {
    expect(isJsonUtf8(type)).toBe(ok);
  });

  it('parses media type parameters', () => {
    expect(parseMediaType('multipart/form-data; boundary="x y"')).toEqual({ essence: 'multipart/form-data', params: { boundary: 'x y' } });
    expect(parseMediaType('nonsense')).toBeUndefined();
  });

  it.each([
    [{ name: 'ThrottlingException' }, true],
    [{ name: 'ProvisionedThroughputExceededException' }, true],
    [{ name: 'InternalServerError' }, true],
    [{ name: 'Whatever', $metadata: { httpStatusCode: 503 } }, true],
    [{ name: 'Error', code: 'ECONNREFUSED' }, true],
    [{ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }, false],
    [{ name: 'ValidationException', $metadata: { httpStatusCode: 400 } }, false],
  ])('isTransient(%j) = %s', (error, transient) => {
    expect(isTransient(Object.assign(new Error('x'), error))).toBe(transient);
  });
});
