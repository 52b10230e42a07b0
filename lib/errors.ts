/**
 * Our own failures. Step Functions matches `Retry`/`Catch` on the Lambda's errorType, which the
 * Node runtime takes from `error.name`, so every class sets `name` explicitly (minifiers rename
 * classes, so `constructor.name` cannot be trusted).
 */
export class NamedError extends Error {
  constructor(name: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }
}

/** Input that breaks a rule; `field` and `rule` say which and why. */
export class ValidationError extends NamedError {
  readonly field: string;
  readonly rule: string;
  constructor(field: string, rule: string) {
    super('ValidationError', `${field}: ${rule}`);
    this.field = field;
    this.rule = rule;
  }
}

/** An existing IAM role of the requested name that Cognito cannot use as its SMS role. */
export class SmsRoleTrustMismatch extends NamedError {
  constructor(roleName: string, differences: string[]) {
    super(
      'SmsRoleTrustMismatch',
      `Role ${roleName} exists but its trust policy differs from what Cognito SMS needs: ` +
        `${differences.join('; ')}. Fix or delete the role, or choose another roleName; it is never overwritten.`,
    );
  }
}

/** Two resources share a name we look up by, so "find by name" is ambiguous. */
export class DuplicateName extends NamedError {
  constructor(kind: 'UserPool' | 'UserPoolClient', name: string, ids: string[]) {
    super(
      `Duplicate${kind}Name`,
      `${ids.length} ${kind === 'UserPool' ? 'user pools' : 'app clients'} are named "${name}" (${ids.join(', ')}); ` +
        'delete or rename all but one, then run again.',
    );
  }
}

export class TargetNotFound extends NamedError {
  constructor(what: string) {
    super('TargetNotFound', what);
  }
}

/** The name an AWS SDK v3 error carries, whatever shape it arrived in. */
export function awsErrorName(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'name' in error && typeof error.name === 'string') return error.name;
  return undefined;
}

/** True when an SDK error is one of the given AWS error names (with or without the SDK's `Exception` suffix). */
export function isAwsError(error: unknown, ...names: string[]): boolean {
  const name = awsErrorName(error);
  if (!name) return false;
  const code = (error as { Code?: string }).Code;
  return names.some((n) => name === n || name === `${n}Exception` || code === n);
}

/**
 * Failures that a later attempt may not meet: throttling, the service or its dependencies failing,
 * timeouts, or no HTTP answer at all (network). A refusal (validation, access, a disabled key, an
 * opted-out number) stays as it is however often it is retried, so it is not transient.
 */
const TRANSIENT_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'KMSInternalException',
  'DependencyTimeoutException',
  'KeyUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

export function isTransientAwsError(error: unknown): boolean {
  const name = awsErrorName(error);
  if (name && TRANSIENT_NAMES.has(name)) return true;
  // Every answer of an AWS service carries its HTTP status; none at all is a network failure.
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  return status === undefined || status >= 500 || status === 429;
}
