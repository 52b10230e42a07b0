/**
 * A Step Functions service error. `name` is the AWS error code (what the SDK exposes as
 * `err.name` and the wire protocol as `__type`), so in-process callers and HTTP clients see
 * the same thing.
 */
export class SfnServiceError extends Error {
  readonly httpStatus: number;

  constructor(name: string, message: string, httpStatus = 400) {
    super(message);
    this.name = name;
    this.httpStatus = httpStatus;
  }
}

export const invalidDefinition = (message: string) => new SfnServiceError('InvalidDefinition', message);
export const validation = (message: string) => new SfnServiceError('ValidationException', message);

/** An error raised inside an execution, with the `Error`/`Cause` pair a Catch would see. */
export function taskError(name: string, cause: string): Error {
  const err = new Error(cause);
  err.name = name;
  return err;
}

/**
 * AWS reports a Lambda error's cause as the JSON the Lambda runtime produces, so
 * states that `Catch` it and parse `$.Cause` see the same shape locally.
 */
export function lambdaErrorCause(err: unknown): { error: string; cause: string } {
  if (err instanceof Error) {
    const trace = (err.stack ?? '').split('\n').filter(Boolean);
    return {
      error: err.name || 'Error',
      cause: JSON.stringify({ errorType: err.name || 'Error', errorMessage: err.message, trace }),
    };
  }
  return { error: 'Error', cause: JSON.stringify({ errorType: 'Error', errorMessage: String(err), trace: [] }) };
}
