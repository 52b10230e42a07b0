import type { UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { list, policyStatements } from '../iam/policyDocument';
import { cognitoTrustStatements } from '../iam/smsTrustPolicy';
import type { Finding } from './finding';

/**
 * Failover readiness of a secondary replica (`cogcheck target add --pool-region`): what a check, and
 * every user, would meet there after a failover. The replica's SMS configuration, Lambda triggers and
 * e-mail are Regional, "not synced" from the primary (developer guide, "Multi-Region replication for
 * user pools"): a replica can look fine until the day of the failover, when every SMS MFA sign-in fails.
 */

/** What ListUserPoolReplicas says of the replica, and the Region of the primary. */
export interface ReplicaFacts {
  region: string;
  primaryRegion: string;
  /** CREATING | INACTIVE | ACTIVE | DELETING */
  status?: string;
  /** The replica's own ARN: arn:aws:cognito-idp:<secondary>:<account>:userpool/<primary's pool id>. */
  userPoolArn?: string;
}

/** The origination identities (phone numbers, sender ids) End User Messaging SMS has in the SMS Region. */
export type OriginationFacts = { phoneNumbers: number; senderIds: number } | { notChecked: string };

const glob = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(value);

/**
 * A trust policy may pin the pool that assumes the SMS role (`aws:SourceArn`, as the SMS settings
 * guide suggests against the confused deputy): a pin on the primary's ARN refuses the replica, whose
 * ARN names its own Region. Undefined when nothing pins it, or a pin matches.
 */
export function sourceArnRefusal(trustPolicy: string | undefined, replicaArn: string | undefined): string | undefined {
  if (!replicaArn) return undefined;
  const trusting = cognitoTrustStatements(policyStatements(trustPolicy) ?? []);
  const pinned: string[] = [];
  for (const s of trusting) {
    for (const [operator, keys] of Object.entries(s.Condition ?? {})) {
      if (!/^(String|Arn)(Equals|Like)(IgnoreCase)?$/.test(operator)) continue;
      for (const [key, values] of Object.entries(keys)) {
        if (key.toLowerCase() === 'aws:sourcearn') pinned.push(...list(values));
      }
    }
  }
  if (pinned.length === 0 || pinned.some((p) => glob(p, replicaArn))) return undefined;
  return `the trust policy lets Cognito assume the role only for ${pinned.join(' or ')} (aws:SourceArn), not for the replica ${replicaArn}`;
}

/** Findings that only a secondary has: its status, what Cognito does not serve there, its Regional SMS sending. */
export function replicaFindings(
  replica: ReplicaFacts,
  pool: UserPoolType,
  origination: OriginationFacts | undefined,
  smsRegion: string,
): { signupOnly: Finding[]; warnings: Finding[]; notes: string[] } {
  const userPoolId = pool.Id ?? '';
  const where = `the secondary replica in ${replica.region} (primary: ${replica.primaryRegion})`;
  const signupOnly: Finding[] = [
    {
      setting: 'replica role SECONDARY',
      problem: `SignUpOnReplica: ${where} creates no users (no sign-up, no AdminCreateUser): use signin checks here and signup checks on the primary`,
    },
  ];
  const warnings: Finding[] = [];
  const notes = [
    `${where}: sign-in checks sign in at cognito-idp.${replica.region}; the standing user is created in ${replica.primaryRegion} and replicates`,
    'failed sign-in attempts count per Region, and TOTP MFA is not served in a secondary: users with TOTP can sign in only while the primary serves them',
  ];
  if (replica.status && replica.status !== 'ACTIVE') {
    warnings.push({
      setting: 'replica Status',
      problem: `the replica is ${replica.status}: it serves no sign-in until it is ACTIVE`,
      fix: `aws cognito-idp update-user-pool-replica --user-pool-id ${userPoolId} --region-name ${replica.region} --status ACTIVE`,
    });
  }
  if (pool.IssuerConfiguration?.Type !== 'UPDATED') {
    warnings.push({
      setting: 'IssuerConfiguration',
      problem:
        "the pool does not use the UPDATED (multi-Region) issuer: apps that check tokens' issuer may refuse tokens issued in the replica after a failover",
      note: 'the guide recommends the UPDATED issuer for consistent token validation across Regions',
    });
  }
  if (origination && 'notChecked' in origination) {
    warnings.push({ setting: `SMS origination in ${smsRegion}`, problem: `not checked: ${origination.notChecked}` });
  } else if (origination && origination.phoneNumbers + origination.senderIds === 0) {
    warnings.push({
      setting: `SMS origination in ${smsRegion}`,
      problem: `End User Messaging SMS has no origination number or sender id in ${smsRegion}: after a failover, SMS to countries that require one (the US: a registered toll-free or 10DLC number) are not delivered`,
      fix: `aws pinpoint-sms-voice-v2 describe-phone-numbers --region ${smsRegion}`,
      note: 'request an origination identity in that Region in the End User Messaging SMS console',
    });
  }
  return { signupOnly, warnings, notes };
}

/** After a failover: how a finding about the replica's Regional SMS sending reads, and its fix pointed at its Region. */
export function asFailoverFinding(f: Finding, replica: ReplicaFacts): Finding {
  const fix = f.fix?.startsWith('aws cognito-idp ') ? `aws --region ${replica.region} ${f.fix.slice('aws '.length)}` : f.fix;
  return {
    ...f,
    setting: `${replica.region} ${f.setting}`,
    problem: `${f.problem} — after a failover to ${replica.region}, every SMS MFA sign-in there fails (the SMS configuration is Regional, not copied from the primary)`,
    ...(fix && { fix }),
  };
}
