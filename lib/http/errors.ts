import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { awsErrorName, isAwsError } from '../errors';
import { logger } from '../logger';
import { errorResponse, type HttpResult } from './response';

/** AWS error names that mean "try again shortly": throttling and service-side faults, not the caller's input. */
const TRANSIENT = [
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalServiceError',
  'InternalFailure',
  'TransactionConflict',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
];
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

export const RETRY_AFTER_SECONDS = 2;

/** True when the failure is the platform's, momentarily: the client should retry, and may. */
export function isTransient(error: unknown): boolean {
  if (isAwsError(error, ...TRANSIENT)) return true;
  const e = error as { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; code?: string } | undefined;
  if (e?.$retryable) return true;
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  return typeof e?.code === 'string' && NETWORK_CODES.has(e.code);
}

/**
 * The HTTP handler's last resort: whatever escaped the function (an AWS outage, our own bug)
 * becomes 503 + Retry-After or 500 with the request id, never a stack trace. Bad input never
 * reaches this point: the function answers it itself. Only the error's name and message are
 * logged; the event is not, because it holds a code and a signature.
 */
export function httpErrors(): middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResult, Error, Context> {
  return {
    onError: async (request) => {
      const error = request.error;
      const requestId = request.context?.awsRequestId;
      const transient = isTransient(error);
      logger.error(transient ? 'dependency unavailable' : 'request failed', {
        errorName: awsErrorName(error),
        errorMessage: error?.message,
        httpStatusCode: (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode,
      });
      request.response = transient
        ? errorResponse(
            503,
            { code: 'ServiceUnavailable', message: 'A service this API depends on is busy or unavailable; retry shortly.', requestId },
            { 'retry-after': String(RETRY_AFTER_SECONDS) },
          )
        : errorResponse(500, {
            code: 'InternalError',
            message: 'The request could not be processed; quote the requestId when reporting it.',
            requestId,
          });
    },
  };
}
