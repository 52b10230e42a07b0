import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logger } from './logger';
import { awsErrorName } from './errors';

/**
 * The Lambda runtime reports a thrown error's stack as `trace` in the Step Functions `Cause`,
 * which ends up in the execution history. Keep only the first line there; the full stack goes
 * to the log, where it helps and is access-controlled.
 */
const shortenTrace = (): middy.MiddlewareObj => ({
  onError: async (request) => {
    const error = request.error;
    if (!error) return;
    logger.error('task failed', { errorName: awsErrorName(error), errorMessage: error.message, stack: error.stack });
    error.stack = `${error.name}: ${error.message}`;
  },
});

/**
 * Wrap a Step Functions task: context-aware logging, no event logging, errors rethrown (a task
 * must fail for `Retry`/`Catch` to see it) with their AWS names intact.
 */
export function taskHandler<I, O>(fn: (input: I) => Promise<O>) {
  return middy<I, O, Error, Context>((event: I) => fn(event))
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    .use(shortenTrace());
}
