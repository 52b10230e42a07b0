import type { Reporter } from './reporter';
import type { StartOptions } from './options';
import type { RunReport, Runs } from './runs';
import type { DeliveryEvidenceCount } from './deliveryEvents';

/** What the runs came to, for the verdict and the report. */
export interface Outcome {
  provision?: RunReport;
  verifications: RunReport[];
  /** The teardown run, with --teardown. */
  extra: RunReport[];
  verifyWallMs: number;
  /** What broke the session itself (not a failed run). */
  fatal?: Error;
  /** --sms-path eums: the End User Messaging events recorded on the verification runs' records. */
  delivery?: DeliveryEvidenceCount;
}

/** +15555550100 with offset 2 → +15555550102: each concurrent run gets its own phone. */
export function phoneWithOffset(phone: string, offset: number): string {
  const digits = phone.slice(1);
  const last = (Number(digits.slice(-4)) + offset) % 10000;
  return `+${digits.slice(0, -4)}${String(last).padStart(4, '0')}`;
}

/** Provisions, then verifies `runs` times over `concurrency` phones, then (--teardown) tears down. */
export async function runChecks(opts: StartOptions, runs: Runs, reporter: Reporter): Promise<Outcome> {
  const outcome: Outcome = { verifications: [], extra: [], verifyWallMs: 0 };
  try {
    reporter.line('\n▶ provision');
    // The carrier-free route is a property of the pool: provisioning sets its Custom SMS Sender.
    const provisionInput = {
      ...(opts.codeSource === 'custom-sender' && { smsSender: 'custom-sender' }),
      ...(opts.smsPath === 'eums' && { smsPath: 'eums' }),
    };
    outcome.provision = await runs.run('provision', provisionInput, 'provision');
    if (outcome.provision.status !== 'SUCCEEDED') return outcome;
    const target = (outcome.provision.output as { targetName: string }).targetName;
    reporter.line(`\n▶ verify ×${opts.runs} (concurrency ${opts.concurrency})`);
    const phones = Array.from({ length: opts.concurrency }, (_, i) => phoneWithOffset(opts.phone, i));
    let next = 0;
    const verifyStarted = performance.now();
    await Promise.all(
      phones.map(async (phoneNumber) => {
        while (next < opts.runs && !runs.stopReason) {
          const n = ++next;
          const input = {
            target,
            phoneNumber,
            codeRoute: opts.interactive ? 'callback' : opts.codeSource,
            ...(opts.kind && { kind: opts.kind }),
            ...(opts.retries !== undefined && { retries: opts.retries }),
          };
          outcome.verifications.push(await runs.run('verify', input, `verify#${n}`, phoneNumber));
        }
      }),
    );
    outcome.verifyWallMs = performance.now() - verifyStarted;
    if (opts.teardown && !runs.stopReason) {
      reporter.line('\n▶ teardown');
      outcome.extra.push(await runs.run('teardown', {}, 'teardown'));
    }
  } catch (error) {
    outcome.fatal = error as Error;
  }
  return outcome;
}
