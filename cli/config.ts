import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

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
}

/** Written by `npm start -- --keep-running`; COGCHECK_LOCAL_ENDPOINTS points elsewhere (tests, several clouds). */
export const LOCAL_ENDPOINTS_FILE = process.env.COGCHECK_LOCAL_ENDPOINTS ?? join(PROJECT_ROOT, '.local-cloud', 'endpoints.json');

export function writeLocalEndpoints(endpoints: Endpoints, file = LOCAL_ENDPOINTS_FILE): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o600 });
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function readLocalEndpoints(file = LOCAL_ENDPOINTS_FILE): Endpoints {
  if (!existsSync(file)) {
    throw new ConfigError(`No local cloud is running (${file} is missing): start one with npm start -- --keep-running`);
  }
  const endpoints = JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
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
