import { maskText, stateResult } from './stateSummary';

/**
 * The words a person following a run reads: one line per step with only what is new in it, and
 * a verdict sentence. Built from state inputs and outputs, which hold ids, masked phone numbers
 * and token metadata only (docs/architecture.md, "Secrets stay out of state"); nothing here adds a secret back.
 */

/** `412 ms` under a second, `12.3 s` above. */
export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '?';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

type Json = Record<string, unknown>;

const asObject = (text: string | undefined): Json | undefined => {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
};
const obj = (value: unknown): Json => (value !== null && typeof value === 'object' ? (value as Json) : {});
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? maskText(value) : undefined);

/** Fields that name the run itself: shown once (the header and the first step), never again. */
const RUN_FIELDS = new Set([
  'runId',
  'userPoolId',
  'clientId',
  'username',
  'phone',
  'targetName',
  'timeouts',
  'kind',
  'region',
  'authFlow',
]);

/** Each known field a state adds, in words; anything else falls back to `path=value`. */
const RENDER: Record<string, (value: unknown) => string | undefined> = {
  // A check's first attempt says nothing; a re-run that confirms a failure says which it is.
  attempt: (v) => (typeof v === 'number' && v > 1 ? `attempt ${v} (a re-run confirming a failure)` : undefined),
  signUp: (v) => {
    const delivery = obj(obj(v).codeDelivery);
    const to = str(delivery.destination);
    return to ? `code sent to ${to}${delivery.medium ? ` by ${String(delivery.medium)}` : ''}` : 'signed up';
  },
  challenge: (v) => {
    const c = obj(v);
    const to = str(c.destination);
    const first =
      c.firstSignIn === 'tokens-without-mfa' ? ' (the first sign-in returned tokens without MFA; this second one was challenged)' : '';
    return `challenge ${String(c.challenge ?? '?')}${to ? `, code sent to ${to}` : ''}${first}`;
  },
  tokens: (v) => {
    const t = obj(v);
    const expiry = typeof t.expiresIn === 'number' ? `, expire in ${t.expiresIn} s` : '';
    // Issue 17, item 7: refreshed, verified again, and the refresh token revoked (or why not).
    const r = obj(t.refresh);
    const refreshed =
      r.verified === true
        ? `; refreshed with ${String(r.flow)}, ${r.revoked === true ? 'revoked' : `not revoked (${String(r.notRevokedBecause ?? '?')})`}`
        : '';
    return t.issuerVerified === true
      ? `tokens verified (access + id${t.refreshTokenIssued ? ' + refresh' : ''}${expiry})${refreshed}`
      : 'tokens received';
  },
  error: (v) => `✗ ${String(obj(v).Error ?? 'error')}`,
  // Provisioning: each resource found or made.
  role: (v) => made('role', obj(v).roleName ?? obj(v).roleArn, obj(v).created),
  policy: (v) => made('policy', obj(v).policyName ?? obj(v).policyArn, obj(v).created),
  userPool: (v) => made('pool', obj(v).userPoolId, obj(v).created, obj(v).drift, obj(v).managed),
  client: (v) => made('client', obj(v).clientId, obj(v).created, obj(v).drift),
  attachment: (v) => attachment(obj(v)) || undefined,
  record: (v) => (obj(v).parameterName ? `recorded as ${String(obj(v).parameterName)}` : undefined),
  result: (v) => {
    const r = obj(v);
    return r.verdict === 'FAIL'
      ? `recorded FAIL${r.reason ? ` (${String(r.reason)})` : ''}`
      : r.verdict
        ? `recorded ${String(r.verdict)}`
        : undefined;
  },
};

const tail = (id: string) => (id.startsWith('arn:') ? id.split(/[/:]/).pop()! : id);

/** Each drift item in words (a count alone sent people to --json to learn what to fix). */
const driftItems = (drift: unknown): string[] => (Array.isArray(drift) ? drift.map((d) => maskText(String(d))) : []);

function made(what: string, id: unknown, created: unknown, drift?: unknown, managed?: unknown): string {
  const name = typeof id === 'string' ? tail(id) : '?';
  const items = driftItems(drift);
  const differs = items.length > 0 ? `; drift: ${items.join('; ')}` : '';
  const notOurs = managed === false ? ' (not made by this tool: teardown keeps it)' : '';
  return `${what} ${maskText(name)} ${created === true ? 'created' : created === false ? 'found' : ''}${notOurs}${differs}`.trimEnd();
}

/** AttachRolePolicy's result: attached, or the role left unchanged because it is not ours (and what that means). */
function attachment(a: Json): string {
  const policy = maskText(tail(String(a.policyArn ?? '?')));
  const role = maskText(String(a.roleName ?? '?'));
  if (a.attached === true) return `policy ${policy} attached to role ${role}`;
  if (a.attached === false)
    return `policy ${policy} not attached to role ${role} (${String(a.kept ?? 'NotManaged')}: ${str(a.reason) ?? '?'})`;
  return '';
}

/** Teardown's resources as its output names them, in the order it takes them down. */
const TORN_DOWN: Record<string, string> = {
  client: 'client',
  userPool: 'pool',
  attachment: 'policy attachment',
  policy: 'policy',
  role: 'role',
  target: 'target record',
};

/** One teardown result: `pool us-east-1_X deleted`, `role R kept (StillInUse: …)`, `policy already gone`. */
function tornDown(key: string, value: unknown): string {
  const r = obj(value);
  const what = TORN_DOWN[key] ?? key;
  const id = typeof r.id === 'string' ? ` ${maskText(tail(r.id))}` : '';
  if (r.deleted === true) return `${what}${id} deleted`;
  if (typeof r.kept === 'string') return `${what}${id} kept (${r.kept}${typeof r.reason === 'string' ? `: ${maskText(r.reason)}` : ''})`;
  return `${what}${id} already gone`;
}

/** The run's own fields, from the step that first names them (PrepareRun, StartSignIn): pool, target, flow, phone, timeouts. */
function runHeader(out: Json): string {
  const target = str(out.targetName);
  const timeouts = obj(out.timeouts);
  const waits = Object.values(timeouts).filter((n) => typeof n === 'number');
  return [
    `pool ${String(out.userPoolId)}${target ? ` (target ${target})` : ''}`,
    str(out.authFlow) && `signs in with ${str(out.authFlow)}`,
    str(out.phone) && `phone ${str(out.phone)}`,
    waits.length > 0 && `code timeouts ${waits.join(' / ')} s`,
  ]
    .filter(Boolean)
    .join(', ');
}

export interface Step {
  state: string;
  /** Task, Pass, Choice, ...: the history event's kind. */
  type?: string;
  ms: number;
  input?: string;
  output?: string;
}

/** What is new in one step, in words; '' when the step only moved the run on (its result discarded). */
export function stepNote({ state, type, ms, input, output }: Step): string {
  // A Pass state reshapes the data for what follows (the final output): the verdict line says it.
  if (type === 'Pass') return '';
  const before = asObject(input) ?? {};
  const after = asObject(output);
  if (!after) return output === undefined ? '' : stateResult(input, output);
  const changed = Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  const parts: string[] = [];
  if (changed.includes('userPoolId')) parts.push(runHeader(after));
  const rest: string[] = [];
  for (const key of changed) {
    if (RUN_FIELDS.has(key)) continue;
    // Teardown adds one entry to `deleted` per step: only that entry is new.
    if (key === 'deleted') {
      const was = obj(before.deleted);
      for (const [k, v] of Object.entries(obj(after.deleted))) if (JSON.stringify(was[k]) !== JSON.stringify(v)) parts.push(tornDown(k, v));
      continue;
    }
    const text = RENDER[key]?.(after[key]);
    if (text) parts.push(text);
    else if (!RENDER[key]) rest.push(key);
  }
  if (rest.length > 0) {
    const pick = (o: Json) => JSON.stringify(Object.fromEntries(rest.filter((k) => k in o).map((k) => [k, o[k]])));
    parts.push(stateResult(pick(before), pick(after)));
  }
  // A wait's result is discarded (ResultPath: null): what is new is that the code came, and when.
  if (/^Await/.test(state) && !changed.includes('error')) parts.unshift(`code came back after ${duration(ms)}`);
  return parts.filter((p) => p && p !== '(no change)').join('; ');
}

export interface Outcome {
  machine: 'provision' | 'verify' | 'teardown';
  status?: string;
  error?: string;
  cause?: string;
  output?: string;
  startDate?: Date;
  stopDate?: Date;
  /** The state the run failed in, when the history shows one. */
  failedIn?: string;
}

/** Runs that no Catch could end, named as the run records and `history` name them. */
const STOPPED: Record<string, string> = { TIMED_OUT: 'TimedOut', ABORTED: 'Aborted' };

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The verdict as a sentence: `PASS in 336 ms, tokens verified`, `FAIL: SmsCodeNotReceived — <cause>
 * (after 12.3 s, in AwaitMfaCode)`, `SUCCEEDED in 2.1 s: pool …` for provisioning and teardown.
 */
export function verdict(o: Outcome): string {
  const out = asObject(o.output) ?? {};
  const elapsed = o.startDate && o.stopDate ? o.stopDate.getTime() - o.startDate.getTime() : undefined;
  if (o.status === 'SUCCEEDED') {
    const took = duration(typeof out.durationMs === 'number' ? out.durationMs : elapsed);
    if (o.machine === 'verify') {
      const tokens = obj(out.tokens).issuerVerified === true ? ', tokens verified' : '';
      const first = out.firstSignIn === 'tokens-without-mfa' ? ' (first sign-in without MFA, the second challenged)' : '';
      return `PASS in ${took}${tokens}${first}`;
    }
    if (o.machine === 'teardown') return `SUCCEEDED in ${took}${teardownSummary(out)}`;
    return `SUCCEEDED in ${took}${o.machine === 'provision' ? `: ${provisioned(out)}` : ''}`;
  }
  const word = o.machine === 'verify' ? 'FAIL' : (o.status ?? 'FAILED');
  const reason = o.error ?? STOPPED[o.status ?? ''] ?? o.status ?? 'Unknown';
  const cause = o.cause ? ` — ${clip(maskText(o.cause).replace(/\s+/g, ' ').trim(), 200)}` : '';
  const where = [elapsed !== undefined && `after ${duration(elapsed)}`, o.failedIn && `in ${o.failedIn}`].filter(Boolean).join(', ');
  return `${word}: ${reason}${cause}${where ? ` (${where})` : ''}`;
}

/** Provisioning's output in one line: what the target is, what this run created, what differs. */
function provisioned(out: Json): string {
  const created = Object.entries(obj(out.created))
    .filter(([, made]) => made === true)
    .map(([what]) => what);
  const drift = Object.entries(obj(out.drift))
    .map(([what, items]) => [what, driftItems(items)] as const)
    .filter(([, items]) => items.length > 0)
    .map(([what, items]) => `${what}: ${items.join('; ')}`);
  // `managed` names what the record claims; anything it leaves out teardown will keep.
  const claimed = out.managed === undefined ? undefined : obj(out.managed);
  const notOurs = claimed
    ? Object.entries({ userPool: 'userPoolId', client: 'clientId', role: 'roleName', policy: 'policyArn' })
        .filter(([, field]) => claimed[field] === undefined)
        .map(([what]) => what)
    : [];
  return [
    `target ${str(out.targetName) ?? '?'} → pool ${str(out.userPoolId) ?? '?'}, client ${str(out.clientId) ?? '?'}`,
    created.length > 0 ? `created ${created.join(', ')}` : 'nothing created (all there)',
    notOurs.length > 0 && `not made by this tool, teardown keeps: ${notOurs.join(', ')}`,
    obj(out.attachment).attached === false &&
      `role not changed (NotManaged): policy not attached, SMS needs the role to allow sns:Publish already`,
    drift.length > 0 && `drift: ${drift.join(' | ')}`,
  ]
    .filter(Boolean)
    .join('; ');
}

/** Teardown's output in one line: what it deleted, and what it kept and why. */
function teardownSummary(out: Json): string {
  const entries = Object.entries(out).filter(([key]) => key in TORN_DOWN);
  if (entries.length === 0) return '';
  const deleted = entries.filter(([, v]) => obj(v).deleted === true).map(([k]) => TORN_DOWN[k]);
  const kept = entries.filter(([, v]) => typeof obj(v).kept === 'string').map(([k, v]) => tornDown(k, v));
  return `: ${[deleted.length > 0 ? `deleted ${deleted.join(', ')}` : 'deleted nothing', ...kept].join('; ')}`;
}
