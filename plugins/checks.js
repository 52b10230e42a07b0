'use strict';
/**
 * The stage's scheduled checks, from checks.yml at the project root: one EventBridge Scheduler
 * schedule per check, each starting the verify state machine with that check's input. Plain
 * JavaScript so that the Serverless Framework loads it as a local plugin without a build step.
 *
 * checks.yml holds a `default` list and, under `stages.<stage>`, lists that replace it for one
 * stage. Each check: `name` (unique), `kind` (signin | signup), `schedule` (rate(...) or cron(...)),
 * and optionally `target` (default: param checkTarget) or `userPoolId` + `clientId` (a pool and app
 * client named directly, as `cogcheck verify --user-pool-id --client-id` names them), `authFlow`
 * (password | srp | user-auth | sms-otp; default: the target's, else the app client's, never sms-otp), `phone` (default: param checkPhoneNumber,
 * and without one the stage's inbound-SMS number), `codeRoute` (inbound-sms | twilio |
 * custom-sender; default inbound-sms: what brings the codes back, for the SMS guardrails),
 * `state` (ENABLED | DISABLED; default: param checkScheduleState), `slo` (the percent of checks
 * that should pass, 0 < slo < 100, default 99.5: `cogcheck report` spends the error budget against it)
 * and `retries` (0..2, default 2: immediate re-runs that confirm a failure before it counts,
 * lib/verify/attempts.ts).
 *
 * The list is validated before anything is packaged (`before:package:initialize`), every problem
 * named at once; plugins/checkPhone.js and plugins/smsBudget.js read the same list.
 */
const { existsSync, readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { stageParams } = require('./params');

const CHECKS_FILE = 'checks.yml';
/** SMS a passing run sends, by kind: MFA only, or the sign-up code and MFA (lib/verify/kind.ts). */
const SMS_PER_RUN = { signin: 1, signup: 2 };
const KINDS = Object.keys(SMS_PER_RUN);
/** How codes come back (README "How codes come back"); a person answering (callback) cannot keep a schedule. */
const CODE_ROUTES = ['inbound-sms', 'twilio', 'custom-sender'];
const STATES = ['ENABLED', 'DISABLED'];
/**
 * Routes whose resources exist only on stages deployed with their param (resources/codeRoutes.yml
 * Conditions): a check on such a route without it could never get a code back.
 */
const ROUTE_PARAMS = {
  'custom-sender': { param: 'customSmsSender', needs: 'the Custom SMS Sender (its KMS key, USD 1 a month)' },
  twilio: { param: 'twilioWebhook', needs: 'the Twilio route (its auth-token secret, USD 0.40 a month)' },
};
const FIELDS = [
  'name',
  'kind',
  'schedule',
  'target',
  'userPoolId',
  'clientId',
  'authFlow',
  'phone',
  'codeRoute',
  'state',
  'slo',
  'retries',
];
/** lib/verify/attempts.ts RETRY_LIMITS and SCHEDULED_DEFAULT_RETRIES: a failed scheduled check is confirmed twice before it counts (README "When it pages": the tuning). */
const MAX_RETRIES = 2;
const DEFAULT_RETRIES = 2;
/** lib/cognito/region.ts: a pool id is its Region, `_`, and letters and digits. */
const USER_POOL_ID = /^[a-z]{2}(?:-[a-z]+)+-\d+_[0-9a-zA-Z]+$/;
/** lib/cognito/region.ts regionOfUserPool: the Region a pool id names, or undefined for any other shape. */
const regionOfPoolId = (userPoolId) => (USER_POOL_ID.test(String(userPoolId)) ? String(userPoolId).split('_')[0] : undefined);
/** lib/cognito/ids.ts CLIENT_ID. */
const CLIENT_ID = /^[\w+]{1,128}$/;
/** lib/verify/authFlow.ts AUTH_FLOWS. */
const AUTH_FLOWS = ['password', 'srp', 'user-auth', 'sms-otp'];
const NAME = /^[a-z][a-z0-9-]{0,39}$/;
/** lib/names.ts TARGET_NAME. */
const TARGET = /^[A-Za-z0-9_.-]{1,128}$/;
/** E.164 (lib/phone.ts). */
const E164 = /^\+[1-9]\d{6,14}$/;
/**
 * EventBridge Scheduler's recurring expressions: rate(value unit), the unit singular for 1 and
 * plural otherwise, or cron() with its six fields. A one-time at() would check once and stop.
 */
const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/;

const MINUTES_PER_UNIT = { minute: 1, minutes: 1, hour: 60, hours: 60, day: 1440, days: 1440 };

/** Minutes between runs of a `rate(...)` schedule; undefined for cron(), whose gaps vary. */
function rateMinutes(schedule) {
  const rate = RATE.exec(String(schedule).trim());
  return rate ? Number(rate[1]) * MINUTES_PER_UNIT[rate[2]] : undefined;
}

function scheduleProblem(schedule) {
  if (typeof schedule !== 'string') return 'schedule is required: rate(<n> minutes|hours|days) or cron(<6 fields>)';
  const rate = RATE.exec(schedule);
  if (rate) {
    const n = Number(rate[1]);
    if (n < 1) return `schedule "${schedule}": the rate must be at least 1`;
    if ((n === 1) !== !rate[2].endsWith('s'))
      return `schedule "${schedule}": use the singular unit for 1 and the plural otherwise (rate(1 hour), rate(6 hours))`;
    return undefined;
  }
  if (CRON.test(schedule)) return undefined;
  return `schedule "${schedule}" is not an EventBridge Scheduler recurring expression: rate(<n> minutes|hours|days) or cron(<6 fields>)`;
}

/** PascalCase logical-id suffix of a check name: signin → Signin, sign-up-eu → SignUpEu. */
const idOf = (name) =>
  name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/**
 * The stage's checks, validated and with their defaults filled in from the stage parameters.
 * @param {{ doc: any, stage: string, params: Record<string, unknown> }} p
 * @returns {{ checks: Array<{ name: string, logicalId: string, kind: 'signin'|'signup', schedule: string, target?: string,
 *   userPoolId?: string, clientId?: string, authFlow?: string,
 *   phone: string, codeRoute: string, state: 'ENABLED'|'DISABLED', slo?: number, enabled: boolean, smsPerRun: number, retries: number }>, errors: string[], source: string }}
 */
function readChecks({ doc, stage, params }) {
  const errors = [];
  const stages = doc && typeof doc === 'object' ? doc.stages : undefined;
  const staged = stages && typeof stages === 'object' && Object.prototype.hasOwnProperty.call(stages, stage);
  const source = staged ? `stages.${stage}` : 'default';
  const list = doc && typeof doc === 'object' ? (staged ? stages[stage] : doc.default) : undefined;
  if (!Array.isArray(list)) return { checks: [], errors: [`${CHECKS_FILE}: ${source} must be a list of checks`], source };
  const checks = [];
  const seen = new Map();
  list.forEach((raw, index) => {
    const at = `${CHECKS_FILE} ${source}[${index}]${raw && typeof raw.name === 'string' ? ` (${raw.name})` : ''}`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      errors.push(`${at}: must be a mapping with name, kind and schedule`);
      return;
    }
    const problems = [];
    for (const key of Object.keys(raw))
      if (!FIELDS.includes(key)) problems.push(`${key} is not a known field (expected ${FIELDS.join(', ')})`);
    if (typeof raw.name !== 'string' || !NAME.test(raw.name))
      problems.push('name must be 1-40 lower-case letters, digits and -, starting with a letter');
    else if (seen.has(idOf(raw.name))) problems.push(`duplicate name: ${seen.get(idOf(raw.name))} has the same name`);
    else seen.set(idOf(raw.name), `${source}[${index}]`);
    if (!KINDS.includes(raw.kind)) problems.push(`kind must be one of ${KINDS.join(', ')}, got ${JSON.stringify(raw.kind)}`);
    const schedule = scheduleProblem(raw.schedule);
    if (schedule) problems.push(schedule);
    const byIds = raw.userPoolId !== undefined || raw.clientId !== undefined;
    const target = byIds ? undefined : (raw.target ?? params.checkTarget);
    if (byIds) {
      if (raw.target !== undefined) problems.push('give either target or userPoolId + clientId, not both');
      if (typeof raw.userPoolId !== 'string' || !USER_POOL_ID.test(raw.userPoolId))
        problems.push(`userPoolId ${JSON.stringify(raw.userPoolId)} must be a user pool id (<region>_<id>, e.g. eu-west-1_AbC123)`);
      if (typeof raw.clientId !== 'string' || !CLIENT_ID.test(raw.clientId))
        problems.push(`clientId ${JSON.stringify(raw.clientId)} must be an app client id (letters and digits)`);
    } else if (typeof target !== 'string' || !TARGET.test(target))
      problems.push(`target ${JSON.stringify(target)} must be a target name (letters, digits and _.-)`);
    if (raw.authFlow !== undefined && !AUTH_FLOWS.includes(raw.authFlow))
      problems.push(`authFlow must be one of ${AUTH_FLOWS.join(', ')}, got ${JSON.stringify(raw.authFlow)}`);
    if (typeof raw.phone === 'number') {
      // YAML reads an unquoted +12065550142 as the number 12065550142: the '+' is gone before we see it.
      const quoted = Number.isSafeInteger(raw.phone) && raw.phone > 0 ? `'+${raw.phone}'` : "'+<country code and number>'";
      problems.push(`phone is a number, not text (YAML reads an unquoted +<digits> as a number): quote it: phone: ${quoted}`);
    } else if (raw.phone !== undefined && (typeof raw.phone !== 'string' || !E164.test(raw.phone))) {
      problems.push('phone must be an E.164 number: "+", the country code and the number, 8 to 16 characters');
    }
    const codeRoute = raw.codeRoute ?? 'inbound-sms';
    if (!CODE_ROUTES.includes(codeRoute))
      problems.push(`codeRoute must be one of ${CODE_ROUTES.join(', ')}, got ${JSON.stringify(codeRoute)}`);
    else if (ROUTE_PARAMS[codeRoute] && String(params[ROUTE_PARAMS[codeRoute].param]) !== 'true') {
      const { param, needs } = ROUTE_PARAMS[codeRoute];
      problems.push(
        `codeRoute ${codeRoute} needs ${needs} on this stage: deploy with --param="${param}=true" (or set it under params), or use another codeRoute`,
      );
    }
    const retries = raw.retries ?? DEFAULT_RETRIES;
    if (!Number.isInteger(retries) || retries < 0 || retries > MAX_RETRIES)
      problems.push(`retries must be a whole number from 0 to ${MAX_RETRIES}, got ${JSON.stringify(raw.retries)}`);
    const state = raw.state ?? params.checkScheduleState ?? 'DISABLED';
    if (!STATES.includes(state)) problems.push(`state must be ENABLED or DISABLED, got ${JSON.stringify(state)}`);
    // The objective `cogcheck report` holds the check to (lib/report/objectives.ts; default 99.5).
    if (raw.slo !== undefined && !(typeof raw.slo === 'number' && raw.slo > 0 && raw.slo < 100))
      problems.push(`slo must be a number of percent above 0 and below 100 (e.g. 99.5), got ${JSON.stringify(raw.slo)}`);
    if (problems.length) {
      errors.push(...problems.map((problem) => `${at}: ${problem}`));
      return;
    }
    checks.push({
      name: raw.name,
      logicalId: `CheckSchedule${idOf(raw.name)}`,
      kind: raw.kind,
      schedule: raw.schedule,
      ...(byIds ? { userPoolId: raw.userPoolId, clientId: raw.clientId } : { target }),
      ...(raw.authFlow !== undefined && { authFlow: raw.authFlow }),
      phone: String(raw.phone ?? params.checkPhoneNumber ?? '').trim(),
      codeRoute,
      state,
      ...(raw.slo !== undefined && { slo: raw.slo }),
      enabled: state === 'ENABLED',
      smsPerRun: codeRoute === 'custom-sender' ? 0 : SMS_PER_RUN[raw.kind],
      retries,
    });
  });
  return { checks, errors, source };
}

/** The verify execution input a check's schedule sends. Without a phone the run takes the stage's inbound-SMS number. */
const checkInput = (check) =>
  JSON.stringify({
    kind: check.kind,
    ...(check.userPoolId ? { userPoolId: check.userPoolId, clientId: check.clientId } : { target: check.target }),
    ...(check.authFlow && { authFlow: check.authFlow }),
    ...(check.phone && { phoneNumber: check.phone }),
    // Always sent: a run started without it gets none (a person's one-off run), a schedule its check's.
    retries: check.retries,
    // The route its codes come back by, named in a failure's cause; without a phone the run takes
    // the inbound-SMS number and knows the route from that.
    ...((check.phone || check.codeRoute !== 'inbound-sms') && { codeRoute: check.codeRoute }),
  });

/** One AWS::Scheduler::Schedule per check, started with the role resources/verification.yml defines. */
function scheduleResources(checks) {
  return Object.fromEntries(
    checks.map((check) => [
      check.logicalId,
      {
        Type: 'AWS::Scheduler::Schedule',
        Properties: {
          Description: `Synthetic Cognito ${check.kind} check "${check.name}" (checks.yml)`,
          ScheduleExpression: check.schedule,
          State: check.state,
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: {
            Arn: { Ref: 'VerifyStateMachine' },
            RoleArn: { 'Fn::GetAtt': ['CheckScheduleRole', 'Arn'] },
            Input: checkInput(check),
            // A missed run is not made up for: the next one comes within minutes or hours.
            RetryPolicy: { MaximumRetryAttempts: 0 },
          },
        },
      },
    ]),
  );
}

/** CloudWatch's longest evaluation range: Period × EvaluationPeriods (1 here) of at most 7 days. */
const MAX_ALARM_RANGE_SECONDS = 7 * 24 * 3600;

/**
 * NoSuccessfulCheckAlarm (resources/monitoring.yml) fires when no check passed for
 * noSuccessPeriodSeconds. Its actions are on only when some check of this stage is enabled, and its
 * period must hold at least two runs of the most frequent enabled check, or it would fire between
 * two runs that both pass (a stage whose only check runs every 6 hours, with the 30-minute default).
 * A cron() check may be the most frequent one, and its gaps are not computed: then no bound is set.
 * @returns {{ actionsEnabled: boolean, problem?: string }}
 */
function silenceAlarm(checks, params) {
  const enabled = checks.filter((c) => c.enabled);
  if (!enabled.length) return { actionsEnabled: false };
  const timed = enabled.map((c) => ({ check: c, minutes: rateMinutes(c.schedule) }));
  if (timed.some((t) => t.minutes === undefined)) return { actionsEnabled: true };
  const fastest = timed.reduce((a, b) => (b.minutes < a.minutes ? b : a));
  const needed = Math.min(2 * fastest.minutes * 60, MAX_ALARM_RANGE_SECONDS);
  const period = Number(params.noSuccessPeriodSeconds);
  if (Number.isFinite(period) && period >= needed) return { actionsEnabled: true };
  const capped = needed === MAX_ALARM_RANGE_SECONDS;
  return {
    actionsEnabled: true,
    problem:
      `noSuccessPeriodSeconds=${params.noSuccessPeriodSeconds} is shorter than two runs of the most frequent enabled check ` +
      `("${fastest.check.name}", ${fastest.check.schedule}), so NoSuccessfulCheckAlarm would fire between runs that pass: ` +
      `deploy with --param="noSuccessPeriodSeconds=${needed}"${capped ? " (7 days, CloudWatch's longest)" : ' or more'}, or schedule a check more often.`,
  };
}

/** The project folder of the service being packaged (the tests' stand-in has none: this one's). */
const projectRoot = (serverless) => serverless.config?.servicePath ?? serverless.serviceDir ?? resolve(__dirname, '..');

function loadChecksDoc(root) {
  const path = join(root, CHECKS_FILE);
  if (!existsSync(path)) return { doc: undefined, path };

  const { parse } = require('yaml');
  return { doc: parse(readFileSync(path, 'utf8')), path };
}

/** What every plugin sees: the stage's checks, or a Serverless error naming each problem. */
function stageChecks(serverless) {
  const params = stageParams(serverless);
  const stage = serverless.service?.provider?.stage ?? 'dev';
  const { doc, path } = loadChecksDoc(projectRoot(serverless));
  const errors = [];
  if (params.checkScheduleExpression !== undefined) {
    errors.push(
      `The parameter checkScheduleExpression is gone: each check has its own schedule in ${CHECKS_FILE} (stages.${stage} overrides the default list).`,
    );
  }
  if (doc === undefined) errors.push(`${path} is missing: it lists the stage's scheduled checks.`);
  const read = doc === undefined ? { checks: [], errors: [] } : readChecks({ doc, stage, params });
  errors.push(...read.errors);
  if (!read.errors.length) {
    const { problem } = silenceAlarm(read.checks, params);
    if (problem) errors.push(problem);
  }
  if (errors.length) {
    throw new serverless.classes.Error(`Invalid scheduled checks:\n  - ${errors.join('\n  - ')}`, 'CHECKS_INVALID');
  }
  return read.checks;
}

class ChecksPlugin {
  /** @param {any} serverless @param {any} _options @param {{ log?: any }} [utils] the framework's logging utilities */
  constructor(serverless, _options, { log } = {}) {
    this.serverless = serverless;
    this.log = log ?? { notice: (m) => console.log(m), warning: (m) => console.warn(m) };
    this.hooks = {
      'before:package:initialize': () => this.validate(),
      // After the framework compiled its own resources, before it merges `resources:` and writes the template.
      'before:package:finalize': () => this.addSchedules(),
      // After `resources:` are merged (the alarm is in resources/monitoring.yml), before the template is written.
      'after:aws:package:finalize:mergeCustomProviderResources': () => this.enableSilenceAlarm(),
    };
  }

  validate() {
    const checks = stageChecks(this.serverless);
    this.log.notice(`Scheduled checks: ${checks.map((c) => `${c.name} (${c.kind}, ${c.schedule}, ${c.state})`).join('; ') || 'none'}.`);
  }

  addSchedules() {
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    Object.assign(template.Resources, scheduleResources(stageChecks(this.serverless)));
  }

  /** The silence alarm notifies only on a stage where some check runs (a stage with none would always be silent). */
  enableSilenceAlarm() {
    const alarm = this.serverless.service.provider.compiledCloudFormationTemplate.Resources.NoSuccessfulCheckAlarm;
    if (!alarm) return;
    alarm.Properties.ActionsEnabled = silenceAlarm(stageChecks(this.serverless), stageParams(this.serverless)).actionsEnabled;
  }
}

module.exports = ChecksPlugin;
module.exports.readChecks = readChecks;
module.exports.scheduleResources = scheduleResources;
module.exports.stageChecks = stageChecks;
module.exports.silenceAlarm = silenceAlarm;
module.exports.rateMinutes = rateMinutes;
module.exports.SMS_PER_RUN = SMS_PER_RUN;
module.exports.DEFAULT_RETRIES = DEFAULT_RETRIES;
module.exports.ROUTE_PARAMS = ROUTE_PARAMS;
module.exports.regionOfPoolId = regionOfPoolId;
