import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** The checkout the CLI runs from: the default local endpoints file lives under it. */
const PROJECT_ROOT = resolve(__dirname, '..');

/**
 * Where the CLI sends its calls: a deployed stage (its CloudFormation outputs) or the local
 * cloud (the endpoints file `npm start -- --keep-running` writes). Either way the same AWS APIs
 * are called; only endpoints and ARNs differ.
 */
export interface Endpoints {
  region: string;
  stateMachines: { provision: string; verify: string; teardown: string };
  callbackUrl: string;
  /** The callback signing secret, or the Secrets Manager id to read it from. */
  callbackSecret?: string;
  callbackSecretArn?: string;
  /** The runs table (waits, leases), for commands that open a wait themselves. */
  runsTable?: string;
  /** The SSM prefix under which the stage records its targets (stack output TargetParameterPrefix). */
  targetParameterPrefix?: string;
  /** AWS_ENDPOINT_URL_* and credentials for a local cloud. */
  env?: Record<string, string>;
  /** A local cloud's SMS inbox (GET, `?phone=+E164&last=1`): every SMS its fake phone received. */
  smsInboxUrl?: string;
  /** The process keeping a local cloud up (`npm start -- --keep-running`): a file whose process is gone is stale. */
  pid?: number;
}

/**
 * The endpoints file `cogcheck --local` reads: `npm start -- --keep-running` writes it. When another
 * live cloud already keeps it, a second one writes its own beside it and prints
 * `export COGCHECK_LOCAL_ENDPOINTS=<that file>`: the variable names the file to read instead
 * (a second cloud's terminal, tests).
 */
export const LOCAL_ENDPOINTS_FILE = process.env.COGCHECK_LOCAL_ENDPOINTS || join(PROJECT_ROOT, '.local-cloud', 'endpoints.json');

export function writeLocalEndpoints(endpoints: Endpoints, file = LOCAL_ENDPOINTS_FILE): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o600 });
}

/** Signal 0 checks that a process exists without touching it; EPERM: it exists, another user's. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerOf(file: string): number | undefined {
  try {
    const { pid } = JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
    return typeof pid === 'number' ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Creates `file` whole or not at all: a hard link fails if the name exists, and never shows a half-written file. */
function createWhole(file: string, endpoints: Endpoints): boolean {
  const temporary = `${file}.${process.pid}.tmp`;
  writeLocalEndpoints(endpoints, temporary);
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}

export interface EndpointsClaim {
  /** Where this cloud's endpoints were written. */
  file: string;
  /** Set when another live cloud keeps `preferred`: its pid (this cloud wrote a file of its own). */
  otherCloudPid?: number;
}

/**
 * Writes a keep-running cloud's endpoints where `cogcheck --local` reads them, unless another live
 * cloud keeps that file: then beside it, named after this process, for COGCHECK_LOCAL_ENDPOINTS.
 * A file whose cloud is gone (killed without clean-up, or written with no pid) is replaced.
 */
export function claimLocalEndpoints(endpoints: Endpoints, preferred = LOCAL_ENDPOINTS_FILE): EndpointsClaim {
  const mine: Endpoints = { ...endpoints, pid: process.pid };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createWhole(preferred, mine)) return { file: preferred };
    const owner = ownerOf(preferred);
    if (owner !== undefined && owner !== process.pid && processAlive(owner)) {
      const own = join(dirname(preferred), `${basename(preferred, '.json')}-${process.pid}.json`);
      writeLocalEndpoints(mine, own);
      return { file: own, otherCloudPid: owner };
    }
    rmSync(preferred, { force: true });
  }
  throw new ConfigError(`Could not write ${preferred}: another process keeps replacing it`);
}

/** Removes the endpoints file if this process wrote it (never another cloud's). */
export function releaseLocalEndpoints(file: string): void {
  if (ownerOf(file) === process.pid) rmSync(file, { force: true });
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function readLocalEndpoints(file = LOCAL_ENDPOINTS_FILE): Endpoints {
  if (!existsSync(file)) {
    throw new ConfigError(`No local cloud is running (${file} is missing): start one with npm start -- --keep-running`);
  }
  const endpoints = JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
  // A cloud killed without its clean-up leaves its file: said, rather than calls to dead ports.
  if (endpoints.pid !== undefined && !processAlive(endpoints.pid)) {
    throw new ConfigError(
      `No local cloud is running: ${file} was written by process ${endpoints.pid}, which has exited; start one with npm start -- --keep-running`,
    );
  }
  Object.assign(process.env, endpoints.env ?? {});
  return endpoints;
}

/** A deployed stage: the stack's outputs name everything the CLI needs. */
export async function readStageEndpoints(stage: string, region?: string): Promise<Endpoints> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = new CloudFormationClient(region ? { region } : {});
  const stackName = `cognito-sms-mfa-${stage}`;
  try {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    const need = (key: string) => {
      const value = outputs[key];
      if (!value) throw new ConfigError(`Stack ${stackName} has no output ${key}: deploy this version with sls deploy --stage ${stage}`);
      return value;
    };
    return {
      region: await cfn.config.region(),
      stateMachines: {
        provision: need('ProvisionStateMachineArn'),
        verify: need('VerifyStateMachineArn'),
        teardown: need('TeardownStateMachineArn'),
      },
      callbackUrl: need('CallbackUrl'),
      callbackSecretArn: need('CallbackSigningSecretArn'),
      runsTable: outputs.RunsTableName,
      targetParameterPrefix: outputs.TargetParameterPrefix,
    };
  } finally {
    cfn.destroy();
  }
}

export async function callbackSecret(endpoints: Endpoints, override?: string): Promise<string> {
  if (override) return override;
  if (process.env.CALLBACK_SECRET) return process.env.CALLBACK_SECRET;
  if (endpoints.callbackSecret) return endpoints.callbackSecret;
  if (!endpoints.callbackSecretArn) throw new ConfigError('No callback secret: pass --secret or set CALLBACK_SECRET');
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const sm = new SecretsManagerClient({ region: endpoints.region });
  try {
    const { SecretString } = await sm.send(new GetSecretValueCommand({ SecretId: endpoints.callbackSecretArn }));
    if (!SecretString) throw new ConfigError(`Secret ${endpoints.callbackSecretArn} is empty`);
    return SecretString;
  } finally {
    sm.destroy();
  }
}
