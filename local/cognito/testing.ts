/** Helpers shared by this folder's tests (and usable by scenario tests against the local cognito). */
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolReplicaCommand,
  SignUpCommand,
  UpdateUserPoolCommand,
  UpdateUserPoolReplicaCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CreateUserPoolCommandInput, ExplicitAuthFlowsType } from '@aws-sdk/client-cognito-identity-provider';
import type { LocalCognito } from './server';
import type { SentSms } from './fakePhone';

export const PHONE = '+15555550100';
export const PASSWORD = 'Corr3ct-Horse!';

/** A client of the local cognito; it signs for `region`, which names the pools it creates. */
export function cognitoClient(url: string, region = 'us-east-1'): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint: url,
    region,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
}

/** The pool of the walkthrough: SMS MFA required, phone auto-verified, case-insensitive names. */
export function smsMfaPoolInput(name = 'MyUserPool'): CreateUserPoolCommandInput {
  return {
    PoolName: name,
    AutoVerifiedAttributes: ['phone_number'],
    SmsConfiguration: {
      SnsCallerArn: 'arn:aws:iam::123456789012:role/MyUserPool-SMS-Role',
      ExternalId: '6f1c1d0e-3b7a-4b53-9d0c-1f2e3d4c5b6a',
    },
    MfaConfiguration: 'ON',
    UsernameConfiguration: { CaseSensitive: false },
    Schema: [{ Name: 'phone_number', Required: true }],
  };
}

/** A pool and one app client of it; by default the provisioned client's name and flows, no secret. */
export async function createPoolAndClient(
  client: CognitoIdentityProviderClient,
  input: CreateUserPoolCommandInput = smsMfaPoolInput(),
  app: { clientName?: string; flows?: readonly string[]; secret?: boolean } = {},
): Promise<{ userPoolId: string; clientId: string }> {
  const pool = await client.send(new CreateUserPoolCommand(input));
  const userPoolId = pool.UserPool!.Id!;
  const created = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: app.clientName ?? 'MyUserPoolClient',
      GenerateSecret: app.secret,
      ExplicitAuthFlows: [
        ...(app.flows ?? ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH']),
      ] as ExplicitAuthFlowsType[],
    }),
  );
  return { userPoolId, clientId: created.UserPoolClient!.ClientId! };
}

/** The last SMS of that kind the fake phone received (SMS arrive before the API call returns). */
export function lastSms(local: LocalCognito, kind: SentSms['kind']): SentSms {
  const sms = [...local.sent].reverse().find((s) => s.kind === kind);
  if (!sms) throw new Error(`no ${kind} SMS was sent`);
  return sms;
}

export async function signUpAndConfirm(
  local: LocalCognito,
  client: CognitoIdentityProviderClient,
  clientId: string,
  username = 'user1',
): Promise<void> {
  await client.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: username,
      Password: PASSWORD,
      UserAttributes: [{ Name: 'phone_number', Value: PHONE }],
    }),
  );
  const { code } = lastSms(local, 'SIGN_UP');
  await client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: code }));
}

/** A code guaranteed to differ from `code`. */
export const wrongCode = (code: string) => (code === '000000' ? '111111' : '000000');

export function decodeJwt(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = jwt.split('.');
  const parse = (s = '') => JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: parse(h), payload: parse(p) };
}

/**
 * Replicates a pool to `region` (CreateUserPoolReplica in the pool's own Region) and, unless told
 * not to, activates the replica (new replicas start INACTIVE) and gives it an SMS configuration of
 * its own (UpdateUserPool in the secondary: Regional settings are not copied from the primary).
 */
export async function replicatePool(
  local: LocalCognito,
  userPoolId: string,
  region: string,
  opts: { activate?: boolean; snsCallerArn?: string | null } = {},
): Promise<void> {
  const primary = cognitoClient(local.url, userPoolId.split('_')[0]);
  const secondary = cognitoClient(local.regionUrl(region), region);
  try {
    await primary.send(new CreateUserPoolReplicaCommand({ UserPoolId: userPoolId, RegionName: region }));
    if (opts.snsCallerArn !== null) {
      const role = opts.snsCallerArn ?? `arn:aws:iam::123456789012:role/MyUserPool-SMS-Role-${region}`;
      await secondary.send(
        new UpdateUserPoolCommand({
          UserPoolId: userPoolId,
          SmsConfiguration: { SnsCallerArn: role, ExternalId: 'replica', SnsRegion: region },
        }),
      );
    }
    if (opts.activate !== false) {
      await primary.send(new UpdateUserPoolReplicaCommand({ UserPoolId: userPoolId, RegionName: region, Status: 'ACTIVE' }));
    }
  } finally {
    primary.destroy();
    secondary.destroy();
  }
}
