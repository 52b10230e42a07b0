import type { ClientRef } from '../cognito/clientRef';
import { regionOfUserPool } from '../cognito/region';
import type { RunItem } from '../runs/model';
import type { AuthFlow } from './authFlow';

/**
 * The app client a run signs in through, in the pool's Region. Records written before runs kept
 * their Region were all of pools in the stack's Region.
 */
export function runClient(run: Pick<RunItem, 'userPoolId' | 'clientId' | 'region'>): ClientRef {
  return {
    region: run.region ?? process.env.AWS_REGION ?? regionOfUserPool(run.userPoolId),
    userPoolId: run.userPoolId,
    clientId: run.clientId,
  };
}

/** The run's sign-in flow; records written before flows existed signed in with USER_PASSWORD_AUTH. */
export const runFlow = (run: Pick<RunItem, 'authFlow'>): AuthFlow => run.authFlow ?? 'password';
