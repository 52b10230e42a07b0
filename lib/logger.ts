import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';

type FormatArgs = Parameters<LogFormatter['formatAttributes']>;

/**
 * Log lines that pay for themselves (issue 12: a passing check writes at most 4 KB of logs). The
 * default Powertools line repeats the function's ARN, name, memory, the service and the sampling rate
 * on every line (about 350 bytes), all of which the log group and its stream already say. Kept: the
 * level and message, the request id (to find the invocation), the first-invocation flag (cold starts)
 * and what the caller logs. CloudWatch stamps each event's time itself, so no timestamp either.
 */
class CompactLogFormatter extends LogFormatter {
  formatAttributes(attributes: FormatArgs[0], additional: FormatArgs[1]): LogItem {
    const context = attributes.lambdaContext;
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        ...(context ? { requestId: context.awsRequestId, ...(context.coldStart ? { coldStart: true } : {}) } : {}),
      },
    }).addAttributes(additional);
  }
}

/**
 * One logger for all handlers (Powertools style). Events are never logged: they may hold
 * passwords, codes and sessions. Log only ids, names and masked phone numbers.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cognito-sms-mfa',
  logFormatter: new CompactLogFormatter(),
});
