import { SSMClient } from '@aws-sdk/client-ssm';
import { appClient } from '../lib/cognito/appClient';
import { CLIENT_ID } from '../lib/cognito/ids';
import { regionOfUserPool } from '../lib/cognito/region';
import { ValidationError } from '../lib/errors';
import { offersCognito, REGION_NAME } from '../lib/cognito/cognitoRegions';
import { refuseSignUpOnReplica } from '../lib/verify/runRequest';
import { secondaryRegionOf } from '../lib/cognito/replica';
import { TARGET_NAME } from '../lib/names';
import type { Target } from '../lib/target';
import { readiness, type Finding, type Readiness } from '../lib/targets/readiness';
import { AUTH_FLOWS, defaultAuthFlow, isAuthFlow, type AuthFlow } from '../lib/verify/authFlow';
import { ConfigError, type Endpoints } from './config';
import { readPoolFacts, readReplica, TargetRefused } from './targetReads';
import { isProvisioned, TargetStore } from './targetStore';
import { UsageError } from './usage';

/**
 * `cogcheck target add | list | show | remove`: check targets that provisioning did not make. A
 * target is only a record in the stage's SSM prefix; adding one reads the pool (never changes it),
 * removing one deletes the record (never anything in Cognito or IAM).
 */

export const TARGET_COMMANDS = ['add', 'list', 'show', 'remove'] as const;
export type TargetCommand = (typeof TARGET_COMMANDS)[number];

export interface TargetArgs {
  command: TargetCommand;
  name?: string;
  userPoolId?: string;
  clientId?: string;
  region?: string;
  authFlow?: AuthFlow;
  /** `--pool-region`: the target is the pool's secondary replica in `region`. */
  replica?: boolean;
}

interface TargetOptions {
  name?: string;
  'user-pool-id'?: string;
  'client-id'?: string;
  'auth-flow'?: string;
  'pool-region'?: string;
}

/** A pool id of the wrong shape, named, as a usage mistake (exit 2) before any call. */
export function userPoolRegion(userPoolId: string, flag = '--user-pool-id'): string {
  try {
    return regionOfUserPool(userPoolId, flag);
  } catch (error) {
    if (error instanceof ValidationError) throw new UsageError(error.message, 'a user pool id is <region>_<id>, e.g. eu-west-1_AbC123');
    throw error;
  }
}

export function checkClientId(clientId: string, flag = '--client-id'): void {
  if (!CLIENT_ID.pattern.test(clientId) || clientId.length > CLIENT_ID.max)
    throw new UsageError(`${flag}: ${JSON.stringify(clientId)} is not an app client id (letters and digits)`);
}

/**
 * `--pool-region`: the Region of a secondary replica of the pool. A replica keeps the primary's pool id
 * ("a shared user pool ID"), so the id's prefix is the primary's Region and `--pool-region` must name
 * another one; a Region where Cognito is not offered has no replica. Both refused before any call.
 */
export function checkPoolRegion(poolRegion: string, userPoolId: string, primary: string): string {
  const hint = 'a replica is named by the primary pool id and --pool-region <its secondary Region>, e.g. eu-west-1';
  if (!REGION_NAME.test(poolRegion))
    throw new UsageError(`--pool-region: ${JSON.stringify(poolRegion)} is not a Region name (e.g. eu-west-1)`, hint);
  if (!offersCognito(poolRegion))
    throw new UsageError(`--pool-region: CognitoNotOffered: Amazon Cognito user pools are not offered in ${poolRegion}`, hint);
  if (poolRegion === primary) {
    throw new UsageError(
      `--pool-region: PoolRegionIsPrimary: ${poolRegion} is the Region in user pool ${userPoolId}'s id, its primary; a replica keeps that id and lives in another Region. Leave --pool-region out to check the primary`,
      hint,
    );
  }
  return poolRegion;
}

export function checkAuthFlow(flow: string | undefined): AuthFlow | undefined {
  if (flow === undefined) return undefined;
  if (!isAuthFlow(flow)) throw new UsageError(`--auth-flow must be one of ${AUTH_FLOWS.join(', ')}`);
  return flow;
}

/** The subcommand's arguments, checked before any call: every mistake is exit 2, naming the value. */
export function targetArgs(command: string, o: TargetOptions, positionals: string[]): TargetArgs {
  const hint = `cogcheck target ${command} --help shows its usage`;
  if (!(TARGET_COMMANDS as readonly string[]).includes(command)) {
    throw new UsageError(`unknown command "target ${command}"`, `target takes ${TARGET_COMMANDS.join(', ')}`);
  }
  const c = command as TargetCommand;
  if (positionals.length > 1 || (positionals.length === 1 && (c === 'list' || c === 'add' || o.name !== undefined)))
    throw new UsageError(`Unexpected argument '${positionals.at(-1)}'`, hint);
  const name = o.name ?? positionals[0];
  if (c === 'list') return { command: c };
  if (name === undefined) throw new UsageError(`target ${c} needs ${c === 'add' ? '--name <name>' : 'a target name'}`, hint);
  if (!TARGET_NAME.pattern.test(name) || name.length > TARGET_NAME.max)
    throw new UsageError(`target name ${JSON.stringify(name)}: ${TARGET_NAME.describe}`, hint);
  if (c !== 'add') return { command: c, name };
  if (!o['user-pool-id'] || !o['client-id']) throw new UsageError('target add needs --user-pool-id <id> and --client-id <id>', hint);
  const primary = userPoolRegion(o['user-pool-id']);
  checkClientId(o['client-id']);
  const poolRegion = o['pool-region'] === undefined ? undefined : checkPoolRegion(o['pool-region'], o['user-pool-id'], primary);
  return {
    command: c,
    name,
    userPoolId: o['user-pool-id'],
    clientId: o['client-id'],
    region: poolRegion ?? primary,
    authFlow: checkAuthFlow(o['auth-flow']),
    ...(poolRegion && { replica: true }),
  };
}

interface Io {
  out: (line: string) => void;
}

export async function runTarget(args: TargetArgs, endpoints: Endpoints, io: Io, json: boolean): Promise<number> {
  const ssm = new SSMClient({ region: endpoints.region });
  const store = new TargetStore(ssm, endpoints.targetParameterPrefix);
  const print = (value: unknown, text: () => string) => io.out(json ? JSON.stringify(value, null, 2) : text());
  try {
    switch (args.command) {
      case 'add': {
        const { name, userPoolId, clientId, region, authFlow, replica: isReplica } = args as Required<TargetArgs>;
        if (await store.get(name)) {
          throw new ConfigError(`a target named "${name}" is already recorded (${store.parameterName(name)}): choose another --name`);
        }
        // Read first: a pool that cannot be a target is refused before anything is written.
        const facts = await (isReplica ? readReplica(userPoolId, region) : Promise.resolve(undefined))
          .then((replica) => readPoolFacts(userPoolId, clientId, region, replica))
          .catch((error: unknown) => {
            if (error instanceof TargetRefused) throw new TargetRefused(`${error.message}: nothing recorded`);
            throw error;
          });
        const record: Target = {
          name,
          region,
          userPoolId,
          clientId,
          userPoolName: facts.userPool.Name,
          clientName: facts.client.ClientName,
          ...(facts.userPool.Arn && { userPoolArn: facts.userPool.Arn }),
          source: 'added',
          ...(authFlow && { authFlow }),
          recordedAt: new Date().toISOString(),
        };
        const parameterName = await store.add(record);
        const ready = readiness({ ...facts, authFlow }, name);
        print({ ...ready, record, parameterName }, () =>
          [`recorded target ${name} (${parameterName})`, ...readinessLines(ready)].join('\n'),
        );
        return 0;
      }
      case 'list': {
        const targets = await store.list();
        print({ targets }, () =>
          targets.length
            ? targets
                .map(
                  (t) =>
                    `${t.name.padEnd(20)} ${(isProvisioned(t) ? 'provisioned' : 'added').padEnd(12)} ${t.userPoolId.padEnd(28)} ${t.clientId.padEnd(28)} ${t.region ?? ''}${t.authFlow ? `  ${t.authFlow}` : ''}`,
                )
                .join('\n')
            : `no targets under ${store.prefix}: add one with cogcheck target add, or provision`,
        );
        return 0;
      }
      case 'show': {
        const record = await found(store, args.name!);
        const region = record.region || userPoolRegion(record.userPoolId, 'userPoolId');
        const replica = secondaryRegionOf(record) ? await readReplica(record.userPoolId, region, undefined, false) : undefined;
        const facts = await readPoolFacts(record.userPoolId, record.clientId, region, replica);
        const ready = readiness({ ...facts, authFlow: record.authFlow }, record.name);
        print({ ...ready, record }, () =>
          [
            `target ${record.name} (${isProvisioned(record) ? 'provisioned' : 'added'}${record.recordedAt ? ` ${record.recordedAt}` : ''})`,
            ...readinessLines(ready),
          ].join('\n'),
        );
        return 0;
      }
      case 'remove': {
        const record = await found(store, args.name!);
        if (isProvisioned(record)) {
          throw new ConfigError(
            `target ${record.name} was provisioned: its record says what teardown may delete, so remove it with cogcheck teardown, not target remove`,
          );
        }
        await store.remove(record.name);
        print(
          { removed: record.name, parameterName: store.parameterName(record.name), record },
          () =>
            `removed target ${record.name} (${store.parameterName(record.name)}); user pool ${record.userPoolId} and client ${record.clientId} are untouched`,
        );
        return 0;
      }
    }
  } finally {
    ssm.destroy();
  }
}

async function found(store: TargetStore, name: string): Promise<Target> {
  const record = await store.get(name);
  if (!record)
    throw new ConfigError(`no target named "${name}" (${store.parameterName(name)}): cogcheck target list shows the recorded ones`);
  return record;
}

function findingLines(f: Finding, indent: string): string[] {
  const under = ' '.repeat(indent.length + 2);
  return [`${indent}${f.setting}: ${f.problem}`, ...(f.fix ? [`${under}fix: ${f.fix}`] : []), ...(f.note ? [`${under}(${f.note})`] : [])];
}

/** The short table: one line per kind, what stands in the way with its fix, the flows, warnings and notes. */
export function readinessLines(r: Readiness): string[] {
  const lines = [`pool ${r.userPoolId}, client ${r.clientId}, region ${r.region}`];
  if (r.replica)
    lines.push(`replica: the secondary in ${r.region} (${r.replica.status ?? 'status unknown'}); primary in ${r.replica.primaryRegion}`);
  lines.push('kind    ready  flow');
  for (const kind of ['signin', 'signup'] as const) {
    const k = r.kinds[kind];
    lines.push(`${kind.padEnd(7)} ${(k.ready ? 'yes' : 'NO').padEnd(6)} ${k.authFlow ?? '-'}`);
    for (const p of k.problems) lines.push(...findingLines(p, '          '));
  }
  const flows = r.kinds.signin.flows;
  lines.push(
    `flows:  ${Object.entries(flows)
      .map(([flow, f]) => `${flow} ${f.ready ? '✓' : `✗${f.problems.length ? ` (${f.problems.map((p) => p.problem).join('; ')})` : ''}`}`)
      .join(' · ')}`,
  );
  if (r.warnings.length) lines.push('warnings:', ...r.warnings.flatMap((w) => findingLines(w, '  ! ')));
  if (r.notes.length) lines.push('notes:', ...r.notes.map((n) => `  - ${n}`));
  return lines;
}

/**
 * What `verify --json` says of a run besides its verdict: its kind, sign-in flow and the pool's
 * Region, from the execution output when it has them, else from the input and the target record;
 * a flow nobody named is the app client's default, chosen as the checks choose it (lib/cognito/appClient.ts
 * reads the client; best effort).
 */
export async function runFacts(
  endpoints: Endpoints,
  rawInput: Record<string, unknown>,
  output: { kind?: string; authFlow?: string; region?: string } | undefined,
): Promise<{ kind: string; authFlow?: string; region?: string }> {
  const text = (key: string) => (typeof rawInput[key] === 'string' ? (rawInput[key] as string) : undefined);
  const input = {
    kind: text('kind'),
    target: text('target'),
    userPoolId: text('userPoolId'),
    clientId: text('clientId'),
    authFlow: text('authFlow'),
  };
  const kind = output?.kind ?? input.kind ?? 'signup';
  let authFlow = output?.authFlow ?? input.authFlow;
  let region = output?.region ?? (input.userPoolId ? userPoolRegion(input.userPoolId) : undefined);
  if (authFlow && region) return { kind, authFlow, region };
  let pool = input.userPoolId && input.clientId ? { userPoolId: input.userPoolId, clientId: input.clientId } : undefined;
  try {
    if (input.target && endpoints.targetParameterPrefix) {
      const ssm = new SSMClient({ region: endpoints.region });
      try {
        const record = await new TargetStore(ssm, endpoints.targetParameterPrefix).get(input.target);
        if (record) {
          region ??= record.region || userPoolRegion(record.userPoolId, 'userPoolId');
          authFlow ??= record.authFlow;
          pool = record;
        }
      } finally {
        ssm.destroy();
      }
    }
    if (!authFlow && pool && region) {
      authFlow = defaultAuthFlow((await appClient(region, pool.userPoolId, pool.clientId)).explicitAuthFlows);
    }
  } catch {
    // Best effort: the verdict stands without them.
  }
  return { kind, ...(authFlow && { authFlow }), ...(region && { region }) };
}

/**
 * `verify --target N --kind signup` on a target that names a secondary replica: refused before any
 * run is started (exit 2), naming the replica; the state machine refuses it too (PrepareRun).
 */
export async function refuseSignUpOnReplicaTarget(endpoints: Endpoints, targetName: string, kind: string | undefined): Promise<void> {
  if ((kind ?? 'signup') !== 'signup' || !endpoints.targetParameterPrefix) return;
  const ssm = new SSMClient({ region: endpoints.region });
  try {
    const record = await new TargetStore(ssm, endpoints.targetParameterPrefix).get(targetName);
    if (!record) return;
    try {
      refuseSignUpOnReplica('signup', { userPoolId: record.userPoolId, region: record.region, targetName });
    } catch (error) {
      throw new ConfigError(`${(error as Error).name}: ${(error as Error).message}`);
    }
  } finally {
    ssm.destroy();
  }
}

/** The Region a recorded target's checks run in (a replica's for a secondary), or undefined when it is not recorded. */
export async function targetRegion(endpoints: Endpoints, name: string): Promise<string | undefined> {
  if (!endpoints.targetParameterPrefix) return undefined;
  const ssm = new SSMClient({ region: endpoints.region });
  try {
    const record = await new TargetStore(ssm, endpoints.targetParameterPrefix).get(name);
    return record ? record.region || userPoolRegion(record.userPoolId, 'userPoolId') : undefined;
  } finally {
    ssm.destroy();
  }
}
