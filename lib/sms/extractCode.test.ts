import { extractCode } from './extractCode';

describe('extractCode', () => {
  it.each([
    ['Your verification code is 123456. ', '123456'],
    ['Your authentication code is 0042. ', '0042'],
    ['123456 is your code', '123456'],
    // A phone number or a longer number is not a code.
    ['Code for +15555550100: 987654', '987654'],
    ['Order 2024, your code: 55512345', '55512345'],
    ['Your code is 246810. Valid for 3 minutes, ref 1234', '246810'],
  ])('%j → %s', (message, code) => {
    expect(extractCode(message)).toBe(code);
  });

  it.each([['no digits here'], ['only 123 and 45'], ['a 123456789 long number']])('refuses %j: no code', (message) => {
    expect(() => extractCode(message)).toThrow(expect.objectContaining({ field: 'message', rule: 'contains no 4-8 digit code' }));
  });

  it('refuses a message with several candidates and no "code" word, without repeating them', () => {
    const error = (() => {
      try {
        extractCode('1234 then 5678');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toMatchObject({ name: 'ValidationError', field: 'message' });
    expect(error?.message).not.toMatch(/1234|5678/);
  });
});
