import { ValidationError } from '../errors';
import type { CodeRoute } from '../sms/report';

/**
 * The route a run's SMS codes are expected back by (README "How codes come back"), as a run's
 * input names it (`codeRoute`; checks.yml's, npm start's --code-source) and its record keeps it,
 * so that a code that never came is told by the route that should have brought it.
 */
export const CODE_ROUTES = ['inbound-sms', 'custom-sender', 'twilio', 'callback'] as const satisfies readonly CodeRoute[];

/** The route as a failure's cause names it: where to look first. */
export const CODE_ROUTE_NAMES: Record<CodeRoute, string> = {
  'inbound-sms': "the stage's inbound SMS number (two-way SMS to the inbound topic)",
  twilio: 'the Twilio webhook (POST /sms/twilio)',
  'custom-sender': "the pool's Custom SMS Sender",
  callback: 'the signed callback (POST /codes)',
};

export function readCodeRoute(value: unknown): CodeRoute | undefined {
  if (value === undefined || value === null) return undefined;
  if (!(CODE_ROUTES as readonly unknown[]).includes(value))
    throw new ValidationError('codeRoute', `must be one of ${CODE_ROUTES.join(', ')}`);
  return value as CodeRoute;
}
