import { parseSubmission } from './submission';

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
});
