import { SmsInbox, inboxLine } from '../../local/fakePhone/inbox';
import { startInboxServer, type InboxServer } from '../../local/fakePhone/inboxServer';

/** The fake phone's inbox and its HTTP endpoint (a real server on loopback, real fetch). */
let inbox: SmsInbox;
let server: InboxServer;
const runs = new Map<string, string>([['+15555550100', 'verify-1-abcd']]);
beforeEach(async () => {
  inbox = new SmsInbox((phone) => runs.get(phone));
  server = await startInboxServer(inbox);
});
afterEach(() => server.close());

const get = async (query: string) => {
  const res = await fetch(`${server.url}/sms${query}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & unknown[] };
};

describe('SmsInbox', () => {
  it('keeps each SMS with its code, time and waiting run, and tells its listeners', () => {
    const heard: string[] = [];
    inbox.onSms((sms) => heard.push(inboxLine(sms)));
    inbox.receive({
      phoneNumber: '+15555550100',
      message: 'Your verification code is 123456. ',
      at: Date.UTC(2026, 0, 2, 3, 4, 5),
      via: 'cognito',
    });
    inbox.receive({ phoneNumber: '+15555550199', message: 'STOP', via: 'end-user-messaging' });
    expect(inbox.list()).toEqual([
      {
        phoneNumber: '+15555550100',
        message: 'Your verification code is 123456. ',
        code: '123456',
        receivedAt: '2026-01-02T03:04:05.000Z',
        runId: 'verify-1-abcd',
        via: 'cognito',
      },
      { phoneNumber: '+15555550199', message: 'STOP', receivedAt: expect.any(String), via: 'end-user-messaging' },
    ]);
    // Printed lines mask the phone.
    expect(heard).toEqual([
      '03:04:05  +*******0100  code 123456  run verify-1-abcd',
      expect.stringMatching(/\+\*{7}0199 {2}code \(none\)$/),
    ]);
  });

  it('keeps the newest 1000', () => {
    for (let i = 0; i < 1005; i++) inbox.receive({ phoneNumber: '+15555550100', message: `code ${100000 + i}`, via: 'cognito' });
    expect(inbox.list()).toHaveLength(1000);
    expect(inbox.list()[0]!.code).toBe('100005');
    expect(inbox.last()!.code).toBe('101004');
  });
});

describe('GET /sms', () => {
  beforeEach(() => {
    inbox.receive({ phoneNumber: '+15555550100', message: 'Your verification code is 111111. ', via: 'cognito' });
    inbox.receive({ phoneNumber: '+15555550123', message: 'Your verification code is 222222. ', via: 'cognito' });
    inbox.receive({ phoneNumber: '+15555550123', message: 'Your authentication code is 333333. ', via: 'cognito' });
  });

  it("lists every SMS, or one phone's, oldest first", async () => {
    expect((await get('')).body.map((m) => (m as { code: string }).code)).toEqual(['111111', '222222', '333333']);
    const mine = await get('?phone=%2B15555550123');
    expect(mine.status).toBe(200);
    expect(mine.body.map((m) => (m as { code: string }).code)).toEqual(['222222', '333333']);
  });

  it('answers the newest as one object with last=1, and a + left unencoded still names the phone', async () => {
    const last = await get('?phone=+15555550123&last=1');
    expect(last).toEqual({
      status: 200,
      body: expect.objectContaining({ phoneNumber: '+15555550123', code: '333333', message: 'Your authentication code is 333333. ' }),
    });
  });

  it('404 while a phone has no SMS; 400 naming the field for a bad phone or an unknown parameter; 405 for POST', async () => {
    const none = await get('?phone=%2B15555550177&last=1');
    expect(none.status).toBe(404);
    expect(JSON.stringify(none.body)).not.toContain('15555550177');
    expect(await get('?phone=12345')).toMatchObject({ status: 400, body: { error: { code: 'ValidationError', field: 'phone' } } });
    expect(await get('?last=yes')).toMatchObject({ status: 400, body: { error: { field: 'last' } } });
    expect(await get('?code=1')).toMatchObject({ status: 400, body: { error: { field: 'code' } } });
    expect((await fetch(`${server.url}/sms`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${server.url}/other`)).status).toBe(404);
  });
});
