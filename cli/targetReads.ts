import {
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { GetSMSSandboxAccountStatusCommand, SNSClient } from '@aws-sdk/client-sns';
import { cognitoIn } from '../lib/clients';
import { awsErrorName } from '../lib/errors';
import { roleNameOf, type PoolFacts, type SmsRoleFacts } from '../lib/targets/readiness';
import type { OriginationFacts, ReplicaFacts } from '../lib/targets/replicaReadiness';
import { listUserPoolReplicas } from '../lib/cognito/listReplicas';
import { primaryRegionOf } from '../lib/cognito/replica';
import { DescribePhoneNumbersCommand, DescribeSenderIdsCommand, PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { ConfigError } from './config';

/**
 * The read-only calls behind `target add` and `target show`, made with the operator's own
 * credentials (the stack's roles are not involved): DescribeUserPool, DescribeUserPoolClient and
 * GetUserPoolMfaConfig in the pool's Region, then, only as far as the credentials allow, the SMS
 * role in IAM and the account's SNS SMS sandbox status. Nothing is written anywhere.
 */

/** A pool or client that cannot be a target: exit 2, the message naming the id; nothing is recorded. */
export class TargetRefused extends ConfigError {
  override name = 'TargetRefused';
}

const DENIED = ['AccessDeniedException', 'AccessDenied', 'NotAuthorizedException', 'UnauthorizedOperation', 'UnrecognizedClientException'];

/** Network failures: the Region's endpoint cannot be reached from here (DNS, a blocked route, a timeout). */
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'TimeoutError']);

function refuse(error: unknown, what: string, missing: string, region?: string): never {
  const name = awsErrorName(error);
  if (name === 'ResourceNotFoundException') throw new TargetRefused(missing);
  if (name && DENIED.includes(name))
    throw new TargetRefused(`the credentials cannot read ${what}${region ? ` in ${region}` : ''} (${name})`);
  const code = (error as { code?: unknown } | undefined)?.code;
  if ((typeof code === 'string' && UNREACHABLE.has(code)) || (name && UNREACHABLE.has(name))) {
    throw new TargetRefused(
      `RegionUnreachable: cognito-idp${region ? ` in ${region}` : ''} cannot be reached from here (${String(code ?? name)}) to read ${what}`,
    );
  }
  throw error;
}

/** The pool, its client and MFA settings; refuses a missing pool, a client not in it, and what the credentials cannot read. */
export async function readPool(
  userPoolId: string,
  clientId: string,
  region: string,
  cognito: CognitoIdentityProviderClient = cognitoIn(region),
): Promise<Pick<PoolFacts, 'userPool' | 'client' | 'mfa'>> {
  const { UserPool: userPool } = await cognito
    .send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))
    .catch((e: unknown) => refuse(e, `user pool ${userPoolId}`, `no user pool ${userPoolId} in ${region}`, region));
  // Cognito answers ResourceNotFoundException for a client id of another pool as for one that does not exist.
  const { UserPoolClient: client } = await cognito
    .send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }))
    .catch((e: unknown) =>
      refuse(e, `app client ${clientId}`, `app client ${clientId} is not a client of user pool ${userPoolId}`, region),
    );
  const mfa = await cognito
    .send(new GetUserPoolMfaConfigCommand({ UserPoolId: userPoolId }))
    .catch((e: unknown) => refuse(e, `the MFA settings of user pool ${userPoolId}`, `no user pool ${userPoolId} in ${region}`, region));
  if (!userPool || !client) throw new TargetRefused(`user pool ${userPoolId} or app client ${clientId} came back empty`);
  return { userPool, client, mfa };
}

/** The SMS role's trust policy and every policy document it has; `notChecked` when IAM is not readable. */
export async function readSmsRole(roleArn: string, iam: IAMClient): Promise<SmsRoleFacts | { notChecked: string }> {
  const roleName = roleNameOf(roleArn);
  try {
    const role = await iam.send(new GetRoleCommand({ RoleName: roleName })).catch((e: unknown) => {
      if (awsErrorName(e) === 'NoSuchEntity' || awsErrorName(e) === 'NoSuchEntityException') return undefined;
      throw e;
    });
    if (!role) return { roleName, exists: false, policies: [] };
    const policies: string[] = [];
    let Marker: string | undefined;
    do {
      const page = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker }));
      for (const attached of page.AttachedPolicies ?? []) {
        const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: attached.PolicyArn }));
        const { PolicyVersion } = await iam.send(
          new GetPolicyVersionCommand({ PolicyArn: attached.PolicyArn, VersionId: Policy?.DefaultVersionId }),
        );
        if (PolicyVersion?.Document) policies.push(PolicyVersion.Document);
      }
      Marker = page.IsTruncated ? page.Marker : undefined;
    } while (Marker);
    do {
      const page = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName, Marker }));
      for (const policyName of page.PolicyNames ?? []) {
        const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
        if (PolicyDocument) policies.push(PolicyDocument);
      }
      Marker = page.IsTruncated ? page.Marker : undefined;
    } while (Marker);
    return { roleName, exists: true, trustPolicy: role.Role?.AssumeRolePolicyDocument, policies };
  } catch (error) {
    return { notChecked: `the credentials cannot read IAM role ${roleName} (${awsErrorName(error) ?? String(error)})` };
  }
}

/** Whether the account is in the SNS SMS sandbox where the pool sends its SMS; `notChecked` when not readable. */
export async function readSmsSandbox(sns: SNSClient): Promise<boolean | { notChecked: string }> {
  try {
    return (await sns.send(new GetSMSSandboxAccountStatusCommand({}))).IsInSandbox === true;
  } catch (error) {
    return { notChecked: `could not read the SNS SMS sandbox status (${awsErrorName(error) ?? String(error)})` };
  }
}

/**
 * The replica of a pool in `region` (`target add --pool-region`), from ListUserPoolReplicas in the
 * primary's Region; refuses a Region with no replica of the pool, and one that is not ACTIVE (a
 * CREATING or INACTIVE replica "is not accepting requests for end-users", UserPoolReplicaType).
 */
export async function readReplica(
  userPoolId: string,
  region: string,
  cognito: CognitoIdentityProviderClient = cognitoIn(primaryRegionOf(userPoolId)),
  /** false (`target show`): a replica that is not ACTIVE is reported by readiness, not refused. */
  refuseInactive = true,
): Promise<ReplicaFacts> {
  const primaryRegion = primaryRegionOf(userPoolId);
  const replicas = await listUserPoolReplicas(cognito, userPoolId).catch((e: unknown) =>
    refuse(e, `the replicas of user pool ${userPoolId}`, `no user pool ${userPoolId} in ${primaryRegion}`, primaryRegion),
  );
  const primary = replicas.find((r) => r.Role === 'PRIMARY');
  if (primary?.RegionName && primary.RegionName !== primaryRegion) {
    throw new TargetRefused(
      `PoolRegionContradicts: user pool ${userPoolId}'s id names ${primaryRegion}, but Cognito lists its primary in ${primary.RegionName}`,
    );
  }
  const replica = replicas.find((r) => r.RegionName === region);
  if (!replica) {
    const others = replicas.filter((r) => r.Role === 'SECONDARY').map((r) => `${r.RegionName} (${r.Status})`);
    throw new TargetRefused(
      `NoReplicaInRegion: user pool ${userPoolId} has no replica in ${region} (${others.length ? `its replicas: ${others.join(', ')}` : 'it has no secondary replica'}); ` +
        `make one with aws cognito-idp create-user-pool-replica --region ${primaryRegion} --user-pool-id ${userPoolId} --region-name ${region}`,
    );
  }
  if (replica.Status !== 'ACTIVE' && refuseInactive) {
    throw new TargetRefused(
      `ReplicaNotActive: the replica of user pool ${userPoolId} in ${region} is ${replica.Status ?? 'of unknown status'}: it serves no sign-in until it is ACTIVE` +
        (replica.Status === 'INACTIVE'
          ? `; set its Regional settings (SMS configuration), then aws cognito-idp update-user-pool-replica --user-pool-id ${userPoolId} --region-name ${region} --status ACTIVE`
          : ''),
    );
  }
  return { region, primaryRegion, status: replica.Status, ...(replica.UserPoolArn && { userPoolArn: replica.UserPoolArn }) };
}

/** The origination numbers and sender ids End User Messaging SMS has in a Region; `notChecked` when not readable. */
export async function readOrigination(sms: PinpointSMSVoiceV2Client): Promise<OriginationFacts> {
  try {
    const numbers = await sms.send(new DescribePhoneNumbersCommand({}));
    const senders = await sms.send(new DescribeSenderIdsCommand({}));
    return { phoneNumbers: numbers.PhoneNumbers?.length ?? 0, senderIds: senders.SenderIds?.length ?? 0 };
  } catch (error) {
    return { notChecked: `could not read the SMS origination identities (${awsErrorName(error) ?? String(error)})` };
  }
}

/** Everything readiness needs, read now; with `replica`, the pool as its secondary in that Region has it. */
export async function readPoolFacts(userPoolId: string, clientId: string, region: string, replica?: ReplicaFacts): Promise<PoolFacts> {
  const pool = await readPool(userPoolId, clientId, region);
  // A replica's SMS configuration is Regional: the one DescribeUserPool returns in its Region (lib/targets/readiness.ts).
  const sms = replica ? pool.userPool.SmsConfiguration : (pool.mfa.SmsMfaConfiguration?.SmsConfiguration ?? pool.userPool.SmsConfiguration);
  const facts: PoolFacts = { ...pool, ...(replica && { replica }) };
  if (replica) {
    const smsVoice = new PinpointSMSVoiceV2Client({ region: sms?.SnsRegion ?? region });
    try {
      facts.origination = await readOrigination(smsVoice);
    } finally {
      smsVoice.destroy();
    }
  }
  if (sms?.SnsCallerArn) {
    const iam = new IAMClient({ region });
    try {
      facts.smsRole = await readSmsRole(sms.SnsCallerArn, iam);
    } finally {
      iam.destroy();
    }
  }
  const sns = new SNSClient({ region: sms?.SnsRegion ?? region });
  try {
    facts.smsSandbox = await readSmsSandbox(sns);
  } finally {
    sns.destroy();
  }
  return facts;
}
