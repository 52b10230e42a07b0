import {
  CreateUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  type ExplicitAuthFlowsType,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../../lib/clients';
import { findUserPoolClientByName } from '../../lib/cognito/findUserPoolClientByName';
import { NamedError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { logger } from '../../lib/logger';
import { CLIENT_NAME } from '../../lib/names';
import { USER_POOL_ID } from '../../lib/cognito/ids';
import { asObject, requiredString } from '../../lib/validate';
import { AUTH_FLOW_API, clientAuthFlows } from '../../lib/verify/authFlow';

/** What a new client allows. ALLOW_CUSTOM_AUTH is in the product brief's client, though no check uses it. */
export const AUTH_FLOWS: ExplicitAuthFlowsType[] = [
  'ALLOW_CUSTOM_AUTH',
  'ALLOW_REFRESH_TOKEN_AUTH',
  'ALLOW_USER_SRP_AUTH',
  'ALLOW_USER_PASSWORD_AUTH',
];

export interface EnsureUserPoolClientOutput {
  clientId: string;
  created: boolean;
  drift: string[];
}

/** A public app client (no secret, so a synthetic user can log in with a password alone). */
export async function ensureUserPoolClient(event: unknown): Promise<EnsureUserPoolClientOutput> {
  const input = asObject(event);
  const userPoolId = requiredString(input, 'userPoolId', USER_POOL_ID);
  const clientName = requiredString(input, 'clientName', CLIENT_NAME);

  const existingId = await findUserPoolClientByName(userPoolId, clientName);
  if (existingId) {
    const { UserPoolClient: client } = await cognito().send(
      new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: existingId }),
    );
    const drift = clientFlowDrift(client?.ExplicitAuthFlows);
    if (client?.ClientSecret) drift.push('the client has a secret: checks send its SECRET_HASH (read at run time)');
    if (drift.length) logger.warn('existing app client differs from the provisioning spec', { clientId: existingId, drift });
    return { clientId: existingId, created: false, drift };
  }

  const { UserPoolClient: client } = await cognito().send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: clientName,
      GenerateSecret: false,
      ExplicitAuthFlows: AUTH_FLOWS,
      // Same answer for unknown users as for wrong passwords: no user enumeration through this client.
      PreventUserExistenceErrors: 'ENABLED',
    }),
  );
  if (!client?.ClientId) throw new NamedError('Unexpected', `Cognito returned no id for app client ${clientName}`);
  logger.info('created app client', { userPoolId, clientId: client.ClientId });
  return { clientId: client.ClientId, created: true, drift: [] };
}

/**
 * The flows provisioning creates that a check uses, each missing one named with what it stops:
 * only those, so a client without ALLOW_CUSTOM_AUTH (no check uses it) has not drifted.
 */
export function clientFlowDrift(explicitAuthFlows: readonly string[] | undefined): string[] {
  const allowed = clientAuthFlows(explicitAuthFlows);
  const uses: [string, string][] = [
    [AUTH_FLOW_API.password.clientFlow, 'checks with --auth-flow password (USER_PASSWORD_AUTH) cannot sign in'],
    [AUTH_FLOW_API.srp.clientFlow, 'checks with --auth-flow srp (USER_SRP_AUTH, as Amplify apps sign in) cannot sign in'],
    ['ALLOW_REFRESH_TOKEN_AUTH', 'checks cannot refresh the tokens they get'],
  ];
  return uses.filter(([flow]) => !allowed.has(flow)).map(([flow, stops]) => `${flow} is not allowed: ${stops}`);
}

export const handler = taskHandler(ensureUserPoolClient);
