import type { LocalCloud } from '../cloud';
import { median, stepTable, table } from '../report';
import { codeSourceLabel, type StartOptions } from './options';
import type { Reporter } from './reporter';
import type { Runs } from './runs';
import type { Outcome } from './session';

/** Process-relative milestones the report shows (ms since the process started). */
export interface Milestones {
  bootMs: number;
  firstStateMs?: number;
}

export function passed(opts: StartOptions, o: Outcome): boolean {
  return (
    !o.fatal &&
    o.provision?.status === 'SUCCEEDED' &&
    o.verifications.length === opts.runs &&
    o.verifications.every((v) => v.status === 'SUCCEEDED') &&
    o.extra.every((e) => e.status === 'SUCCEEDED')
  );
}

/** The --json document. All times in ms; totalMs, firstStateMs and bootMs count from the start of this process (timeOrigin, epoch ms). */
export function jsonReport(opts: StartOptions, o: Outcome, cloud: LocalCloud, runs: Runs, at: Milestones) {
  const failed = o.verifications.filter((v) => v.status !== 'SUCCEEDED');
  return {
    verdict: passed(opts, o) ? 'PASS' : 'FAIL',
    codeSource: codeSourceLabel(opts),
    smsPath: opts.smsPath,
    // --sms-path eums: End User Messaging events recorded on the runs' records (issue 18).
    ...(o.delivery && {
      deliveryEvents: o.delivery.recorded,
      deliveryEventsPublished: o.delivery.published,
      deliveryEvidence: o.delivery.evidence,
    }),
    ...(o.fatal && { error: `${o.fatal.name}: ${o.fatal.message}` }),
    totalMs: performance.now(),
    bootMs: at.bootMs,
    timeOrigin: performance.timeOrigin,
    stackReadyMs: cloud.timings.ready,
    firstStateMs: at.firstStateMs,
    cloudTimings: cloud.timings,
    runs: opts.runs,
    concurrency: opts.concurrency,
    passed: o.verifications.length - failed.length,
    failed: failed.length + (opts.runs - o.verifications.length),
    verifyWallMs: o.verifyWallMs,
    runsPerSecond: o.verifyWallMs > 0 ? o.verifications.length / (o.verifyWallMs / 1000) : undefined,
    medianVerificationMs: o.verifications.length ? median(o.verifications.map((v) => v.ms)) : undefined,
    lambdaInvocationsTotal: cloud.lambda.invocations.length,
    // Invoked by the code route, not by a state machine, once per code: the inbound-SMS receiver
    // (by SNS), the Custom SMS Sender (by Cognito), the Twilio webhook or POST /codes (by the HTTP API).
    codeRouteInvocations: runs.codeRouteInvocations,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    provision: o.provision,
    verifications: o.verifications,
    ...(o.extra.length && { teardown: o.extra[0] }),
  };
}

/** Step tables, the summary table, what failed and the verdict line, for a person. */
export function printSummary(reporter: Reporter, opts: StartOptions, o: Outcome, cloud: LocalCloud, at: Milestones): void {
  const { provision, verifications, extra } = o;
  const totalMs = performance.now();
  if (provision) {
    reporter.line(
      `\nStep timings — provision (${provision.stateTransitions} state transitions, ${provision.lambdaInvocations} Lambda invocations):`,
    );
    for (const l of stepTable([provision.steps])) reporter.line(l);
  }
  if (verifications.length) {
    const v0 = verifications[0]!;
    const runsText = `${verifications.length} run${verifications.length === 1 ? '' : 's'}`;
    reporter.line(
      `\nStep timings — verification, ${runsText} (${v0.stateTransitions} state transitions, ${v0.lambdaInvocations} Lambda invocations per run):`,
    );
    for (const l of stepTable(verifications.map((v) => v.steps))) reporter.line(l);
  }
  const rows: (string | number)[][] = [
    ['stack up (startLocalCloud)', cloud.timings.ready ?? Number.NaN],
    ['first state (since process start)', at.firstStateMs ?? Number.NaN],
  ];
  if (provision) rows.push(['provision', provision.ms]);
  if (verifications.length) {
    rows.push([`verification (median of ${verifications.length})`, median(verifications.map((v) => v.ms))]);
    rows.push([`all verifications (${opts.concurrency} at a time)`, o.verifyWallMs]);
  }
  for (const e of extra) rows.push([e.machine, e.ms]);
  rows.push(['total (since process start)', totalMs]);
  reporter.line('\nSummary:');
  for (const l of table(['', 'ms'], rows)) reporter.line(l);
  if (o.verifyWallMs > 0 && verifications.length > 1)
    reporter.line(`  ${(verifications.length / (o.verifyWallMs / 1000)).toFixed(1)} runs/s`);

  const failed = verifications.filter((v) => v.status !== 'SUCCEEDED');
  if (o.fatal) reporter.line(`\n✗ ${o.fatal.name}: ${o.fatal.message}`);
  if (provision && provision.status !== 'SUCCEEDED')
    reporter.line(`\n✗ provisioning ${provision.status}: ${provision.error ?? ''}: ${provision.cause ?? ''}`);
  for (const f of [...failed, ...extra.filter((e) => e.status !== 'SUCCEEDED')]) {
    reporter.line(`✗ ${f.name} (${f.phone ?? f.machine}) ${f.status}: ${f.error ?? ''}: ${f.cause ?? ''}`);
  }
  reporter.line(`\nCodes came back by: ${opts.interactive ? 'interactive (typed, signed callback)' : opts.codeSource}.`);
  if (o.delivery)
    reporter.line(
      `SMS sent through End User Messaging: ${o.delivery.recorded} delivery events recorded on the runs (${o.delivery.published} published).`,
    );
  const skippedMfa = verifications.filter(
    (v) => (v.output as { firstSignIn?: string } | undefined)?.firstSignIn === 'tokens-without-mfa',
  ).length;
  if (skippedMfa) {
    reporter.line(
      `First sign-in returned tokens without MFA in ${skippedMfa}/${verifications.length} runs (a new user's, as Cognito documents); the second sign-in was challenged with SMS_MFA.`,
    );
  }
  const verdict = passed(opts, o) ? 'PASS' : 'FAIL';
  const provisioned = provision?.status === 'SUCCEEDED' ? 'provisioned' : 'provisioning failed';
  reporter.line(
    `\n${verdict}: ${provisioned}, ${verifications.length - failed.length}/${opts.runs} verification runs passed in ${Math.round(totalMs)} ms (first state after ${Math.round(at.firstStateMs ?? 0)} ms).`,
  );
  // --keep-running goes on to print the endpoints to use, which are its next step.
  if (!opts.keepRunning) for (const l of NEXT_STEPS) reporter.line(l);
}

/** What a newcomer does after a first PASS, each with the README section that tells more. */
export const NEXT_STEPS = [
  '\nNext:',
  '  npm start -- --keep-running   walk through it by hand: the cloud stays up for the AWS CLI and `npm run cli -- --local`',
  '                                (README "Walkthrough by hand with the AWS CLI")',
  '  npm run cli -- target add --stage <stage> --name <name> --user-pool-id <pool id> --client-id <client id>',
  '                                check a pool you already have, read-only, from a deployed stage (README "Check a pool you already have")',
  '  npx sls deploy --stage <stage> --region <region>',
  '                                deploy to your AWS account, scheduled checks off until you turn them on (README "Deploy")',
];
