import { regionOfUserPool } from './region';

/**
 * Multi-Region replication keeps one pool id in every Region ("Amazon Cognito creates separate user
 * pools with a shared user pool ID", developer guide, "Multi-Region replication for user pools"), so a
 * pool id's prefix is always its PRIMARY Region. A target whose Region differs from that prefix is a
 * secondary replica (`cogcheck target add --pool-region`): no other record has them differ.
 */
export function primaryRegionOf(userPoolId: string): string {
  return regionOfUserPool(userPoolId);
}

/** The Region of a secondary replica this target names, or undefined for a pool checked in its own (primary) Region. */
export function secondaryRegionOf(target: { userPoolId: string; region?: string }): string | undefined {
  if (!target.region) return undefined;
  let primary: string;
  try {
    primary = primaryRegionOf(target.userPoolId);
  } catch {
    // An id of another shape (made-up ids in unit tests) names no Region to compare.
    return undefined;
  }
  return target.region !== primary ? target.region : undefined;
}

/**
 * Where the standing user is created, repaired or deleted: always the primary. A secondary "can't
 * create users" and allows only "end-user operations that do not create or change attributes of a
 * user" (UserPoolReplicaType.Role, Cognito API reference); users replicate from the primary.
 */
export function adminRegionOf(client: { userPoolId: string; region: string }): string {
  return secondaryRegionOf(client) ? primaryRegionOf(client.userPoolId) : client.region;
}
