import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The AWS CLI v1 against the local cloud, through the standard AWS_ENDPOINT_URL_<SERVICE> variables
 * of `cloudEnv` only: no profile or config of the machine may leak in. Parses its JSON output.
 */
export async function awsCliJson<T>(cloudEnv: Record<string, string>, ...args: string[]): Promise<T> {
  const { stdout } = await run('aws', ['--output', 'json', ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      ...cloudEnv,
    },
    timeout: 30_000,
  });
  return (stdout.trim() ? JSON.parse(stdout) : {}) as T;
}
