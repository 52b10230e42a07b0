import { RespondToAuthChallengeCommand, type RespondToAuthChallengeCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../clients';
import { withSecretHash, type ClientRef } from './clientRef';

/**
 * Answers PASSWORD_VERIFIER: ChallengeResponses USERNAME, PASSWORD_CLAIM_SECRET_BLOCK,
 * PASSWORD_CLAIM_SIGNATURE and TIMESTAMP (computed by cognito-srp-helper's signSrpSession), and
 * SECRET_HASH for a client with a secret ("ChallengeResponseType", Cognito API reference: a
 * SECRET_HASH in all challenge responses of a client with a secret). USERNAME is the challenge's
 * USER_ID_FOR_SRP: "In SRP challenges, Amazon Cognito returns the username attribute in
 * USER_ID_FOR_SRP instead of any email address … alias … You must use the username and not an
 * alias in the ChallengeResponses" (InitiateAuth API reference, ChallengeParameters).
 */
/** The SRP proof of the password, as signSrpSession computes it: proves the password, is not it. */
export interface PasswordClaim {
  secretBlock: string;
  signature: string;
  timestamp: string;
}

export async function answerPasswordVerifier(
  client: ClientRef,
  claim: PasswordClaim,
  username: string,
  session: string | undefined,
  secretHash?: string,
): Promise<RespondToAuthChallengeCommandOutput> {
  return cognitoIn(client.region).send(
    new RespondToAuthChallengeCommand({
      ClientId: client.clientId,
      ChallengeName: 'PASSWORD_VERIFIER',
      Session: session,
      ChallengeResponses: withSecretHash(
        {
          USERNAME: username,
          PASSWORD_CLAIM_SECRET_BLOCK: claim.secretBlock,
          PASSWORD_CLAIM_SIGNATURE: claim.signature,
          TIMESTAMP: claim.timestamp,
        },
        secretHash,
      ),
    }),
  );
}
