import type { FaultRule } from '../../local/cognito';
import { applyFault, defaultTimetable, FAULT_KINDS } from './faults';

function recorder() {
  const rules: FaultRule[] = [];
  let removed = 0;
  const cognito = {
    injectFault: (rule: FaultRule) => (rules.push(rule), { rule, fired: 0, remaining: Infinity, remove: () => void removed++ }),
  };
  let outage = false;
  return {
    rules,
    removed: () => removed,
    outage: () => outage,
    target: { cognito, userPoolId: 'p', clientId: 'c', setCarrierOutage: (on: boolean) => void (outage = on) },
  };
}

describe('simulation faults', () => {
  // Amazon Cognito API Reference, InitiateAuth, Errors: "InvalidSmsRoleAccessPolicyException: This exception is returned
  // when the role provided for SMS configuration doesn't have permission to publish using Amazon SNS." HTTP 400.
  it('sms-role-policy-detached: the SMS-sending calls answer InvalidSmsRoleAccessPolicyException until undone', async () => {
    const r = recorder();
    const undo = await applyFault('sms-role-policy-detached', r.target);
    expect(r.rules.map((x) => x.operation)).toEqual(expect.arrayContaining(['InitiateAuth', 'SignUp', 'RespondToAuthChallenge']));
    expect(new Set(r.rules.map((x) => x.error))).toEqual(new Set(['InvalidSmsRoleAccessPolicyException']));
    expect(r.rules.every((x) => x.times === Infinity)).toBe(true);
    await undo();
    expect(r.removed()).toBe(r.rules.length);
  });

  // Amazon Cognito API Reference, every operation's Errors: "TooManyRequestsException: This exception is thrown when the
  // user has made too many requests for a given operation." HTTP 400.
  it('cognito-throttling: every call a check makes answers TooManyRequestsException', async () => {
    const r = recorder();
    await applyFault('cognito-throttling', r.target);
    expect(r.rules.map((x) => x.operation)).toEqual(expect.arrayContaining(['InitiateAuth', 'AdminGetUser', 'ConfirmSignUp']));
    expect(new Set(r.rules.map((x) => x.error))).toEqual(new Set(['TooManyRequestsException']));
  });

  it('carrier-outage: the SMS model loses every SMS for the window', async () => {
    const r = recorder();
    const undo = await applyFault('carrier-outage', r.target);
    expect(r.outage()).toBe(true);
    await undo();
    expect(r.outage()).toBe(false);
  });

  it('spreads the five kinds over the run, after a quiet first share, off the 5-minute grid', () => {
    const start = Date.UTC(2026, 0, 1);
    const t = defaultTimetable(start, 2 * 86_400_000);
    expect(t.map((f) => f.kind)).toEqual([...FAULT_KINDS]);
    expect(t[0].start - start).toBeGreaterThanOrEqual(8 * 3_600_000);
    for (const f of t) expect((f.start - start) % 300_000).toBe(150_000);
    for (let i = 1; i < t.length; i++) expect(t[i].start).toBeGreaterThan(t[i - 1].end);
  });
});
