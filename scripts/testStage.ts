/**
 * `npm run test:stage -- --stage <name> [--region <region>] [--target <name>] [--phone <+E164>] [-- <jest args>]`
 *
 * Runs the acceptance scenarios (tests/acceptance) against a deployed stage: the same
 * given/when/then steps that `npm test` runs on the local cloud, with TEST_MODE=stage switching
 * their driver to the stack `cognito-sms-mfa-<stage>`. Before starting jest it checks, in this
 * order and each within seconds, that there are AWS credentials (resolved locally through the SDK's
 * provider chain, no network), that the stack exists and has the outputs the CLI reads, and which
 * target and phone the stage checks; any gap ends the run at once with what is missing (exit 2).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { maskPhone } from '../lib/phone';
import { PROJECT_ROOT } from '../local/serverlessConfig';
import {
  readStage,
  readStageCheck,
  resolveCredentials,
  resolveRegion,
  stackNameOf,
  StageSetupError,
} from '../tests/support/acceptanceStage';

export const USAGE = `Usage: npm run test:stage -- --stage <name> [--region <region>] [--target <name>] [--phone <+E164>] [-- <jest args>]

Runs tests/acceptance against the deployed stack cognito-sms-mfa-<name> (TEST_MODE=stage):
provisioning re-run, a passing check with the codes the stage's route brings back, a wrong code,
hostile callbacks, teardown of a temporary target. --target and --phone default to the stack's
check schedule input (params checkTarget, checkPhoneNumber). Needs AWS credentials (env vars,
AWS_PROFILE, or a role). Exit codes: jest's, or 2 when the stage cannot be reached.`;

const STAGE_NAME = /^[A-Za-z0-9-]{1,64}$/;

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const split = argv.indexOf('--');
  const [own, jestArgs] = split === -1 ? [argv, []] : [argv.slice(0, split), argv.slice(split + 1)];
  let o: { stage?: string; region?: string; target?: string; phone?: string; help?: boolean };
  try {
    o = parseArgs({
      args: own,
      options: {
        stage: { type: 'string' },
        region: { type: 'string' },
        target: { type: 'string' },
        phone: { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    io.err(`test:stage: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (o.help) {
    io.out(USAGE);
    return 0;
  }
  if (!o.stage || !STAGE_NAME.test(o.stage)) {
    io.err(
      `test:stage: ${o.stage ? `"${o.stage}" is not a stage name (letters, digits, -)` : 'which stage? Give --stage <name>'}\n\n${USAGE}`,
    );
    return 2;
  }
  const stage = o.stage;
  // The SDK's Node 20 notice would bury the one line that matters here (the SDK is pinned by the lockfile).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  try {
    const region = await resolveRegion(o.region);
    const credentials = await resolveCredentials(stage, region);
    const endpoints = await readStage(stage, region);
    const check = await readStageCheck(stage, region, { target: o.target, phoneNumber: o.phone });
    io.out(
      `Acceptance test on stack ${stackNameOf(stage)} (${endpoints.region}): target ${check.target}, check phone ${maskPhone(check.phoneNumber)}`,
    );

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TEST_MODE: 'stage',
      STAGE: stage,
      AWS_REGION: endpoints.region,
      AWS_DEFAULT_REGION: endpoints.region,
      CHECK_TARGET: check.target,
      CHECK_PHONE_NUMBER: check.phoneNumber,
      // The credentials resolved here (profile, SSO, role), so jest's workers use the same ones.
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    if (credentials.sessionToken) env.AWS_SESSION_TOKEN = credentials.sessionToken;
    else delete env.AWS_SESSION_TOKEN;
    const jest = join(PROJECT_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
    const child = spawn(process.execPath, [jest, '--ci', '--runInBand', 'tests/acceptance', ...jestArgs], {
      cwd: PROJECT_ROOT,
      env,
      stdio: 'inherit',
    });
    return await new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  } catch (error) {
    if (error instanceof StageSetupError) {
      io.err(`test:stage: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) }).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`test:stage: ${error.name}: ${error.message}`);
      process.exit(1);
    },
  );
}
