import { AdminSetUserMFAPreferenceCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../clients';

/**
 * Turns SMS MFA on for a user and makes it the preferred factor, as a user of an MFA OPTIONAL pool
 * does when they choose SMS ("Adding MFA to a user pool": with MFA optional, Cognito challenges
 * only users who have an MFA factor enabled). Needs the user's verified phone number.
 */
export async function setSmsMfaPreference(region: string, userPoolId: string, username: string): Promise<void> {
  await cognitoIn(region).send(
    new AdminSetUserMFAPreferenceCommand({
      UserPoolId: userPoolId,
      Username: username,
      SMSMfaSettings: { Enabled: true, PreferredMfa: true },
    }),
  );
}
