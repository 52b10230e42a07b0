import { ScenarioCloud } from './harness';

/**
 * The optional code routes cost money every month (the Custom SMS Sender's KMS key USD 1, the
 * Twilio auth-token secret USD 0.40), so a stage has them only when deployed with their param
 * (customSmsSender, twilioWebhook; default 'false'). On a stage without them, as deployed with the
 * default params: the resources do not exist, and whoever asks for the route is told which param
 * to set, by name, never with a crash.
 */
let s: ScenarioCloud;
beforeAll(async () => {
  s = await ScenarioCloud.start();
}, 60_000);
afterAll(() => s?.close());

describe('a stage deployed with the default params (no Custom SMS Sender, no Twilio route)', () => {
  it('has neither the KMS key nor the Twilio secret', () => {
    expect(Object.keys(s.cloud.refs)).not.toContain('CustomSmsSenderKey');
    expect(Object.keys(s.cloud.refs)).not.toContain('TwilioAuthTokenSecret');
    expect(Object.keys(s.cloud.secrets)).toEqual(['CallbackSigningSecret']);
  });

  it('refuses to provision {"smsSender":"custom-sender"} in its first state, naming the param, and creates nothing', async () => {
    const run = await s.run('provision', { userPoolName: 'SenderlessPool', smsSender: 'custom-sender' });
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('CustomSmsSenderNotConfigured');
    expect(JSON.parse(run.cause!).errorMessage).toContain('--param="customSmsSender=true"');
    const history = await s.history(run.executionArn!);
    const entered = history.filter((e) => e.stateEnteredEventDetails).map((e) => e.stateEnteredEventDetails!.name);
    expect(entered).not.toContain('EnsureUserPool');
  });

  it('answers POST /sms/twilio with 404 TwilioRouteNotConfigured naming the param', async () => {
    const res = await fetch(`${s.cloud.urls.api}/sms/twilio`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'To=%2B15555550100&Body=123456&MessageSid=SM0123456789abcdef0123456789abcdef',
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'TwilioRouteNotConfigured', param: 'twilioWebhook', message: expect.stringContaining('--param="twilioWebhook=true"') },
    });
  });
});
