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

function refuse(error: unknown, what: string, missing: string): never {
  const name = awsErrorName(error);
  if (name === 'ResourceNotFoundException') throw new TargetRefused(missing);
  if (name && DENIED.includes(name)) throw new TargetRefused(`the credentials cannot read ${what} (${name})`);
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
    .catch((e: unknown) => refuse(e, `user pool ${userPoolId}`, `no user pool ${userPoolId} in ${region}`));
  // Cognito answers ResourceNotFoundException for a client id of another pool as for one that does not exist.
  const { UserPoolClient: client } = await cognito
    .send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }))
    .catch((e: unknown) => refuse(e, `app client ${clientId}`, `app client ${clientId} is not a client of user pool ${userPoolId}`));
  const mfa = await cognito
    .send(new GetUserPoolMfaConfigCommand({ UserPoolId: userPoolId }))
    .catch((e: unknown) => refuse(e, `the MFA settings of user pool ${userPoolId}`, `no user pool ${userPoolId} in ${region}`));
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

/** Everything readiness needs, read now. */
export async function readPoolFacts(userPoolId: string, clientId: string, region: string): Promise<PoolFacts> {
  const pool = await readPool(userPoolId, clientId, region);
  const sms = pool.mfa.SmsMfaConfiguration?.SmsConfiguration ?? pool.userPool.SmsConfiguration;
  const facts: PoolFacts = { ...pool };
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
