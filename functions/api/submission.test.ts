import { NoCodeInMessage, parseSubmission } from './submission';

describe('parseSubmission', () => {
  it('takes phoneNumber + code, or runId + message', () => {
    expect(parseSubmission('{"phoneNumber":"+15555550100","code":"123456"}')).toEqual({
      phoneNumber: '+15555550100',
      code: '123456',
      codeFrom: 'code',
    });
    expect(parseSubmission('{"runId":"run-1","message":"Your verification code is 123456."}')).toEqual({
      runId: 'run-1',
      code: '123456',
      codeFrom: 'message',
    });
  });

  it('treats null as absent', () => {
    expect(parseSubmission('{"phoneNumber":"+15555550100","runId":null,"code":"123456","message":null}')).toMatchObject({
      phoneNumber: '+15555550100',
    });
  });

  it('refuses a text without a code as NoCodeInMessage, saying whether it is a keyword and whose it was when that is valid', () => {
    const refusal = (body: object) => {
      try {
        parseSubmission(JSON.stringify(body));
      } catch (error) {
        return error;
      }
      throw new Error('accepted');
    };
    expect(refusal({ phoneNumber: '+15555550100', message: 'HELP' })).toMatchObject({
      field: 'message',
      rule: 'contains no 4-8 digit code',
      keyword: 'HELP',
      addressee: { phoneNumber: '+15555550100' },
    });
    const noCode = refusal({ runId: 'run-1', message: 'Dial 1234 or 5678' });
    expect(noCode).toBeInstanceOf(NoCodeInMessage);
    expect(noCode).toMatchObject({ field: 'message', keyword: undefined, addressee: { runId: 'run-1' } });
    expect(refusal({ phoneNumber: 'not a phone', message: 'STOP' })).toMatchObject({ keyword: 'STOP', addressee: undefined });
    // Any other refusal is a plain ValidationError: a malformed request.
    expect(refusal({ phoneNumber: '+15555550100', message: '' })).not.toBeInstanceOf(NoCodeInMessage);
    expect(refusal({ phoneNumber: '+15555550100', code: '12' })).not.toBeInstanceOf(NoCodeInMessage);
  });
});
