/**
 * `npm start`: boots the embedded local cloud, provisions a pool with the provisioning state
 * machine, verifies it end to end with the verification state machine (SMS codes delivered by
 * the fake phone through the route --code-source names), prints a verdict, exits 0 (PASS) or 1.
 * The parts live in local/start/: options, reporter (all output), runs, session (the order of
 * the runs), summary (verdict and report), progress, interactive phone, keep-running, lifecycle.
 */
import { startLocalCloud } from './cloud';
import { InteractivePhone } from './start/interactivePhone';
import { keepRunning } from './start/keepRunning';
import { interruptedExit, Lifecycle } from './start/lifecycle';
import { HELP, parseStartOptions, type StartOptions } from './start/options';
import { cloudUpLine, showProgress } from './start/progress';
import { Reporter } from './start/reporter';
import { Runs } from './start/runs';
import { runChecks } from './start/session';
import { jsonReport, passed, printSummary } from './start/summary';
import { countDeliveryEvidence } from './start/deliveryEvents';

// The handlers' SDK clients run in this process, on Node 20: no upgrade nag on stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const life = new Lifecycle();

async function main(argv: string[]): Promise<number> {
  let opts: StartOptions;
  try {
    opts = parseStartOptions(argv);
  } catch (error) {
    new Reporter(false).error(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const reporter = new Reporter(opts.json);
  if (opts.help) {
    reporter.help(HELP);
    return 0;
  }
  const bootMs = performance.now();
  life.watch(reporter);

  reporter.line('Starting the local cloud (moto, cognito-local, Step Functions, End User Messaging, callback API)…');
  const starting = startLocalCloud({
    codeSource: opts.interactive ? 'none' : opts.codeSource,
    smsDelayMs: opts.smsDelay,
    firstSignInWithoutMfa: opts.firstSignInWithoutMfa,
    // The stage as deployed with --param smsPath=eums: its configuration set, topic and recorder exist.
    ...(opts.smsPath === 'eums' && { params: { smsPath: 'eums' } }),
    logLevel: opts.lambdaLogs ? 'INFO' : undefined,
    // What the handlers write is their CloudWatch Logs: on stderr with --lambda-logs, else nowhere, so stdout stays ours.
    lambdaLogs: opts.lambdaLogs ? 'stderr' : 'discard',
  });
  life.onShutdown(async () => (await starting.catch(() => undefined))?.close());
  try {
    const cloud = await starting;
    const runs = new Runs(cloud);
    life.onShutdown(() => runs.close());
    const progress = showProgress(cloud, reporter, runs.labels);
    reporter.line(cloudUpLine(cloud));
    if (opts.interactive) {
      const phone = new InteractivePhone(cloud, reporter, () => runs.stopAll('NoCodeTyped', 'stdin closed before the code was typed'));
      life.onShutdown(() => phone.close());
    }
    const outcome = await runChecks(opts, runs, reporter);
    if (opts.smsPath === 'eums' && outcome.provision?.status === 'SUCCEEDED')
      outcome.delivery = await countDeliveryEvidence(cloud, outcome.verifications);
    const at = { bootMs, firstStateMs: progress.firstStateMs() };
    if (opts.json) reporter.report(jsonReport(opts, outcome, cloud, runs, at));
    else printSummary(reporter, opts, outcome, cloud, at);
    if (opts.keepRunning && !outcome.fatal) {
      const kept = keepRunning(cloud, reporter);
      life.onShutdown(() => kept.stop());
      await life.untilStopped();
      reporter.info('\nStopping the local cloud…');
    }
    return passed(opts, outcome) ? 0 : 1;
  } catch (error) {
    // After a stop signal, a failure is the interruption's doing: the exit code says so.
    if (life.interruptedBy) return 1;
    const e = error as Error;
    reporter.error(`${e.name}: ${e.message}`);
    if (opts.json) reporter.report({ verdict: 'FAIL', error: `${e.name}: ${e.message}` });
    return 1;
  } finally {
    await life.shutdown();
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(life.interruptedBy ? interruptedExit(life.interruptedBy) : code));
