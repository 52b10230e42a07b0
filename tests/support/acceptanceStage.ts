import { CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { parse as parseYaml } from 'yaml';
import { callbackSecret, readStageEndpoints, type Endpoints } from '../../cli/config';
import { PHONE_NUMBER } from '../../lib/phone';
import type { AcceptanceTarget, Check } from './acceptanceTarget';

/**
 * `TEST_MODE=stage`: the deployed stack `cognito-sms-mfa-<STAGE>` — its outputs name the state
 * machines, the callback URL, the signing secret and the runs table (read by `cli/config.ts`,
 * as the ops CLI reads them), and its check schedule names the target and phone of the check.
 * Fails fast, saying what is missing, when there are no credentials or no such stack.
 */
export const stackNameOf = (stage: string) => `cognito-sms-mfa-${stage}`;

export class StageSetupError extends Error {
  override name = 'StageSetupError';
}

export const CREDENTIALS_HELP = [
  'Provide AWS credentials in one of the ways the AWS SDK and CLI read them:',
  '  - AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials);',
  '  - AWS_PROFILE=<name>, a profile in ~/.aws/config or ~/.aws/credentials (aws configure, or aws sso login --profile <name>);',
  '  - a container or instance role (ECS, EC2, CodeBuild).',
].join('\n');

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      const timer = setTimeout(() => reject(new StageSetupError(`${what} took longer than ${ms / 1000} s (no network to AWS?)`)), ms);
      timer.unref();
    }),
  ]);

/** --region, else AWS_REGION / AWS_DEFAULT_REGION, else the profile's region, else serverless.yml's default (us-east-1). */
export async function resolveRegion(explicit?: string): Promise<string> {
  if (explicit) return explicit;
  const fromEnv = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (fromEnv) return fromEnv;
  const client = new CloudFormationClient({});
  try {
    return await withTimeout(client.config.region(), 3_000, 'Reading the region from the AWS profile');
  } catch {
    return 'us-east-1';
  } finally {
    client.destroy();
  }
}

/**
 * Resolves credentials through the SDK's provider chain (env, profile/SSO, process, container,
 * instance metadata) without calling any AWS API, so a machine without credentials hears so in
 * milliseconds.
 */
export async function resolveCredentials(stage: string, region: string, timeoutMs = 8_000) {
  const client = new CloudFormationClient({ region });
  try {
    return await withTimeout(client.config.credentials(), timeoutMs, 'Looking for AWS credentials');
  } catch (error) {
    throw new StageSetupError(
      [
        `No AWS credentials: cannot read stack ${stackNameOf(stage)} (stage ${stage}, region ${region}).`,
        CREDENTIALS_HELP,
        `(The SDK said: ${(error as Error).message.split('\n')[0]})`,
      ].join('\n'),
    );
  }
}

/** The stack's outputs, with what went wrong said in terms of the stage. */
export async function readStage(stage: string, region: string, timeoutMs = 20_000): Promise<Endpoints> {
  const stackName = stackNameOf(stage);
  try {
    return await withTimeout(readStageEndpoints(stage, region), timeoutMs, `Reading stack ${stackName} in ${region}`);
  } catch (error) {
    const e = error as Error;
    if (e.name === 'ValidationError' && /does not exist/.test(e.message)) {
      throw new StageSetupError(
        `No stack ${stackName} in region ${region} for these credentials: deploy it (npx sls deploy --stage ${stage} --region ${region}), or pass the stage's --region.`,
      );
    }
    if (
      ['UnrecognizedClientException', 'InvalidClientTokenId', 'ExpiredToken', 'ExpiredTokenException', 'SignatureDoesNotMatch'].includes(
        e.name,
      )
    ) {
      throw new StageSetupError(
        `AWS refused these credentials (${e.name}: ${e.message}) while reading stack ${stackName}.\n${CREDENTIALS_HELP}`,
      );
    }
    if (e.name === 'AccessDenied' || e.name === 'AccessDeniedException') {
      throw new StageSetupError(
        `These credentials may not read stack ${stackName} (${e.message}): the acceptance test needs cloudformation:DescribeStacks and GetTemplate, and the calls the scenarios make.`,
      );
    }
    if (e instanceof StageSetupError || e.name === 'ConfigError') throw new StageSetupError(e.message);
    throw error;
  }
}

/**
 * The target and phone the stage checks: CHECK_TARGET / CHECK_PHONE_NUMBER (--target / --phone of
 * the runner) or else the input of the stack's first check schedule (params checkTarget and
 * checkPhoneNumber, resolved into the deployed template).
 */
export async function readStageCheck(stage: string, region: string, overrides: Partial<Check> = {}): Promise<Check> {
  let fromSchedule: Partial<Check> = {};
  if (!overrides.target || !overrides.phoneNumber) fromSchedule = await scheduledCheck(stage, region);
  const check = { target: overrides.target ?? fromSchedule.target, phoneNumber: overrides.phoneNumber ?? fromSchedule.phoneNumber };
  if (!check.target)
    throw new StageSetupError(`Stack ${stackNameOf(stage)} names no check target (param checkTarget): pass --target <name>`);
  if (!check.phoneNumber || !PHONE_NUMBER.pattern.test(check.phoneNumber)) {
    throw new StageSetupError(
      `Stack ${stackNameOf(stage)} names no usable check phone (param checkPhoneNumber is "${check.phoneNumber ?? ''}"): pass --phone <+E164>, the number whose SMS the stage's route brings back`,
    );
  }
  return check as Check;
}

async function scheduledCheck(stage: string, region: string): Promise<Partial<Check>> {
  const cfn = new CloudFormationClient({ region });
  try {
    const { TemplateBody } = await withTimeout(
      cfn.send(new GetTemplateCommand({ StackName: stackNameOf(stage), TemplateStage: 'Processed' })),
      20_000,
      `Reading the template of ${stackNameOf(stage)}`,
    );
    const template = (TemplateBody?.trimStart().startsWith('{') ? JSON.parse(TemplateBody) : parseYaml(TemplateBody ?? '')) as {
      Resources?: Record<string, { Type?: string; Properties?: { Target?: { Input?: unknown } } }>;
    };
    // One schedule per check of checks.yml (plugins/checks.js); the default checks share target and phone.
    const schedules = Object.values(template.Resources ?? {}).filter((r) => r.Type === 'AWS::Scheduler::Schedule');
    const input = schedules.map((r) => r.Properties?.Target?.Input).find((i) => typeof i === 'string');
    if (typeof input !== 'string') return {};
    const parsed = JSON.parse(input) as { target?: string; phoneNumber?: string };
    return { target: parsed.target || undefined, phoneNumber: parsed.phoneNumber || undefined };
  } finally {
    cfn.destroy();
  }
}

/** The stage named by STAGE (and AWS_REGION), as `npm run test:stage` sets them. */
export async function stageTarget(): Promise<AcceptanceTarget> {
  const stage = process.env.STAGE;
  if (!stage) throw new StageSetupError('TEST_MODE=stage needs STAGE=<stage name> (npm run test:stage -- --stage <name> sets it)');
  const region = await resolveRegion(process.env.AWS_REGION);
  await resolveCredentials(stage, region);
  const endpoints = await readStage(stage, region);
  const check = await readStageCheck(stage, region, {
    target: process.env.CHECK_TARGET || undefined,
    phoneNumber: process.env.CHECK_PHONE_NUMBER || undefined,
  });
  return {
    mode: 'stage',
    where: `stage ${stage} (${endpoints.region})`,
    endpoints,
    callbackSecret: await callbackSecret(endpoints),
    check,
    close: async () => undefined,
  };
}
