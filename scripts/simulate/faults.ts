/**
 * The simulation's faults, on a timetable, each made the way AWS shows it to the checks:
 * - `sms-role-policy-detached`: the pool's SMS role may no longer publish. Cognito then answers the
 *   calls that would send an SMS with InvalidSmsRoleAccessPolicyException ("The role provided for
 *   SMS configuration does not have permission to publish using Amazon SNS", Amazon Cognito API
 *   Reference, InitiateAuth / SignUp Errors). cognito-local does not read the role, so the error is
 *   injected (local/cognito/faults.ts) on those operations.
 * - `cognito-throttling`: TooManyRequestsException ("the user has made too many requests for a
 *   given operation", every Cognito operation's Errors) on every call the checks make.
 * - `carrier-outage`: every SMS lost (the SMS model drops them).
 * - `mfa-off`: SetUserPoolMfaConfig MfaConfiguration OFF on the real (local) pool: sign-in answers
 *   tokens without the SMS_MFA challenge, which the check calls MfaNotEnforced.
 * - `auth-flow-removed`: UpdateUserPoolClient without ALLOW_USER_PASSWORD_AUTH on the real (local)
 *   app client: InitiateAuth USER_PASSWORD_AUTH is refused (InvalidParameterException).
 * Each is undone at the end of its window; an undo that fails is reported, not hidden.
 */
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  GetUserPoolMfaConfigCommand,
  SetUserPoolMfaConfigCommand,
  UpdateUserPoolClientCommand,
  type ExplicitAuthFlowsType,
  type SetUserPoolMfaConfigCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import type { FaultRule, InjectedFault } from '../../local/cognito';

export const FAULT_KINDS = ['sms-role-policy-detached', 'cognito-throttling', 'carrier-outage', 'mfa-off', 'auth-flow-removed'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Default window of each fault, minutes. mfa-off and auth-flow-removed: a bad deploy rolled back after 30 min. */
export const FAULT_MINUTES: Record<FaultKind, number> = {
  'sms-role-policy-detached': 30,
  'cognito-throttling': 10,
  'carrier-outage': 20,
  'mfa-off': 30,
  'auth-flow-removed': 30,
};

export interface ScheduledFault {
  kind: FaultKind;
  /** Epoch ms (virtual). */
  start: number;
  end: number;
}

/**
 * The default timetable: the kinds spread evenly over [start, start + durationMs), the first after
 * a quiet share (so a healthy baseline comes first), each window as FAULT_MINUTES says.
 */
export function defaultTimetable(start: number, durationMs: number, kinds: readonly FaultKind[] = FAULT_KINDS): ScheduledFault[] {
  const gap = durationMs / (kinds.length + 1);
  return kinds.map((kind, i) => {
    // Off the 5-minute grid by 2.5 min, as a real fault is: detection is then measured from a random phase.
    const s = start + Math.round((gap * (i + 1)) / 300_000) * 300_000 + 150_000;
    return { kind, start: s, end: s + FAULT_MINUTES[kind] * 60_000 };
  });
}

/** Operations whose call makes Cognito send an SMS (sign-in with MFA, sign-up, its code again). */
const SMS_SENDING = [
  'InitiateAuth',
  'AdminInitiateAuth',
  'RespondToAuthChallenge',
  'AdminRespondToAuthChallenge',
  'SignUp',
  'ResendConfirmationCode',
];
/** Every Cognito operation a check calls. */
const CHECK_CALLS = [
  ...SMS_SENDING,
  'ConfirmSignUp',
  'AdminGetUser',
  'AdminCreateUser',
  'AdminSetUserPassword',
  'AdminDeleteUser',
  'AdminUpdateUserAttributes',
  'DescribeUserPool',
  'DescribeUserPoolClient',
];

export interface FaultTarget {
  cognito: { injectFault(rule: FaultRule): InjectedFault };
  userPoolId: string;
  clientId: string;
  /** Turns the SMS model's carrier outage on or off. */
  setCarrierOutage(on: boolean): void;
}

/** Starts a fault; resolves to its undo. */
export async function applyFault(kind: FaultKind, t: FaultTarget): Promise<() => Promise<void>> {
  const inject = (operations: string[], error: string, message: string) => {
    const injected = operations.map((operation) => t.cognito.injectFault({ operation, error, message, times: Infinity }));
    return async () => injected.forEach((f) => f.remove());
  };
  switch (kind) {
    case 'sms-role-policy-detached':
      return inject(
        SMS_SENDING,
        'InvalidSmsRoleAccessPolicyException',
        'The role provided for SMS configuration does not have permission to publish using Amazon SNS',
      );
    case 'cognito-throttling':
      return inject(CHECK_CALLS, 'TooManyRequestsException', 'Rate exceeded');
    case 'carrier-outage':
      t.setCarrierOutage(true);
      return async () => t.setCarrierOutage(false);
    case 'mfa-off': {
      const client = new CognitoIdentityProviderClient({});
      const before = await client.send(new GetUserPoolMfaConfigCommand({ UserPoolId: t.userPoolId }));
      await client.send(new SetUserPoolMfaConfigCommand({ UserPoolId: t.userPoolId, MfaConfiguration: 'OFF' }));
      return async () => {
        const restore: SetUserPoolMfaConfigCommandInput = {
          UserPoolId: t.userPoolId,
          MfaConfiguration: before.MfaConfiguration ?? 'ON',
          ...(before.SmsMfaConfiguration && { SmsMfaConfiguration: before.SmsMfaConfiguration }),
        };
        try {
          await client.send(new SetUserPoolMfaConfigCommand(restore));
        } finally {
          client.destroy();
        }
      };
    }
    case 'auth-flow-removed': {
      const client = new CognitoIdentityProviderClient({});
      const { UserPoolClient: app } = await client.send(
        new DescribeUserPoolClientCommand({ UserPoolId: t.userPoolId, ClientId: t.clientId }),
      );
      const flows = app?.ExplicitAuthFlows ?? [];
      // UpdateUserPoolClient resets what it is not given: the client's other settings go back as they were.
      const update = (ExplicitAuthFlows: ExplicitAuthFlowsType[]) =>
        client.send(
          new UpdateUserPoolClientCommand({
            UserPoolId: t.userPoolId,
            ClientId: t.clientId,
            ClientName: app?.ClientName,
            ExplicitAuthFlows,
            ...(app?.RefreshTokenValidity !== undefined && { RefreshTokenValidity: app.RefreshTokenValidity }),
            ...(app?.TokenValidityUnits && { TokenValidityUnits: app.TokenValidityUnits }),
            ...(app?.AccessTokenValidity !== undefined && { AccessTokenValidity: app.AccessTokenValidity }),
            ...(app?.IdTokenValidity !== undefined && { IdTokenValidity: app.IdTokenValidity }),
          }),
        );
      await update(flows.filter((f) => f !== 'ALLOW_USER_PASSWORD_AUTH'));
      return async () => {
        try {
          await update(flows);
        } finally {
          client.destroy();
        }
      };
    }
  }
}
