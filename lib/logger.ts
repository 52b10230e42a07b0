import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One logger for all handlers (Powertools style). Events are never logged: they may hold
 * passwords, codes and sessions. Log only ids, names and masked phone numbers.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cognito-sms-mfa' });
