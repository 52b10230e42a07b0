import { CLIENT_ID, USER_POOL_ID } from '../cognito/ids';
import { NamedError, ValidationError } from '../errors';
import { optionalEnv } from '../env';
import { TARGET_NAME } from '../names';
import { PHONE_NUMBER } from '../phone';
import { inboundPhoneNumber } from '../sms/inboundPhoneNumber';
import { getTarget } from '../targets/getTarget';
import { asObject, noUnknownFields, requiredString } from '../validate';
import { regionOfUserPool } from '../cognito/region';
import { primaryRegionOf, secondaryRegionOf } from '../cognito/replica';
import { readAuthFlow, type AuthFlow } from './authFlow';
import { readRetries } from './attempts';
import { readCodeRoute } from './codeRoute';
import type { CodeRoute } from '../sms/report';
import { readKind, type CheckKind } from './kind';
import { readTimeouts, type Timeouts } from './timeouts';

/** A verification run's input, validated, with its target and phone resolved. Holds the raw phone number: never return it whole. */
export interface RunRequest {
  kind: CheckKind;
  userPoolId: string;
  clientId: string;
  targetName?: string;
  /** The pool's Region (its id's prefix, or the target record's). */
  region: string;
  /** The flow the input or the target names; undefined: chosen from the app client at run time (defaultAuthFlow). */
  authFlow?: AuthFlow;
  phone: string;
  /** firstAttempt: a re-run takes the phone its check's first attempt resolved (lib/verify/attemptRequest.ts). */
  phoneFrom: 'input' | 'inboundPhoneNumberId' | 'firstAttempt';
  timeouts: Timeouts;
  /** Immediate re-runs that confirm a failure (lib/verify/attempts.ts): 0..2, default 0 (a schedule sends its check's). */
  retries: number;
  /** The route the codes are expected back by: the input's, else the inbound SMS number's when the phone is it. */
  codeRoute?: CodeRoute;
}

export const RUN_INPUT_FIELDS = [
  'kind',
  'target',
  'userPoolId',
  'clientId',
  'authFlow',
  'phoneNumber',
  'timeouts',
  'retries',
  'codeRoute',
] as const;

/**
 * Validates a run's input (every problem before any AWS call), then reads its target (SSM) and,
 * without `phoneNumber` (a scheduled check without a phone), the stage's inbound-SMS number
 * (parameter inboundPhoneNumberId), whose two-way SMS bring the codes back by themselves.
 * `expectedKind`: the kind of run the calling state starts.
 */
export async function readRunRequest(rawInput: unknown, expectedKind: CheckKind): Promise<RunRequest> {
  const input = asObject(rawInput ?? {}, 'input');
  noUnknownFields(input, RUN_INPUT_FIELDS);
  const kind = readKind(input.kind);
  // The state machine's ChooseKind routes each kind to its own first state: another is a wiring bug.
  if (kind !== expectedKind) throw new ValidationError('kind', `a ${kind} run does not start at the ${expectedKind} run's first state`);
  const phoneNumber =
    input.phoneNumber === undefined || input.phoneNumber === null ? undefined : requiredString(input, 'phoneNumber', PHONE_NUMBER);
  const timeouts = readTimeouts(input.timeouts);
  const retries = readRetries(input.retries);
  let authFlow = readAuthFlow(input.authFlow);
  const codeRoute = readCodeRoute(input.codeRoute) ?? (phoneNumber === undefined ? 'inbound-sms' : undefined);
  const inboundId = optionalEnv('INBOUND_PHONE_NUMBER_ID');
  if (phoneNumber === undefined && inboundId === undefined) {
    throw new ValidationError('phoneNumber', 'is required (this stage has no inboundPhoneNumberId to default to)');
  }

  let userPoolId: string;
  let clientId: string;
  let targetName: string | undefined;
  let region: string;
  if (input.target !== undefined) {
    if (input.userPoolId !== undefined || input.clientId !== undefined) {
      throw new ValidationError('target', 'give either target or userPoolId + clientId, not both');
    }
    targetName = requiredString(input, 'target', TARGET_NAME);
    const target = await getTarget(targetName);
    ({ userPoolId, clientId } = target);
    region = target.region || regionOfUserPool(userPoolId);
    authFlow ??= target.authFlow;
  } else {
    if (input.userPoolId === undefined && input.clientId === undefined) {
      throw new ValidationError('target', 'is required (or userPoolId and clientId)');
    }
    userPoolId = requiredString(input, 'userPoolId', USER_POOL_ID);
    clientId = requiredString(input, 'clientId', CLIENT_ID);
    region = regionOfUserPool(userPoolId);
  }
  refuseSignUpOnReplica(kind, { userPoolId, region, targetName });
  const phone = phoneNumber ?? (await inboundPhoneNumber(inboundId!));
  return {
    kind,
    userPoolId,
    clientId,
    targetName,
    region,
    authFlow,
    phone,
    phoneFrom: phoneNumber ? 'input' : 'inboundPhoneNumberId',
    timeouts,
    retries,
    ...(codeRoute && { codeRoute }),
  };
}

/**
 * A secondary replica "can't create users", by sign-up or by an administrator (developer guide,
 * "Multi-Region replication for user pools", limitations): a sign-up check there could never pass,
 * so it is refused before any Cognito call, naming the replica.
 */
export function refuseSignUpOnReplica(kind: CheckKind, target: { userPoolId: string; region: string; targetName?: string }): void {
  const secondary = secondaryRegionOf(target);
  if (kind !== 'signup' || !secondary) return;
  throw new NamedError(
    'SignUpOnReplica',
    `${target.targetName ? `Target ${target.targetName} is` : 'This is'} the secondary replica of user pool ${target.userPoolId} in ${secondary}: ` +
      `a secondary creates no users (no sign-up, no AdminCreateUser), so a signup check cannot run there. ` +
      `Run signup checks on the primary (${primaryRegionOf(target.userPoolId)}) and signin checks on the replica`,
  );
}
