import {
  ListUserPoolReplicasCommand,
  type CognitoIdentityProviderClient,
  type UserPoolReplicaType,
} from '@aws-sdk/client-cognito-identity-provider';

/**
 * Every replica of a user pool, the primary among them (ListUserPoolReplicas, Cognito API reference:
 * "Lists all replicas for a user pool, including both primary and secondary replicas"), each with
 * its RegionName, Status (CREATING | INACTIVE | ACTIVE | DELETING) and Role (PRIMARY | SECONDARY).
 * Paged with NextToken, as the reference recommends.
 */
export async function listUserPoolReplicas(cognito: CognitoIdentityProviderClient, userPoolId: string): Promise<UserPoolReplicaType[]> {
  const replicas: UserPoolReplicaType[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cognito.send(new ListUserPoolReplicasCommand({ UserPoolId: userPoolId, NextToken }));
    replicas.push(...(page.UserPoolReplicas ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return replicas;
}
