import type { InitiateAuthCommandOutput, RespondToAuthChallengeCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import type { createSrpSession } from 'cognito-srp-helper';

type SrpSession = ReturnType<typeof createSrpSession>;
type SrpHelper = typeof import('cognito-srp-helper');
let helper: Promise<SrpHelper> | undefined;
/**
 * cognito-srp-helper (with its big-number and hashing libraries) is loaded on the first SRP sign-in,
 * not at cold start: a password or passwordless check never pays for it (bundles keep dynamic
 * imports lazy: serverless.yml's esbuild `dynamic-import: false` turns them into deferred requires).
 */
const srpHelper = () => (helper ??= import('cognito-srp-helper'));
import { answerPasswordVerifier } from '../cognito/answerPasswordVerifier';
import { answerSelectChallenge } from '../cognito/answerSelectChallenge';
import type { ClientRef } from '../cognito/clientRef';
import { passwordSignIn } from '../cognito/passwordSignIn';
import { srpSignIn } from '../cognito/srpSignIn';
import { userAuthSignIn, type PasswordFactor } from '../cognito/userAuthSignIn';
import { NamedError } from '../errors';
import type { AuthFlow } from './authFlow';
import { asAppClient } from './clientSecret';
import { smsOtpNotOffered } from './smsOtp';

/**
 * What a sign-in came to, the same for every flow, once the password (or its SRP proof) was
 * accepted: tokens, or the next challenge. `username` is the name the challenge knows the user by
 * (USER_ID_FOR_SRP, on pools whose users sign in with an email or phone number a UUID), which
 * every answer to it, and its SECRET_HASH, must use. The session is a credential: for the run
 * record only. No SRP value or password is in here.
 */
export type SignInOutcome =
  { tokens: true } | { tokens: false; challengeName: string; session?: string; username: string; parameters: Record<string, string> };

export interface SignInRequest {
  client: ClientRef;
  flow: AuthFlow;
  /** The name the user signs in with: a user name, or the email address / phone number of a pool that uses them. */
  username: string;
  /** Not sent by the passwordless sms-otp flow. */
  password: string;
}

/**
 * Device challenges. Cognito asks them only of a sign-in that names a remembered device's
 * DEVICE_KEY (API reference, DeviceConfigurationType); without one, a pool that tracks devices
 * answers with tokens plus NewDeviceMetadata, which the check ignores (it never confirms a device).
 * A check sends no DEVICE_KEY, so meeting one means Cognito behaves otherwise than documented.
 */
const DEVICE_CHALLENGES = new Set(['DEVICE_SRP_AUTH', 'DEVICE_PASSWORD_VERIFIER']);

/** Fails a run that met a device challenge, naming the setting: the check cannot answer it. */
export function refuseDeviceChallenge(challengeName: string | undefined): void {
  if (challengeName && DEVICE_CHALLENGES.has(challengeName)) {
    throw new NamedError(
      'DeviceChallenge',
      `Cognito asked for ${challengeName}, a device challenge, although the check names no device (it sends no DEVICE_KEY ` +
        'and never confirms the devices Cognito offers it): the check cannot answer it. The pool tracks devices ' +
        '(DeviceConfiguration); check whether device tracking is needed on this pool, or check another pool',
    );
  }
}

/** Signs in with the run's flow; every Cognito call carries the app client's SECRET_HASH when it has a secret. */
export async function signIn(request: SignInRequest): Promise<SignInOutcome> {
  switch (request.flow) {
    case 'password':
      return outcome(await passwordFlow(request), request.username);
    case 'srp':
      return outcome(await srpFlow(request), request.username);
    case 'user-auth':
      return outcome(await userAuthFlow(request), request.username);
    case 'sms-otp':
      return outcome(await smsOtpFlow(request), request.username);
  }
}

/**
 * Passwordless USER_AUTH: AuthParameters USERNAME and PREFERRED_CHALLENGE SMS_OTP, no password
 * (InitiateAuth API reference, AuthParameters for USER_AUTH). Cognito sends the code by SMS and
 * answers SMS_OTP; when it answers SELECT_CHALLENGE instead, SMS_OTP is chosen (ANSWER SMS_OTP,
 * ChallengeResponseType) if it is among AvailableChallenges, else the run fails SmsOtpNotOffered
 * before any SMS. Tokens without the code would mean no factor was checked: UnexpectedChallenge.
 */
async function smsOtpFlow({ client, username }: SignInRequest): Promise<InitiateAuthCommandOutput | RespondToAuthChallengeCommandOutput> {
  const otp = { challenge: 'SMS_OTP' } as const;
  let answer: InitiateAuthCommandOutput | RespondToAuthChallengeCommandOutput = await asAppClient(client, username, (hash) =>
    userAuthSignIn(client, username, otp, hash),
  );
  if (answer.ChallengeName === 'SELECT_CHALLENGE') {
    const offered = (answer as InitiateAuthCommandOutput).AvailableChallenges ?? [];
    if (offered.length > 0 && !offered.includes('SMS_OTP')) {
      throw smsOtpNotOffered(
        client.userPoolId,
        `Cognito offered this user ${offered.join(', ')} as first factors, not SMS_OTP (it also needs a verified phone_number)`,
      );
    }
    const name = challengeUsername(answer, username);
    const session = answer.Session;
    answer = await asAppClient(client, name, (hash) => answerSelectChallenge(client, name, session, otp, hash));
  }
  if (answer.AuthenticationResult) {
    throw new NamedError(
      'UnexpectedChallenge',
      'Passwordless sign-in (sms-otp) returned tokens without the SMS_OTP challenge: Cognito signed the user in without any code',
    );
  }
  return answer;
}

function passwordFlow({ client, username, password }: SignInRequest): Promise<InitiateAuthCommandOutput> {
  return asAppClient(client, username, (hash) => passwordSignIn(client, username, password, hash));
}

/** USER_SRP_AUTH → PASSWORD_VERIFIER, as Amplify JS v6 signIn() does by default. */
async function srpFlow({
  client,
  username,
  password,
}: SignInRequest): Promise<InitiateAuthCommandOutput | RespondToAuthChallengeCommandOutput> {
  const srp = (await srpHelper()).createSrpSession(username, password, client.userPoolId, false);
  const started = await asAppClient(client, username, (hash) => srpSignIn(client, srp.largeA, username, hash));
  return verifyPassword(client, srp, started, username);
}

/**
 * USER_AUTH naming PASSWORD_SRP as the first factor; when Cognito answers SELECT_CHALLENGE (a pool
 * that lets the user choose), PASSWORD_SRP is chosen, or PASSWORD when only that is offered.
 */
async function userAuthFlow({
  client,
  username,
  password,
}: SignInRequest): Promise<InitiateAuthCommandOutput | RespondToAuthChallengeCommandOutput> {
  const srp = (await srpHelper()).createSrpSession(username, password, client.userPoolId, false);
  const srpFactor: PasswordFactor = { challenge: 'PASSWORD_SRP', srpA: srp.largeA };
  let answer: InitiateAuthCommandOutput | RespondToAuthChallengeCommandOutput = await asAppClient(client, username, (hash) =>
    userAuthSignIn(client, username, srpFactor, hash),
  );
  if (answer.ChallengeName === 'SELECT_CHALLENGE') {
    const offered = (answer as InitiateAuthCommandOutput).AvailableChallenges ?? [];
    const factor: PasswordFactor =
      offered.length > 0 && !offered.includes('PASSWORD_SRP') && offered.includes('PASSWORD')
        ? { challenge: 'PASSWORD', password }
        : srpFactor;
    const name = challengeUsername(answer, username);
    const session = answer.Session;
    answer = await asAppClient(client, name, (hash) => answerSelectChallenge(client, name, session, factor, hash));
  }
  return answer.ChallengeName === 'PASSWORD_VERIFIER' ? verifyPassword(client, srp, answer, username) : answer;
}

/** Answers PASSWORD_VERIFIER with the SRP proof; anything else Cognito asked first is returned as it is. */
async function verifyPassword(
  client: ClientRef,
  srp: SrpSession,
  answer: InitiateAuthCommandOutput | RespondToAuthChallengeCommandOutput,
  username: string,
): Promise<InitiateAuthCommandOutput | RespondToAuthChallengeCommandOutput> {
  if (answer.ChallengeName !== 'PASSWORD_VERIFIER') return answer;
  const { signSrpSession } = await srpHelper();
  let signed;
  try {
    signed = signSrpSession(srp, answer);
  } catch (error) {
    // The helper names what was missing (SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP); no value.
    throw new NamedError('UnexpectedChallenge', `PASSWORD_VERIFIER came without what SRP needs: ${(error as Error).message}`);
  }
  const name = challengeUsername(answer, username);
  const session = answer.Session;
  const claim = { secretBlock: signed.secret, signature: signed.passwordSignature, timestamp: signed.timestamp };
  return asAppClient(client, name, (hash) => answerPasswordVerifier(client, claim, name, session, hash));
}

/** The name a challenge knows the user by: USER_ID_FOR_SRP, else its USERNAME, else the sign-in name. */
function challengeUsername(answer: { ChallengeParameters?: Record<string, string> }, fallback: string): string {
  return answer.ChallengeParameters?.USER_ID_FOR_SRP ?? answer.ChallengeParameters?.USERNAME ?? fallback;
}

function outcome(answer: InitiateAuthCommandOutput | RespondToAuthChallengeCommandOutput, username: string): SignInOutcome {
  if (answer.AuthenticationResult) return { tokens: true };
  refuseDeviceChallenge(answer.ChallengeName);
  return {
    tokens: false,
    challengeName: answer.ChallengeName ?? 'no',
    session: answer.Session,
    username: challengeUsername(answer, username),
    parameters: answer.ChallengeParameters ?? {},
  };
}
