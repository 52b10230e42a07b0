import { randomBytes } from 'node:crypto';
import { CognitoError } from 'cognito-local/lib/errors';
import type { OutboxContext } from '../fakePhone';
import type { AuthSessionStore, FidelityEnv, TargetFix } from './types';
import { poolOf } from './types';

/**
 * cognito-local hands out a random uuid as `Session` and never looks at it again: any string,
 * an old session, or one already used is accepted. Cognito binds the session to the user and
 * app client, lets it be used once, and expires it after the client's AuthSessionValidity
 * (3 minutes by default). A wrong code does not burn it (Cognito lets the user retry).
 */
interface AuthSession {
  clientId: string;
  username: string;
  expiresAt: number;
  used: boolean;
}

const DEFAULT_VALIDITY_MINUTES = 3;
// Remember finished sessions a while so that a replay gets the precise error, then forget them.
const FORGET_AFTER_MS = 15 * 60_000;

const invalid = (detail = '') => new CognitoError('NotAuthorizedException', `Invalid session for the user${detail}.`);

export class AuthSessions implements AuthSessionStore {
  private readonly sessions = new Map<string, AuthSession>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(clientId: string, username: string, validityMinutes = DEFAULT_VALIDITY_MINUTES): string {
    this.forgetOld();
    // Real sessions are ~1,500 opaque characters; length matters to code that stores them.
    const token = randomBytes(768).toString('base64url');
    this.sessions.set(token, { clientId, username, expiresAt: this.now() + validityMinutes * 60_000, used: false });
    return token;
  }

  /** Throws NotAuthorizedException unless the session is live, unused and belongs to this client. */
  check(token: unknown, clientId: string): AuthSession {
    const session = typeof token === 'string' ? this.sessions.get(token) : undefined;
    if (!session || session.clientId !== clientId) throw invalid();
    if (session.used) throw invalid(', session can only be used once');
    if (this.now() > session.expiresAt) throw invalid(', session is expired');
    return session;
  }

  markUsed(token: string): void {
    const session = this.sessions.get(token);
    if (session) session.used = true;
  }

  private forgetOld(): void {
    const cutoff = this.now() - FORGET_AFTER_MS;
    for (const [token, s] of this.sessions) if (s.expiresAt < cutoff) this.sessions.delete(token);
  }
}

async function validityMinutes(env: FidelityEnv, ctx: OutboxContext, clientId: string): Promise<number> {
  // cognito-local drops AuthSessionValidity on CreateUserPoolClient today; honour it if it ever keeps it.
  const client = (await env.services.cognito.getAppClient(ctx, clientId)) as { AuthSessionValidity?: number } | null;
  return client?.AuthSessionValidity ?? DEFAULT_VALIDITY_MINUTES;
}

export const sessionsFix: TargetFix = {
  fix: 'sessions',
  targets: ['InitiateAuth', 'AdminInitiateAuth', 'RespondToAuthChallenge'],
  wrap: (inner, env, target) => async (ctx, req) => {
    if (target !== 'RespondToAuthChallenge') {
      const out = await inner(ctx, req);
      if (out?.Session) {
        // The user's own name, not the one typed (another case, an alias): SELECT_CHALLENGE names no USER_ID_FOR_SRP.
        const typed = req.AuthParameters?.USERNAME;
        const found = typeof typed === 'string' ? await (await poolOf(env, ctx, req)).getUserByUsername(ctx, typed) : null;
        const username = out.ChallengeParameters?.USER_ID_FOR_SRP ?? found?.Username ?? typed;
        out.Session = env.sessions.issue(req.ClientId, username, await validityMinutes(env, ctx, req.ClientId));
      }
      return out;
    }
    const session = env.sessions.check(req.Session, req.ClientId);
    const claimed = req.ChallengeResponses?.USERNAME;
    if (typeof claimed === 'string') {
      const user = await (await poolOf(env, ctx, req)).getUserByUsername(ctx, claimed);
      if (user?.Username !== session.username) throw invalid();
    }
    // cognito-local only wants a non-empty Session; the real check happened above.
    const out = await inner(ctx, { ...req, Session: 'checked-by-fidelity-layer' });
    env.sessions.markUsed(req.Session);
    if (out?.Session) {
      out.Session = env.sessions.issue(req.ClientId, session.username, await validityMinutes(env, ctx, req.ClientId));
    }
    return out;
  },
};
