import { randomBytes } from 'node:crypto';
import { SfnServiceError, validation } from './errors';

export type TokenOutcome = { kind: 'success'; output: unknown } | { kind: 'failure'; error: string; cause: string };

interface TokenRecord {
  executionArn: string;
  stateName: string;
  open: boolean;
  settle?: (outcome: TokenOutcome) => void;
  heartbeatListeners: Set<() => void>;
}

export interface OpenToken {
  /** Settles on SendTaskSuccess/SendTaskFailure; never rejects. */
  outcome: Promise<TokenOutcome>;
  onHeartbeat(listener: () => void): void;
}

const MAX_TOKEN_LENGTH = 2048;

/**
 * Task tokens as AWS treats them: unknown or malformed → InvalidToken; known but its task is
 * closed (answered, timed out, execution ended) → TaskTimedOut. Closed tokens are remembered
 * for the life of the process so late callers get TaskTimedOut rather than InvalidToken.
 */
export class TaskTokens {
  private readonly records = new Map<string, TokenRecord>();

  mint(executionArn: string, stateName: string): string {
    // Long and opaque like AWS tokens, so callers do not come to depend on a shape.
    const token = `AQ${randomBytes(96).toString('base64url')}`;
    this.records.set(token, { executionArn, stateName, open: false, heartbeatListeners: new Set() });
    return token;
  }

  /** Starts accepting SendTask* for the token; done before the Lambda runs, which may answer at once. */
  open(token: string): OpenToken {
    const record = this.mustGet(token);
    record.open = true;
    const outcome = new Promise<TokenOutcome>((resolve) => {
      record.settle = resolve;
    });
    return { outcome, onHeartbeat: (listener) => record.heartbeatListeners.add(listener) };
  }

  close(token: string): void {
    const record = this.records.get(token);
    if (!record) return;
    record.open = false;
    record.settle = undefined;
    record.heartbeatListeners.clear();
  }

  closeAllFor(executionArn: string): void {
    for (const [token, record] of this.records) if (record.executionArn === executionArn) this.close(token);
  }

  /** Which execution and state a token belongs to, for logs; undefined for unknown tokens. */
  describe(token: string): { executionArn: string; stateName: string } | undefined {
    const record = this.records.get(token);
    return record && { executionArn: record.executionArn, stateName: record.stateName };
  }

  sendSuccess(token: unknown, output: unknown): void {
    if (typeof output !== 'string') throw validation("Value null at 'output' failed to satisfy constraint: Member must not be null");
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new SfnServiceError('InvalidOutput', 'Invalid output: the output is not valid JSON');
    }
    this.settle(token, { kind: 'success', output: parsed });
  }

  sendFailure(token: unknown, error?: unknown, cause?: unknown): void {
    this.settle(token, {
      kind: 'failure',
      error: typeof error === 'string' ? error : '',
      cause: typeof cause === 'string' ? cause : '',
    });
  }

  sendHeartbeat(token: unknown): void {
    const record = this.openRecord(token);
    for (const listener of record.heartbeatListeners) listener();
  }

  private settle(token: unknown, outcome: TokenOutcome): void {
    const record = this.openRecord(token);
    const settle = record.settle;
    this.close(token as string);
    settle?.(outcome);
  }

  private openRecord(token: unknown): TokenRecord {
    const record = this.mustGet(token);
    if (!record.open) throw new SfnServiceError('TaskTimedOut', 'Task Timed Out: the task for this token is closed');
    return record;
  }

  private mustGet(token: unknown): TokenRecord {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw validation('taskToken must be a string of 1 to 2048 characters');
    }
    const record = this.records.get(token);
    if (!record) throw new SfnServiceError('InvalidToken', 'Invalid Token: the task token is not valid');
    return record;
  }
}
