import { InitiateAuthCommand, type InitiateAuthCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../clients';

/** USER_PASSWORD_AUTH, as an app would sign a user in (unauthenticated: no IAM statement needed). */
export async function passwordSignIn(clientId: string, username: string, password: string): Promise<InitiateAuthCommandOutput> {
  return cognito().send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
}
