import { appClient } from '../cognito/appClient';
import type { ClientRef } from '../cognito/clientRef';
import { NamedError } from '../errors';
import { AUTH_FLOW_API, DEFAULT_FLOWS, clientAllows, defaultAuthFlow, type AuthFlow } from './authFlow';

/**
 * The flow a run signs in with: the one the run or its target names, else the client's default
 * (lib/verify/authFlow.ts defaultAuthFlow). Checked against the client's ExplicitAuthFlows before
 * any sign-in, so a flow Cognito would refuse fails with the setting to change, not Cognito's
 * "… flow not enabled for this client" midway through a run.
 */
export async function resolveAuthFlow(client: ClientRef, requested: AuthFlow | undefined): Promise<AuthFlow> {
  const { explicitAuthFlows } = await appClient(client.region, client.userPoolId, client.clientId);
  if (requested !== undefined) {
    if (clientAllows(explicitAuthFlows, requested)) return requested;
    const { authFlow, clientFlow } = AUTH_FLOW_API[requested];
    throw new NamedError(
      'AuthFlowNotAllowed',
      `App client ${client.clientId} does not allow the ${requested} flow (${authFlow}): add ${clientFlow} to its ExplicitAuthFlows, ` +
        `or choose a flow it allows (authFlow / --auth-flow)`,
    );
  }
  const chosen = defaultAuthFlow(explicitAuthFlows);
  if (chosen) return chosen;
  throw new NamedError(
    'AuthFlowNotAllowed',
    `App client ${client.clientId} allows none of the sign-in flows a check can use ` +
      `(${DEFAULT_FLOWS.map((f) => AUTH_FLOW_API[f].clientFlow).join(', ')}): add one of them to its ExplicitAuthFlows`,
  );
}
