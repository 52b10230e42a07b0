import { createHmac, randomBytes } from 'node:crypto';
import { getPasswordKey } from '../runs/getPasswordKey';
import { putPasswordKey } from '../runs/putPasswordKey';

/** The fixed prefix satisfies Cognito's default policy (upper, lower, digit, symbol). */
const derive = (key: string, what: string) => `Aa1!${createHmac('sha256', key).update(what).digest('base64url').slice(0, 28)}`;

let cached: Promise<string> | undefined;

/**
 * The key synthetic passwords are derived from: random, made by the first run that needs it and
 * kept in the runs table (`KEY#synthetic-passwords`, no TTL), where only this stack's functions
 * can read it. Not the callback signing secret: whoever forwards codes holds that one, and with it
 * could work out the standing user's password and sign in as it. Read once per container.
 */
function passwordKey(): Promise<string> {
  cached ??= (async () => {
    const existing = await getPasswordKey();
    if (existing) return existing;
    const made = randomBytes(32).toString('base64');
    // Two first runs at once: the one that stored its key first wins, the other reads it.
    if (await putPasswordKey(made)) return made;
    const stored = await getPasswordKey();
    if (!stored) throw new Error('The password key was neither stored nor readable');
    return stored;
  })().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

/** For tests: forget the key read in this container. */
export function clearPasswordKeyCache(): void {
  cached = undefined;
}

/**
 * A sign-up run's synthetic user's password, derived from the password key and the run id inside
 * each Lambda that needs it, so it never travels through Step Functions state or DynamoDB.
 */
export async function syntheticPassword(runId: string): Promise<string> {
  return derive(await passwordKey(), `password:${runId}`);
}

/**
 * The standing user's password, from the same key and the user's name: the same in every run,
 * stored nowhere. Deleting the key item changes it; the next sign-in is then refused and the run
 * recreates the user with the new one.
 */
export async function standingUserPassword(username: string): Promise<string> {
  return derive(await passwordKey(), `standing-password:${username}`);
}
