import * as sdk from '@aws-sdk/client-cognito-identity-provider';
import { CognitoError } from 'cognito-local/lib/errors';
import type { Router } from 'cognito-local/lib/server/Router';

/**
 * Fault injection: make the next calls of one Cognito operation fail with an AWS error, as
 * Cognito answers it (JSON protocol, `{"__type": <error>, "message": …}`), so the SDK throws an
 * error whose `name` is that error and callers' Retry/Catch see exactly what they would in AWS.
 * Typical use: `InvalidSmsRoleTrustRelationshipException` on `CreateUserPool` while a new role
 * propagates in IAM, `TooManyRequestsException`, `InternalErrorException`.
 */
export interface FaultRule {
  /** The Cognito API operation, as in the SDK command without `Command`: `CreateUserPool`. */
  operation: string;
  /** The AWS error name (`__type`): `InvalidSmsRoleTrustRelationshipException`. */
  error: string;
  /** Cognito's message for it; default: a generic one naming the error. */
  message?: string;
  /** How many calls fail, one after another; default 1. `Infinity` fails every call until removed. */
  times?: number;
  /** Only calls whose request body passes this count (and fail); default: every call of the operation. */
  match?: (request: Record<string, unknown>) => boolean;
}

/** A rule in force: how often it has fired and how often it still will. */
export interface InjectedFault {
  readonly rule: Readonly<FaultRule>;
  /** Calls it has failed so far. */
  readonly fired: number;
  /** Calls it will still fail (0 once used up or removed). */
  readonly remaining: number;
  remove(): void;
}

/**
 * Cognito answers HTTP 500 for InternalErrorException (which the SDK retries by itself, as a
 * transient server error) and 400 for every other error, throttling included (the SDK knows
 * TooManyRequestsException by name).
 */
const SERVER_ERRORS = new Set(['InternalErrorException', 'InternalServerError', 'ServiceUnavailable']);

const ERROR_NAME = /^[A-Za-z][A-Za-z0-9.]{0,127}$/;

/** Every operation Cognito has: the SDK's command list (cognito-local implements only some). */
function isCognitoOperation(name: string): boolean {
  return /^[A-Z][A-Za-z0-9]+$/.test(name) && typeof (sdk as Record<string, unknown>)[`${name}Command`] === 'function';
}

/**
 * cognito-local's server answers a non-CognitoError with status 500 and the thrown value as
 * JSON: own enumerable fields only, hence a plain class rather than an Error.
 */
class ServerFault {
  constructor(
    readonly __type: string,
    readonly message: string,
  ) {}
}

interface ActiveFault {
  rule: FaultRule;
  fired: number;
  remaining: number;
}

export class FaultInjector {
  private readonly active: ActiveFault[] = [];

  constructor(rules: readonly FaultRule[] = []) {
    for (const rule of rules) this.inject(rule);
  }

  inject(rule: FaultRule): InjectedFault {
    const checked = checkRule(rule);
    const fault: ActiveFault = { rule: checked, fired: 0, remaining: checked.times ?? 1 };
    this.active.push(fault);
    const remove = () => {
      fault.remaining = 0;
      const i = this.active.indexOf(fault);
      if (i >= 0) this.active.splice(i, 1);
    };
    return {
      rule: checked,
      get fired() {
        return fault.fired;
      },
      get remaining() {
        return fault.remaining;
      },
      remove,
    };
  }

  clear(): void {
    for (const fault of this.active) fault.remaining = 0;
    this.active.length = 0;
  }

  /**
   * The error this call must fail with, if any. Decided synchronously on arrival, so concurrent
   * calls each take one of the `times`; rules are consulted in the order they were added.
   */
  take(operation: string, request: Record<string, unknown>): Error | ServerFault | undefined {
    for (const fault of this.active) {
      if (fault.rule.operation !== operation || fault.remaining <= 0) continue;
      if (fault.rule.match && !fault.rule.match(request)) continue;
      fault.remaining -= 1;
      fault.fired += 1;
      if (fault.remaining <= 0) this.active.splice(this.active.indexOf(fault), 1);
      const message = fault.rule.message ?? `${fault.rule.error} (injected by the local cognito)`;
      return SERVER_ERRORS.has(fault.rule.error) ? new ServerFault(fault.rule.error, message) : new CognitoError(fault.rule.error, message);
    }
    return undefined;
  }

  /** Wraps a router: a call that a rule hits fails before reaching cognito-local (no side effect). */
  wrap(inner: Router): Router {
    return (target) => {
      const route = inner(target);
      return async (ctx, req) => {
        const fault = this.take(target, (req ?? {}) as Record<string, unknown>);
        if (fault) throw fault;
        return route(ctx, req);
      };
    };
  }
}

function checkRule(rule: FaultRule): FaultRule {
  if (!rule || typeof rule !== 'object') throw new TypeError('A fault rule must be an object');
  if (typeof rule.operation !== 'string' || !isCognitoOperation(rule.operation)) {
    throw new TypeError(`Fault rule: "${String(rule.operation)}" is not a Cognito operation (e.g. CreateUserPool)`);
  }
  if (typeof rule.error !== 'string' || !ERROR_NAME.test(rule.error)) {
    throw new TypeError(`Fault rule: error must be an AWS error name (e.g. InvalidParameterException), got "${String(rule.error)}"`);
  }
  const times = rule.times ?? 1;
  if (!(times === Infinity || (Number.isInteger(times) && times >= 1))) {
    throw new TypeError(`Fault rule: times must be a positive integer or Infinity, got ${String(rule.times)}`);
  }
  if (rule.message !== undefined && typeof rule.message !== 'string') throw new TypeError('Fault rule: message must be a string');
  if (rule.match !== undefined && typeof rule.match !== 'function') throw new TypeError('Fault rule: match must be a function');
  return { ...rule };
}
