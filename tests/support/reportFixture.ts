import type { RunRecord } from '../../lib/report/model';

/**
 * Sample run records for the report's browser test and its README screenshot: 30 days of three
 * checks, made up (not measured) but shaped like real ones. Deterministic: a seeded generator.
 * - signin on `shop` (us-east-1, the stack's Region: no `region` recorded) every 2 hours;
 * - signin on `shop-eu` (eu-west-1) every 3 hours, with a 6-hour pool incident on day 21;
 * - signup on `shop` every 6 hours.
 * SMS take about 3-6 s, slower on days 17-18; about 1% of codes never come, and half of those
 * checks pass on their confirming re-run.
 */
export function sampleRuns(to: Date, days = 30): RunRecord[] {
  let seed = 19;
  const random = () => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const start = Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), to.getUTCDate()) - days * 86_400_000;
  const runs: RunRecord[] = [];
  const sms = (day: number) => Math.round((2500 + 3000 * random() ** 2) * (day === 17 || day === 18 ? 2.5 : 1));
  let n = 0;
  const check = (kind: 'signin' | 'signup', target: string, region: string | undefined, every: number) => {
    for (let t = start; t < to.getTime(); t += every * 3_600_000) {
      const day = Math.floor((t - start) / 86_400_000);
      const id = `run-${++n}`;
      const where = { kind, targetName: target, ...(region && { region }) };
      const incident = target === 'shop-eu' && day === 21 && (t - start) % 86_400_000 < 6 * 3_600_000;
      const lost = random() < 0.01;
      const throttled = random() < 0.003;
      const steps = (ms: number) =>
        kind === 'signin'
          ? [
              { name: 'StartSignIn', ms: 600 + Math.round(400 * random()) },
              { name: 'AwaitSignInCode', ms },
            ]
          : [
              { name: 'PrepareRun', ms: 200 + Math.round(100 * random()) },
              { name: 'SignUp', ms: 300 + Math.round(200 * random()) },
              { name: 'AwaitSignUpCode', ms },
              { name: 'InitiateAuth', ms: 250 + Math.round(150 * random()) },
              { name: 'AwaitMfaCode', ms: sms(day) },
              { name: 'RespondToAuthChallenge', ms: 400 + Math.round(200 * random()) },
            ];
      const at = (offset: number) => new Date(t + offset).toISOString();
      if (incident) {
        runs.push({ runId: id, ...where, startedAt: at(0), status: 'FAIL', reason: 'NotAuthorizedException', class: 'pool', attempt: 1 });
        runs.push({
          runId: `${id}-2`,
          ...where,
          startedAt: at(60_000),
          status: 'FAIL',
          reason: 'NotAuthorizedException',
          class: 'pool',
          attempt: 2,
          retryOf: id,
        });
      } else if (lost) {
        runs.push({ runId: id, ...where, startedAt: at(0), status: 'FAIL', reason: 'SmsCodeNotReceived', class: 'sms', attempt: 1 });
        const recovered = random() < 0.5;
        runs.push({
          runId: `${id}-2`,
          ...where,
          startedAt: at(200_000),
          attempt: 2,
          retryOf: id,
          ...(recovered ? { status: 'PASS', steps: steps(sms(day)) } : { status: 'FAIL', reason: 'SmsCodeNotReceived', class: 'sms' }),
        });
      } else if (throttled) {
        runs.push({ runId: id, ...where, startedAt: at(0), status: 'FAIL', reason: 'Throttled', class: 'checker' });
      } else {
        runs.push({ runId: id, ...where, startedAt: at(0), status: 'PASS', steps: steps(sms(day)) });
      }
    }
  };
  check('signin', 'shop', undefined, 2);
  check('signin', 'shop-eu', 'eu-west-1', 3);
  check('signup', 'shop', undefined, 6);
  return runs;
}
