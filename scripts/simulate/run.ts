/**
 * One simulation: the local cloud in this process, a pool provisioned by the provision state
 * machine, then the stage's checks (checks.yml) started as EventBridge Scheduler would start them,
 * under the virtual clock (./virtualClock.ts), with the SMS model and the fault timetable. Each
 * finished verify execution becomes its AWS/States datapoints (and CheckerFailures from its EMF
 * line), which the stack's alarms (packaged template) turn into pages.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { parse } from 'yaml';
import type { LocalCloud } from '../../local/cloud';
import { publishInboundSms } from '../../local/fakePhone/inboundSms';
import { redact } from '../../local/report';
import type { Sample as Datapoint } from './alarms';
import { applyFault, type FaultKind, type ScheduledFault } from './faults';
import { setLongTimeout } from './longTimeout';
import { seededRandom, smsModel, type SmsModelOptions } from './smsModel';
import { installVirtualClock, type VirtualClock } from './virtualClock';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- plugins/checks.js is CommonJS, loaded by the Serverless Framework as it is
const { readChecks, rateMinutes } = require('../../plugins/checks.js') as {
  readChecks(a: { doc: unknown; stage: string; params: Record<string, string> }): {
    checks: { name: string; kind: string; schedule: string; retries: number; state?: string }[];
    errors: string[];
  };
  rateMinutes(schedule: string): number | undefined;
};

export interface SimulationOptions {
  root: string;
  stage: string;
  days: number;
  seed: number;
  sms: SmsModelOptions;
  /** The timetable, or how to make it from the simulation's start and length (awaited before the clock starts). */
  faults: ScheduledFault[] | ((start: number, durationMs: number) => ScheduledFault[] | Promise<ScheduledFault[]>);
  log: (line: string) => void;
}

export interface FinishedExecution {
  check: string;
  kind: string;
  name: string;
  status: string;
  error?: string;
  /** The failure's cause, masked (local/report.ts redact) and cut to 300 characters. */
  cause?: string;
  start: number;
  end: number;
}

export interface FaultWindow extends ScheduledFault {
  applyError?: string;
  restoreError?: string;
}

export interface SimulationResult {
  start: number;
  end: number;
  executions: FinishedExecution[];
  /** Executions still running when the simulation ended (their checks not counted as run). */
  unfinished: number;
  datapoints: Datapoint[];
  faults: FaultWindow[];
  sms: { sent: number; lost: number; delivered: number };
  lambda: { functionName: string; ms: number }[];
  stateMachineArn: string;
  checks: { name: string; kind: string; everyMinutes: number; retries: number }[];
  clock: { idleWaitMs: number; jumps: number };
}

/** The stage's checks as checks.yml lists them, each with its rate in minutes. */
export function stageChecks(root: string, stage: string) {
  const doc = parse(readFileSync(join(root, 'checks.yml'), 'utf8')) as unknown;
  const { checks, errors } = readChecks({ doc, stage, params: { checkScheduleState: 'ENABLED', checkTarget: 'simulated' } });
  if (errors.length) throw new Error(`checks.yml: ${errors.join('; ')}`);
  return checks.map((c) => {
    const everyMinutes = rateMinutes(c.schedule);
    // cron(...) schedules would need a cron evaluator; the stage's default checks are rates.
    if (everyMinutes === undefined) throw new Error(`checks.yml ${c.name}: only rate(...) schedules are simulated, got ${c.schedule}`);
    return { name: c.name, kind: c.kind, everyMinutes, retries: c.retries };
  });
}

export async function simulate(
  cloud: LocalCloud,
  opts: SimulationOptions,
  emf: { CheckerFailures: number[]; FailedChecks: number[] },
): Promise<SimulationResult> {
  const checks = stageChecks(opts.root, opts.stage);
  const sfn = new SFNClient({});
  const stateMachineArn = cloud.stateMachineArn('verify');

  opts.log('provisioning the pool (provision state machine, real time)…');
  const provisionName = `simulate-provision-${Date.now()}`;
  await sfn.send(new StartExecutionCommand({ stateMachineArn: cloud.stateMachineArn('provision'), input: '{}', name: provisionName }));
  const provisioned = await cloud.engine.waitForExecution(
    `${cloud.stateMachineArn('provision').replace(':stateMachine:', ':execution:')}:${provisionName}`,
  );
  if (provisioned.status !== 'SUCCEEDED') throw new Error(`provisioning failed: ${provisioned.error}: ${provisioned.cause}`);
  const target = JSON.parse(provisioned.output!) as { targetName: string; userPoolId: string; clientId: string };
  opts.log(`provisioned ${target.targetName}; checks: ${checks.map((c) => `${c.name} every ${c.everyMinutes} min`).join(', ')}`);

  // SMS: the model's delay, then the fake phone's two-way route (End User Messaging → SNS → the receiver).
  const random = seededRandom(opts.seed);
  const delayOf = smsModel(opts.sms, random);
  let carrierOutage = false;
  const sms = { sent: 0, lost: 0, delivered: 0 };
  const known = (phone: string) => cloud.smsVoice.numbers.some((n) => n.PhoneNumber === phone);
  const topicArn = (phone: string) => (known(phone) ? cloud.smsVoice.twoWayChannelOf(phone) : cloud.refs.InboundSmsTopic);

  const start = Date.now();
  const end = start + opts.days * 86_400_000;
  const faults: FaultWindow[] = typeof opts.faults === 'function' ? await opts.faults(start, end - start) : opts.faults;
  const vc: VirtualClock = installVirtualClock(start);
  const executions: FinishedExecution[] = [];
  const running = new Set<Promise<void>>();
  const lambdaFrom = cloud.lambda.invocations.length;
  const originalInvoke = cloud.lambda.invoke;
  // Every Lambda invocation is real work: the clock pauses for it (its own 30 s timeout is virtual).
  cloud.lambda.invoke = (...args) => vc.running(originalInvoke(...args));
  const stopSms = cloud.onSms((message) => {
    sms.sent++;
    const delay = carrierOutage ? undefined : delayOf();
    if (process.env.SIMULATE_DEBUG)
      opts.log(`${new Date(vc.now()).toISOString()} sms ${message.kind} ${delay === undefined ? 'LOST' : `in ${Math.round(delay)} ms`}`);
    if (delay === undefined) {
      sms.lost++;
      return;
    }
    setTimeout(() => {
      sms.delivered++;
      void vc.track(
        publishInboundSms({ topicArn, originationNumber: '+18005550199' }, { phoneNumber: message.phoneNumber, message: message.message }),
      );
    }, delay);
  });

  try {
    let seq = 0;
    const fire = (check: (typeof checks)[number]) => {
      const name = `sim-${check.name}-${++seq}`;
      const input = JSON.stringify({ kind: check.kind, target: target.targetName, retries: check.retries });
      const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
      const startedAt = vc.now();
      const run = (async () => {
        try {
          await vc.track(sfn.send(new StartExecutionCommand({ stateMachineArn, input, name })));
        } catch (error) {
          opts.log(`schedule ${check.name}: StartExecution failed: ${(error as Error).name}`);
          return;
        }
        const d = await cloud.engine.waitForExecution(executionArn);
        if (process.env.SIMULATE_DEBUG && d.status !== 'SUCCEEDED') {
          const states = cloud.engine
            .getExecutionHistory({ executionArn, maxResults: 1000 })
            .events.filter((ev) => ev.type.endsWith('StateEntered'))
            .map((ev) => (ev as { stateEnteredEventDetails?: { name?: string } }).stateEnteredEventDetails?.name);
          opts.log(`${name} ${d.status} ${d.error}: ${states.join(' → ')}`);
        }
        executions.push({
          check: check.name,
          kind: check.kind,
          name,
          status: String(d.status),
          error: d.error,
          ...(d.cause && { cause: String(redact(d.cause)).slice(0, 300) }),
          start: startedAt,
          end: vc.now(),
        });
      })();
      running.add(run);
      void run.finally(() => running.delete(run));
    };
    // EventBridge Scheduler: a rate schedule fires at its start and once every period after.
    for (const check of checks) {
      const every = check.everyMinutes * 60_000;
      fire(check);
      setInterval(() => fire(check), every);
    }
    for (const f of faults) {
      let undo: (() => Promise<void>) | undefined;
      const faultTarget = {
        cognito: cloud.cognito,
        userPoolId: target.userPoolId,
        clientId: target.clientId,
        setCarrierOutage: (on: boolean) => (carrierOutage = on),
      };
      setLongTimeout(() => {
        opts.log(`${new Date(vc.now()).toISOString()} fault ${f.kind} starts`);
        void vc.track(
          applyFault(f.kind as FaultKind, faultTarget).then(
            (u) => (undo = u),
            (e: Error) => (f.applyError = `${e.name}: ${e.message}`),
          ),
        );
      }, f.start - start);
      setLongTimeout(() => {
        opts.log(`${new Date(vc.now()).toISOString()} fault ${f.kind} ends`);
        if (undo) void vc.track(undo().catch((e: Error) => (f.restoreError = `${e.name}: ${e.message}`)));
      }, f.end - start);
    }
    let lastDay = 0;
    await vc.runUntil(end, () => {
      const day = Math.floor((vc.now() - start) / 3_600_000);
      if (day !== lastDay) {
        lastDay = day;
        opts.log(`simulated ${day} h: ${executions.length} checks finished`);
      }
      return false;
    });
  } finally {
    stopSms();
    cloud.lambda.invoke = originalInvoke;
  }
  const unfinished = running.size;
  const clock = vc.stats();
  // Stop the clock's timers (schedules, waits) for good: the cloud closes next.
  vc.clock.reset();
  vc.uninstall();
  sfn.destroy();

  const datapoints: Datapoint[] = [];
  const dims = { StateMachineArn: stateMachineArn };
  const METRIC: Record<string, string> = {
    SUCCEEDED: 'ExecutionsSucceeded',
    FAILED: 'ExecutionsFailed',
    TIMED_OUT: 'ExecutionsTimedOut',
    ABORTED: 'ExecutionsAborted',
  };
  for (const e of executions) {
    if (METRIC[e.status]) datapoints.push({ namespace: 'AWS/States', metricName: METRIC[e.status], dimensions: dims, at: e.end, value: 1 });
    datapoints.push({ namespace: 'AWS/States', metricName: 'ExecutionTime', dimensions: dims, at: e.end, value: e.end - e.start });
  }
  for (const [metricName, times] of Object.entries(emf))
    for (const at of times)
      datapoints.push({
        namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? '',
        metricName,
        dimensions: { service: cloud.config.service },
        at,
        value: 1,
      });

  return {
    start,
    end,
    executions,
    unfinished,
    datapoints,
    faults,
    sms,
    lambda: cloud.lambda.invocations.slice(lambdaFrom).map((i) => ({ functionName: i.functionName, ms: i.ms })),
    stateMachineArn,
    checks,
    clock,
  };
}
