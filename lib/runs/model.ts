import { envOnce } from '../env';
import type { CheckKind } from '../verify/kind';
import type { StandingUserOutcome } from '../verify/standingUser';

/**
 * One DynamoDB table (RUNS_TABLE, key `pk`, TTL on `ttl`) holds these kinds of item:
 * - `RUN#<runId>`: a verification run: target, synthetic username, phone, verdict, step timings,
 *   and, only between InitiateAuth and RespondToAuthChallenge, the Cognito session;
 * - `LEASE#<phone>`: which run may use a phone number now (so runs never read each other's SMS);
 * - `WAIT#<phone>`: the SMS code a run waits for on that phone: step, the Cognito user it is for,
 *   task token, expiry, and the code once the callback delivered it;
 * - `KEY#synthetic-passwords`: the random key synthetic users' passwords are derived from.
 * Secrets (session, code, task token) live only here, never in Step Functions state.
 */
export const runsTable = envOnce('RUNS_TABLE');

/** SANDBOX: the one-time password of `cogcheck sms-sandbox-verify` (no run, no task token). */
export type WaitStep = 'SIGN_UP' | 'MFA' | 'SANDBOX';

export const runKey = (runId: string) => ({ pk: `RUN#${runId}` });
export const leaseKey = (phone: string) => ({ pk: `LEASE#${phone}` });
export const waitKey = (phone: string) => ({ pk: `WAIT#${phone}` });
/** The key synthetic passwords are derived from (lib/verify/password.ts): one item, no TTL. */
export const passwordKeyKey = { pk: 'KEY#synthetic-passwords' };

export interface RunItem {
  pk: string;
  runId: string;
  phoneNumber: string;
  userPoolId: string;
  clientId: string;
  username: string;
  targetName?: string;
  /** Absent on records written before kinds existed: those were sign-up runs. */
  kind?: CheckKind;
  /** The sign-in flow the run uses (lib/verify/authFlow.ts); absent on older records: `password`. */
  authFlow?: 'password' | 'srp' | 'user-auth' | 'sms-otp';
  /**
   * The challenge the run's SMS code answers: SMS_MFA (after a password) or SMS_OTP (passwordless
   * sign-in), so the answering Lambda sends SMS_MFA_CODE or SMS_OTP_CODE. Absent: SMS_MFA.
   */
  challengeName?: 'SMS_MFA' | 'SMS_OTP';
  /** The pool's Region; absent on older records: the stack's. */
  region?: string;
  /** The route its codes are expected back by (lib/verify/codeRoute.ts); absent when the input did not say. */
  codeRoute?: 'inbound-sms' | 'custom-sender' | 'twilio' | 'callback';
  startedAt: string;
  status: 'RUNNING' | 'PASS' | 'FAIL';
  timeouts: { signUpCodeSeconds: number; mfaCodeSeconds: number };
  authSession?: string;
  /**
   * The name the session's challenge knows the user by (USER_ID_FOR_SRP: on pools whose users sign
   * in with an email or phone number, Cognito's own name for it); the SMS_MFA answer and its
   * SECRET_HASH use it. Absent: `username`.
   */
  challengeUsername?: string;
  /** Sign-in runs: what became of the standing user, and why it was recreated. */
  standingUser?: StandingUserOutcome;
  standingUserReason?: string;
  /** lib/verify/firstSignIn.ts (not imported: it imports this module). */
  firstSignIn?: 'mfa-challenged' | 'tokens-without-mfa';
  /**
   * Whose failure a FAIL is (issue 18): `pool` (Cognito refused or is misconfigured), `sms` (the
   * code did not come, or came late) or `checker` (our own parts). Absent on PASS and on older records.
   */
  class?: 'pool' | 'sms' | 'checker';
  /**
   * Retries before a verdict (issue 18): 1 for a check's first run, 2.. for the immediate re-runs
   * that confirm its failure; `retryOf` is the first run's runId. Absent on older records: 1.
   */
  attempt?: number;
  retryOf?: string;
  /** The check's retries (0..2, lib/verify/attempts.ts); absent on older records: 0. */
  retries?: number;
  /** First attempt's record only: how many attempts its check has started; the last one's run id is attemptRunId(runId, attempts). */
  attempts?: number;
  /** This attempt's verdict is its check's (no retry followed): a late code is then evidence only. */
  final?: boolean;
  /**
   * A code that came after its wait ended (lib/runs/markLateCode.ts): how long after the wait's end,
   * for which step, when, and whether the verdict was final by then (evidence only) or not (reason SmsLate).
   */
  smsLateByMs?: number;
  smsLateStep?: WaitStep;
  smsLateAt?: string;
  smsLateAfterVerdict?: boolean;
  /**
   * End User Messaging SMS events of the run's SMS (smsPath eums, lib/sms/deliveryEventsAttach.ts; the type in lib/sms/deliveryEvents.ts),
   * attached as they come, also after the verdict; `deliveryEvidence` is what a failed verdict cites
   * (CarrierUnreachable, Blocked, TtlExpired, ... or Delivered). Absent on the sns path.
   */
  deliveryEvents?: import('../sms/deliveryEvents').RecordedDeliveryEvent[];
  deliveryEvidence?: import('../sms/deliveryEvents').DeliveryEvidence;
  ttl: number;
}

export interface WaitItem {
  pk: string;
  runId: string;
  step: WaitStep;
  registeredAt: number;
  /** Epoch ms after which a code is refused as late (410). */
  expiresAt: number;
  taskToken?: string;
  /** The delivered code, only between the callback and the step that uses it. */
  code?: string;
  /** Hash of the delivered code, kept after the code is used (duplicates get 409). */
  codeHash?: string;
  answered?: boolean;
  answeredAt?: number;
  consumedAt?: number;
  /** Hash of the code answered for the previous step, so its duplicate is not taken for this one. */
  previousCodeHash?: string;
  /**
   * The Cognito user whose code answers this wait: the Custom SMS Sender is told which user each
   * code is for, and answers only this one. Absent on SANDBOX waits (no user) and on waits
   * registered before it was recorded.
   */
  userPoolId?: string;
  username?: string;
  ttl: number;
}

/** Who a wait is for: the user the run's Cognito call sends the code to. */
export interface WaitUser {
  userPoolId: string;
  username: string;
}

/** Run records are kept for history; leases and waits only as long as a run can last. */
export const RUN_RETENTION_SECONDS = 30 * 24 * 3600;
export const SHORT_RETENTION_SECONDS = 2 * 3600;

export const ttlIn = (seconds: number, now = Date.now()) => Math.floor(now / 1000) + seconds;

/**
 * `SEEN#<route>#<messageId>`: a received message (inbound SMS id, Twilio MessageSid), kept so that
 * repeated deliveries and replayed requests are recognised as repeats (seenRetentionSeconds).
 */
export const seenKey = (route: string, messageId: string) => ({ pk: `SEEN#${route}#${messageId}` });

/** SNS's and Lambda's at-least-once deliveries and retries all come within hours. */
export const SEEN_RETENTION_SECONDS = 24 * 3600;

/**
 * Routes whose requests anyone who captured one can send again, for as long as they remember the
 * message: a Twilio signature covers URL and form but no timestamp, so a request replayed a year
 * later still verifies, and without its SEEN# item it would answer whatever wait is open on that
 * number. Their items outlive any plausible replay (a rotated auth token ends them too): 400 days.
 * The items are tiny: the default checks' ~9,200 SMS a month leave about 120,000 of them, some
 * 25 MB with DynamoDB's 100 bytes of overhead each, under 0.01 USD a month.
 */
export const REPLAYABLE_SEEN_RETENTION_SECONDS = 400 * 24 * 3600;
const REPLAYABLE_ROUTES: ReadonlySet<string> = new Set(['twilio']);

/** How long a route's SEEN# items are kept. */
export const seenRetentionSeconds = (route: string): number =>
  REPLAYABLE_ROUTES.has(route)
    ? REPLAYABLE_SEEN_RETENTION_SECONDS
    : route === DELIVERY_EVENT_ROUTE
      ? DELIVERY_EVENT_SEEN_RETENTION_SECONDS
      : SEEN_RETENTION_SECONDS;

/**
 * End User Messaging delivery events (lib/sms/deliveryEvents.ts), seen by `<messageId>#<eventType>`:
 * carrier receipts come up to 72 h after the SMS, and SNS may repeat one as late: kept 4 days.
 */
export const DELIVERY_EVENT_ROUTE = 'eums';
export const DELIVERY_EVENT_SEEN_RETENTION_SECONDS = 4 * 24 * 3600;
