import type {
  GetUserPoolMfaConfigResponse,
  SmsConfigurationType,
  UserPoolClientType,
  UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { regionOfUserPool } from '../cognito/region';
import { actionMatches, list, policyStatements } from '../iam/policyDocument';
import { COGNITO_SERVICE_PRINCIPAL, cognitoSmsTrustPolicy, cognitoTrustStatements } from '../iam/smsTrustPolicy';
import { AUTH_FLOWS, AUTH_FLOW_API, DEFAULT_FLOWS, clientAuthFlows, defaultAuthFlow, type AuthFlow } from '../verify/authFlow';
import { smsOtpUnavailable } from '../verify/smsOtp';
import type { CheckKind } from '../verify/kind';
import { usernameShape } from '../verify/username';
import type { Finding } from './finding';
import { asFailoverFinding, replicaFindings, sourceArnRefusal, type OriginationFacts, type ReplicaFacts } from './replicaReadiness';

/**
 * Whether checks can pass on a pool and app client the tool did not make, read from what the
 * operator's credentials can Describe (cli/targetReads.ts), and never changing anything: for each
 * kind and flow, what keeps a check from passing, the exact setting, and the AWS CLI command that
 * changes it. Only what can never work is refused (the kind is not ready); the rest is a warning.
 * Pure: the reads are done elsewhere, so every pool shape is a unit test.
 */

/** The SMS role as IAM shows it, when the credentials can read IAM. */
export interface SmsRoleFacts {
  roleName: string;
  /** GetRole's AssumeRolePolicyDocument (IAM returns it URL-encoded); undefined: no such role. */
  trustPolicy?: string;
  exists: boolean;
  /** Every policy document the role has: attached managed (default version) and inline. */
  policies: string[];
}

export interface PoolFacts {
  userPool: UserPoolType;
  client: UserPoolClientType;
  mfa: GetUserPoolMfaConfigResponse;
  /** undefined: the pool names no SMS role; a string: why it was not read (the credentials cannot read IAM). */
  smsRole?: SmsRoleFacts | { notChecked: string };
  /** undefined: not readable with these credentials. */
  smsSandbox?: boolean | { notChecked: string };
  /** The flow named at `target add --auth-flow`. */
  authFlow?: AuthFlow;
  /** A secondary replica (`target add --pool-region`): the pool, client and MFA facts above are read in its Region. */
  replica?: ReplicaFacts;
  /** End User Messaging SMS origination identities in the SMS Region (read for replicas). */
  origination?: OriginationFacts;
}

export type { Finding } from './finding';

export interface FlowReadiness {
  ready: boolean;
  problems: Finding[];
}

export interface KindReadiness {
  ready: boolean;
  /** The flow the check will use: the target's, else the client's default; undefined when the client allows none. */
  authFlow?: AuthFlow;
  problems: Finding[];
  flows: Record<AuthFlow, FlowReadiness>;
}

export interface Readiness {
  target?: string;
  region: string;
  userPoolId: string;
  clientId: string;
  /** Set when the target is a secondary replica: its Region, the primary's, and its status. */
  replica?: { region: string; primaryRegion: string; status?: string };
  kinds: Record<CheckKind, KindReadiness>;
  /** What may keep a check from passing, or make it mean less, but does not always. */
  warnings: Finding[];
  /** How the check will go about this pool (how synthetic users are named, the secret, MFA OPTIONAL). */
  notes: string[];
}

/** The role name of an IAM role ARN (arn:aws:iam::123456789012:role/path/Name → Name). */
export function roleNameOf(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

/** What is wrong with the SMS role's trust policy for this pool's ExternalId: refusals and warnings. */
export function trustProblems(trustPolicy: string | undefined, externalId: string | undefined): { refuse?: string; warn?: string } {
  const statements = policyStatements(trustPolicy);
  if (!statements) return { refuse: 'the role has no readable trust policy' };
  const trusting = cognitoTrustStatements(statements);
  if (trusting.length === 0) return { refuse: `no Allow statement lets ${COGNITO_SERVICE_PRINCIPAL} call sts:AssumeRole` };
  // Cognito sends the pool's ExternalId when it assumes the role: a condition naming another one refuses it.
  const ids = trusting.map((s) => list(s.Condition?.StringEquals?.['sts:ExternalId']));
  if (ids.some((i) => i.length === 0)) {
    return { warn: 'the role trusts Cognito without an sts:ExternalId condition (any pool of any account could send SMS with it)' };
  }
  if (externalId && ids.some((i) => i.includes(externalId))) return {};
  return {
    refuse: `the trust policy requires sts:ExternalId ${ids.flat().join(' or ')}, but the pool sends ${externalId ? externalId : 'none'}`,
  };
}

/** Whether the role's policies let Cognito publish SMS: sns:Publish on `*` (SMS go to phone numbers, not topics). */
export function allowsSnsPublish(policies: string[]): { allowed: boolean; denied: boolean } {
  let allowed = false;
  let denied = false;
  for (const document of policies) {
    for (const s of policyStatements(document) ?? []) {
      if (!list(s.Action).some((a) => actionMatches(a, 'sns:Publish'))) continue;
      const anyResource = list(s.Resource).some((r) => r === '*');
      if (s.Effect === 'Allow' && anyResource) allowed = true;
      if (s.Effect === 'Deny') denied = true;
    }
  }
  return { allowed: allowed && !denied, denied };
}

const q = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

export function readiness(facts: PoolFacts, target?: string): Readiness {
  const { userPool: pool, client, mfa } = facts;
  const userPoolId = pool.Id ?? client.UserPoolId ?? '';
  const clientId = client.ClientId ?? '';
  const replica = facts.replica;
  const region = replica?.region ?? regionOfUserPool(userPoolId);
  const both: Finding[] = [];
  // SMS MFA settings: what the password flows need; the passwordless sms-otp flow's code is its only factor.
  const mfaFindings: Finding[] = [];
  const signupOnly: Finding[] = [];
  const warnings: Finding[] = [];
  const notes: string[] = [];
  const updatePoolNote =
    'update-user-pool resets every setting you leave out to its default: pass the current ones from aws cognito-idp describe-user-pool too';

  // SMS MFA: the check answers SMS_MFA, so a pool that never asks for it can never pass.
  // A replica sends SMS with its Regional SMS configuration, which DescribeUserPool in its Region returns;
  // the MFA settings (and any SMS configuration they carry) are the primary's, synced.
  const sms: SmsConfigurationType | undefined = replica
    ? pool.SmsConfiguration
    : (mfa.SmsMfaConfiguration?.SmsConfiguration ?? pool.SmsConfiguration);
  const smsConfigArg = sms?.SnsCallerArn
    ? `SmsConfiguration={SnsCallerArn=${sms.SnsCallerArn}${sms.ExternalId ? `,ExternalId=${sms.ExternalId}` : ''}}`
    : 'SmsConfiguration={SnsCallerArn=<SMS role ARN>,ExternalId=<external id>}';
  const mfaFix = `aws cognito-idp set-user-pool-mfa-config --user-pool-id ${userPoolId} --mfa-configuration OPTIONAL --sms-mfa-configuration ${q(smsConfigArg)}`;
  const mfaConfiguration = mfa.MfaConfiguration ?? pool.MfaConfiguration ?? 'OFF';
  if (mfaConfiguration === 'OFF') {
    mfaFindings.push({
      setting: 'MfaConfiguration',
      problem: 'MFA is OFF: Cognito never asks for an SMS code, so an SMS MFA check can never pass',
      fix: mfaFix,
    });
  } else if (!mfa.SmsMfaConfiguration) {
    mfaFindings.push({
      setting: 'SmsMfaConfiguration',
      problem: `MFA is ${mfaConfiguration} but SMS is not one of its factors: Cognito never sends an SMS code`,
      fix: mfaFix,
    });
  } else if (mfaConfiguration === 'OPTIONAL') {
    notes.push(
      'MFA is OPTIONAL: the check enables and prefers SMS MFA on its own synthetic users (AdminSetUserMFAPreference), never on anyone else',
    );
  }

  // Who sends the SMS: the pool's role through SNS.
  if (!sms?.SnsCallerArn) {
    both.push({
      setting: 'SmsConfiguration',
      problem: 'the pool has no SMS configuration (no IAM role for Cognito to send SMS with)',
      fix: `aws cognito-idp update-user-pool --user-pool-id ${userPoolId} --sms-configuration SnsCallerArn=<SMS role ARN>,ExternalId=<external id>,SnsRegion=${region}`,
      note: updatePoolNote,
    });
  } else if (facts.smsRole && 'notChecked' in facts.smsRole) {
    warnings.push({ setting: 'SmsConfiguration.SnsCallerArn', problem: `the SMS role was not checked: ${facts.smsRole.notChecked}` });
  } else if (facts.smsRole) {
    const role = facts.smsRole;
    if (!role.exists) {
      both.push({
        setting: 'SmsConfiguration.SnsCallerArn',
        problem: `the SMS role ${role.roleName} does not exist: Cognito cannot send SMS`,
        fix: `aws iam create-role --role-name ${role.roleName} --assume-role-policy-document ${q(JSON.stringify(cognitoSmsTrustPolicy(sms.ExternalId ?? '<external id>')))}`,
      });
    } else {
      const trust = trustProblems(role.trustPolicy, sms.ExternalId);
      const trustFix = `aws iam update-assume-role-policy --role-name ${role.roleName} --policy-document ${q(JSON.stringify(cognitoSmsTrustPolicy(sms.ExternalId ?? '<external id>')))}`;
      if (trust.refuse) both.push({ setting: `role ${role.roleName} trust policy`, problem: trust.refuse, fix: trustFix });
      const pinnedElsewhere = replica && sourceArnRefusal(role.trustPolicy, replica.userPoolArn);
      if (pinnedElsewhere) both.push({ setting: `role ${role.roleName} trust policy`, problem: pinnedElsewhere, fix: trustFix });
      if (trust.warn) warnings.push({ setting: `role ${role.roleName} trust policy`, problem: trust.warn, fix: trustFix });
      const publish = allowsSnsPublish(role.policies);
      if (!publish.allowed) {
        both.push({
          setting: `role ${role.roleName} policies`,
          problem: publish.denied
            ? 'a policy of the role denies sns:Publish: Cognito cannot send SMS'
            : 'no policy of the role allows sns:Publish on "*": Cognito cannot send SMS',
          fix: `aws iam put-role-policy --role-name ${role.roleName} --policy-name Cognito-SNS-Policy --policy-document ${q(
            JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }] }),
          )}`,
        });
      }
    }
  }
  if (pool.LambdaConfig?.CustomSMSSender?.LambdaArn) {
    warnings.push({
      setting: 'LambdaConfig.CustomSMSSender',
      problem: `the pool hands its SMS codes to a Custom SMS Sender (${pool.LambdaConfig.CustomSMSSender.LambdaArn}): a check gets its codes only if that sender delivers them to the check phone or to this stack`,
    });
  }
  if (facts.smsSandbox === true) {
    warnings.push({
      setting: 'SNS SMS sandbox',
      problem: `this account is in the SNS SMS sandbox in ${sms?.SnsRegion ?? region}: SMS reach only verified destination numbers`,
      fix: 'npm run cli -- sms-sandbox-verify --stage <stage> --phone <+E164>',
      note: 'or request production SMS access in the SNS console',
    });
  } else if (facts.smsSandbox && typeof facts.smsSandbox === 'object') {
    warnings.push({ setting: 'SNS SMS sandbox', problem: `not checked: ${facts.smsSandbox.notChecked}` });
  }

  if (replica) {
    // The SMS sending findings so far are about the replica's Regional configuration: say what they break.
    // What was not read says nothing of a failover: only findings about what was read are rephrased.
    const regional = (f: Finding) => /^(SmsConfiguration|role |SNS SMS sandbox)/.test(f.setting) && !/not checked/.test(f.problem);
    both.splice(0, both.length, ...both.map((f) => (regional(f) ? asFailoverFinding(f, replica) : f)));
    warnings.splice(0, warnings.length, ...warnings.map((f) => (regional(f) ? asFailoverFinding(f, replica) : f)));
    const r = replicaFindings(replica, pool, facts.origination, sms?.SnsRegion ?? region);
    signupOnly.push(...r.signupOnly);
    warnings.push(...r.warnings);
    notes.push(...r.notes);
  }

  // Sign-up: the app must let users sign up, and the code must come by SMS to the check phone.
  if (pool.AdminCreateUserConfig?.AllowAdminCreateUserOnly) {
    signupOnly.push({
      setting: 'AdminCreateUserConfig.AllowAdminCreateUserOnly',
      problem: 'sign-up is disabled (only administrators create users): use signin checks on this pool',
      fix: `aws cognito-idp update-user-pool --user-pool-id ${userPoolId} --admin-create-user-config AllowAdminCreateUserOnly=false`,
      note: updatePoolNote,
    });
  }
  const autoVerified = pool.AutoVerifiedAttributes ?? [];
  if (!autoVerified.includes('phone_number')) {
    signupOnly.push({
      setting: 'AutoVerifiedAttributes',
      problem: autoVerified.includes('email')
        ? 'the pool verifies email, not phone_number: a sign-up code would go by e-mail, never to the check phone'
        : 'the pool verifies no attribute: sign-up sends no code',
      fix: `aws cognito-idp update-user-pool --user-pool-id ${userPoolId} --auto-verified-attributes phone_number`,
      note: updatePoolNote,
    });
  }

  // How synthetic users are named on this pool.
  const usernameAttributes = pool.UsernameAttributes ?? [];
  const aliases = pool.AliasAttributes ?? [];
  if (usernameAttributes.includes('email')) {
    notes.push('usernames are e-mail addresses: synthetic users are named synthetic-…@example.invalid, created verified, no e-mail sent');
  }
  const shape = usernameShape(usernameAttributes);
  if (shape === 'phone_number') {
    notes.push("usernames are phone numbers: the check phone is the sign-in check user's name, so one such user per phone");
    // As prepareRun refuses it (PhoneUsernamePool): a sign-up user would take the phone from any
    // user who has it, and could be cleaned up only by phone number.
    signupOnly.push({
      setting: 'UsernameAttributes',
      problem:
        'users sign in with their phone number, which Cognito lets one user have: a sign-up check would collide with any user on its phone (PhoneUsernamePool); use signin checks on this pool',
      note: 'UsernameAttributes cannot be changed once the pool exists',
    });
  }
  // The checks' users carry phone_number, and email on e-mail-username pools, nothing else: "If the
  // attribute is required and the user doesn't provide a value, registration or sign-in will fail"
  // (Cognito API reference, SchemaAttributeType, Required), so AdminCreateUser and SignUp would.
  // `sub` is Required in every pool's schema, and Cognito sets it.
  const filled = new Set(['sub', 'phone_number', ...(shape === 'email' ? ['email'] : [])]);
  const unfilled = (pool.SchemaAttributes ?? []).filter((a) => a.Required && a.Name && !filled.has(a.Name)).map((a) => a.Name!);
  if (unfilled.length) {
    both.push({
      setting: 'SchemaAttributes',
      problem:
        `the pool requires attribute${unfilled.length === 1 ? '' : 's'} ${unfilled.join(', ')}, which the checks' synthetic users do not carry ` +
        `(they have phone_number${shape === 'email' ? ' and email' : ''} only): creating them (AdminCreateUser, SignUp) would fail`,
      note: 'which attributes are required cannot be changed once the pool exists',
    });
  }
  if (aliases.includes('phone_number')) {
    warnings.push({
      setting: 'AliasAttributes',
      problem:
        'phone_number is a sign-in alias: a verified phone belongs to one user only, so a signin and a signup check on the same phone take it from each other; give them different phones',
    });
  }
  if (aliases.length && !aliases.includes('phone_number'))
    notes.push(`sign-in aliases ${aliases.join(', ')}: synthetic users sign in with their username`);
  if (client.ClientSecret) {
    notes.push('the app client has a secret: supported, read at run time (DescribeUserPoolClient), never stored or printed');
  }

  // After the tokens (lib/verify/refreshTokens.ts): every check refreshes them, then revokes the refresh token.
  const allowed = clientAuthFlows(client.ExplicitAuthFlows);
  const clientUpdateNote =
    'update-user-pool-client resets every setting you leave out to its default: pass the current ones from aws cognito-idp describe-user-pool-client too';
  // A rotating client refreshes with GetTokensFromRefreshToken ("Refresh token rotation must be
  // completed with GetTokensFromRefreshToken", RefreshTokenRotationType); any other with REFRESH_TOKEN_AUTH.
  const rotatesRefreshTokens = client.RefreshTokenRotation?.Feature === 'ENABLED';
  const lacksRefresh = !rotatesRefreshTokens && !allowed.has('ALLOW_REFRESH_TOKEN_AUTH');
  // Each fix lists every flag the check needs: update-user-pool-client replaces the whole list.
  const flowsWith = (flag: string) => [...new Set([...allowed, flag, ...(lacksRefresh ? ['ALLOW_REFRESH_TOKEN_AUTH'] : [])])].join(' ');
  if (lacksRefresh) {
    both.push({
      setting: 'ExplicitAuthFlows',
      problem:
        'the app client does not allow ALLOW_REFRESH_TOKEN_AUTH: every check refreshes its tokens (REFRESH_TOKEN_AUTH) as an app does, so it would fail RefreshFailed',
      fix: `aws cognito-idp update-user-pool-client --user-pool-id ${userPoolId} --client-id ${clientId} --explicit-auth-flows ${flowsWith('ALLOW_REFRESH_TOKEN_AUTH')}`,
      note: clientUpdateNote,
    });
  }
  if (client.EnableTokenRevocation === false) {
    warnings.push({
      setting: 'EnableTokenRevocation',
      problem:
        "token revocation is off: checks pass, but Cognito refuses RevokeToken, so each check's refresh token stays valid until it expires",
      fix: `aws cognito-idp update-user-pool-client --user-pool-id ${userPoolId} --client-id ${clientId} --enable-token-revocation`,
      note: clientUpdateNote,
    });
  }

  // Flows: each one the client or pool keeps from working, with the flag that allows it.
  const flows = {} as Record<AuthFlow, FlowReadiness>;
  for (const flow of AUTH_FLOWS) {
    const problems: Finding[] = [];
    const flag = AUTH_FLOW_API[flow].clientFlow;
    if (!allowed.has(flag)) {
      problems.push({
        setting: 'ExplicitAuthFlows',
        problem: `the app client does not allow ${flag}`,
        fix: `aws cognito-idp update-user-pool-client --user-pool-id ${userPoolId} --client-id ${clientId} --explicit-auth-flows ${flowsWith(flag)}`,
        note: clientUpdateNote,
      });
    }
    const factors = pool.Policies?.SignInPolicy?.AllowedFirstAuthFactors;
    if (flow === 'sms-otp') problems.push(...smsOtpFindings(pool, userPoolId, updatePoolNote));
    if (flow === 'user-auth' && factors && !factors.includes('PASSWORD')) {
      problems.push({
        setting: 'Policies.SignInPolicy.AllowedFirstAuthFactors',
        problem: `the pool does not allow PASSWORD as a first factor of USER_AUTH (it allows ${factors.join(', ')})`,
        fix: `aws cognito-idp update-user-pool --user-pool-id ${userPoolId} --policies ${q(`SignInPolicy={AllowedFirstAuthFactors=[${[...factors, 'PASSWORD'].join(',')}]}`)}`,
        note: updatePoolNote,
      });
    }
    flows[flow] = { ready: problems.length === 0, problems };
  }
  const authFlow = facts.authFlow ?? defaultAuthFlow(client.ExplicitAuthFlows);
  const flowProblems: Finding[] = authFlow
    ? flows[authFlow].problems
    : [
        {
          setting: 'ExplicitAuthFlows',
          problem: `the app client allows none of ${DEFAULT_FLOWS.map((f) => AUTH_FLOW_API[f].clientFlow).join(', ')}: no check can sign in`,
          fix: flows.srp.problems[0]?.fix,
          note: flows.srp.problems[0]?.note,
        },
      ];
  notes.push(
    `checks sign in with ${authFlow ? `${authFlow} (${AUTH_FLOW_API[authFlow].authFlow}${authFlow === 'sms-otp' ? ', passwordless SMS_OTP: MFA settings do not apply' : ''})` : 'no flow'}${facts.authFlow ? ', as named at target add' : ", the client's default"}; apps built with Amplify sign in with SRP (--auth-flow srp)`,
  );

  const kinds = {} as Record<CheckKind, KindReadiness>;
  for (const kind of ['signin', 'signup'] as const) {
    const common = [...both, ...(kind === 'signup' ? signupOnly : [])];
    const commonFor = (flow: AuthFlow | undefined) => (flow === 'sms-otp' ? common : [...mfaFindings, ...common]);
    const problems = [...commonFor(authFlow), ...flowProblems];
    // Per flow: ready when nothing common and nothing of that flow stands in the way; its own problems only.
    const byFlow = Object.fromEntries(
      AUTH_FLOWS.map((flow) => [flow, { ready: commonFor(flow).length === 0 && flows[flow].ready, problems: flows[flow].problems }]),
    ) as Record<AuthFlow, FlowReadiness>;
    kinds[kind] = { ready: problems.length === 0, authFlow, problems, flows: byFlow };
  }
  return {
    ...(target && { target }),
    region,
    userPoolId,
    clientId,
    ...(replica && { replica: { region: replica.region, primaryRegion: replica.primaryRegion, status: replica.status } }),
    kinds,
    warnings,
    notes,
  };
}

/**
 * What keeps passwordless SMS sign-in (sms-otp) from working on a pool: SMS_OTP missing from
 * Policies.SignInPolicy.AllowedFirstAuthFactors, or the Lite plan, which has no passwordless
 * factors ("To activate this setting, your user pool must be in the Essentials tier or higher",
 * SignInPolicyType, Cognito API reference).
 */
function smsOtpFindings(pool: UserPoolType, userPoolId: string, updatePoolNote: string): Finding[] {
  const out: Finding[] = [];
  if (pool.UserPoolTier === 'LITE') {
    out.push({
      setting: 'UserPoolTier',
      problem: 'the pool is on the Lite feature plan, which has no passwordless sign-in: sms-otp needs Essentials or higher',
      fix: `aws cognito-idp update-user-pool --user-pool-id ${userPoolId} --user-pool-tier ESSENTIALS`,
      note: `${updatePoolNote}; the Essentials plan is priced per monthly active user`,
    });
  }
  const factors = pool.Policies?.SignInPolicy?.AllowedFirstAuthFactors;
  if (smsOtpUnavailable({ allowedFirstAuthFactors: factors }) !== undefined) {
    const wanted = [...new Set([...(factors?.length ? factors : ['PASSWORD']), 'SMS_OTP'])];
    out.push({
      setting: 'Policies.SignInPolicy.AllowedFirstAuthFactors',
      problem: `the pool does not allow SMS_OTP as a first factor of USER_AUTH (it allows ${factors?.length ? factors.join(', ') : 'PASSWORD only'}): no passwordless SMS sign-in`,
      fix: `aws cognito-idp update-user-pool --user-pool-id ${userPoolId} --policies ${q(`SignInPolicy={AllowedFirstAuthFactors=[${wanted.join(',')}]}`)}`,
      note: updatePoolNote,
    });
  }
  return out;
}
