import { requestedSmsSender, type SmsSender as SmsSenderMode } from '../../lib/cognito/smsSender';
import { DescribeUserPoolCommand, UpdateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../../lib/clients';
import { hasRealUser, MAX_USERS_READ } from '../../lib/cognito/hasRealUser';
import { USER_POOL_ID } from '../../lib/cognito/ids';
import { userPoolUpdateInput } from '../../lib/cognito/userPoolUpdate';
import { envOnce } from '../../lib/env';
import { NamedError, ValidationError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { logger } from '../../lib/logger';
import { requireCustomSmsSenderKeyArn } from '../../lib/sms/routeSettings';
import { asObject, noUnknownFields, requiredString } from '../../lib/validate';

/** This stack's Custom SMS Sender and the KMS key Cognito encrypts its codes under. */
const senderArn = envOnce('CUSTOM_SMS_SENDER_ARN');
/** Empty on stages without param customSmsSender=true: a named error says which param to set. */
const keyArn = requireCustomSmsSenderKeyArn;
/** The End User Messaging number the sender forwards real users' codes from; empty: they are dropped. */
const forwardsRealUsersCodes = () => (process.env.FORWARD_ORIGINATION_IDENTITY ?? '').trim() !== '';

/** How a pool's codes leave Cognito; only the carrier-free Custom SMS Sender is switched to here. */
/** This task switches pools to the Custom SMS Sender only; switching back is never automatic. */
type SmsSender = Extract<SmsSenderMode, 'custom-sender'>;

export interface UpdateUserPoolOutput {
  changed: boolean;
  smsSender: SmsSender;
}

/** A function ARN without its version or alias qualifier. */
const unqualified = (arn: string) => arn.replace(/^(arn:[^:]+:lambda:[^:]+:\d+:function:[^:]+):.+$/, '$1');

/**
 * Switches a user pool to the carrier-free mode: its SMS codes go, encrypted under this stack's
 * KMS key, to this stack's Custom SMS Sender instead of to a phone (DESIGN §5a).
 *
 * UpdateUserPool resets every setting its request leaves out, so the request is the pool as
 * DescribeUserPool shows it (lib/cognito/userPoolUpdate.ts) with only the Custom SMS Sender and
 * its key set. Re-runnable: a pool already in this mode is left alone. A pool whose SMS already
 * go to another function, or whose Custom Email Sender uses another key (there is one
 * `KMSKeyID` for both senders), is refused with a named error, never overwritten; so is a pool with
 * real users on a stage that would drop their codes.
 */
export async function updateUserPool(event: unknown): Promise<UpdateUserPoolOutput> {
  const input = asObject(event);
  noUnknownFields(input, ['userPoolId', 'smsSender']);
  const userPoolId = requiredString(input, 'userPoolId', USER_POOL_ID);
  if (requestedSmsSender(input.smsSender) !== 'custom-sender') throw new ValidationError('smsSender', 'must be custom-sender');
  const smsSender: SmsSender = 'custom-sender';
  const key = keyArn();

  const { UserPool: pool } = await cognito().send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
  if (!pool?.Id) throw new NamedError('Unexpected', `Cognito described no user pool ${userPoolId}`);
  const lambdaConfig = pool.LambdaConfig ?? {};
  const current = lambdaConfig.CustomSMSSender?.LambdaArn;

  if (current === senderArn() && lambdaConfig.KMSKeyID === key) {
    logger.info('user pool already sends its SMS codes to the Custom SMS Sender', { userPoolId });
    return { changed: false, smsSender };
  }
  if (current !== undefined && unqualified(current) !== unqualified(senderArn())) {
    throw new NamedError(
      'CustomSmsSenderInUse',
      `User pool ${userPoolId} already hands its SMS to another Custom SMS Sender (${current}); ` +
        'it is never overwritten. Remove it from the pool, or check another pool.',
    );
  }
  if (lambdaConfig.CustomEmailSender && lambdaConfig.KMSKeyID && lambdaConfig.KMSKeyID !== key) {
    throw new NamedError(
      'CustomSenderKeyInUse',
      `User pool ${userPoolId} has a Custom Email Sender whose codes are encrypted under ${lambdaConfig.KMSKeyID}; ` +
        'a pool has one KMSKeyID for both senders, so switching it would break that sender. It is never overwritten.',
    );
  }

  await refuseIfRealUsersWouldLoseSms(userPoolId);

  const update = userPoolUpdateInput(pool, {
    LambdaConfig: { CustomSMSSender: { LambdaArn: senderArn(), LambdaVersion: 'V1_0' }, KMSKeyID: key },
  });
  await cognito().send(new UpdateUserPoolCommand(update));
  logger.info('user pool now sends its SMS codes to the Custom SMS Sender', {
    userPoolId,
    settingsCarriedOver: Object.keys(update).length - 1,
  });
  return { changed: true, smsSender };
}

/**
 * In this mode Cognito sends no SMS at all: the sender forwards a real user's code only when a
 * forward number is configured, else drops it (with a log line and a metric). So a pool that has
 * users besides the checks' own is switched only on a stage that forwards; otherwise it would lock
 * them out of sign-up and MFA.
 */
async function refuseIfRealUsersWouldLoseSms(userPoolId: string): Promise<void> {
  // Users are listed even when DescribeUserPool's EstimatedNumberOfUsers says 0: it is an estimate.
  if (forwardsRealUsersCodes()) return;
  const real = await hasRealUser(userPoolId);
  if (real === false) return;
  throw new NamedError(
    'RealUsersWouldLoseSms',
    `User pool ${userPoolId} ${real ? 'has users that are not synthetic checks' : `has more than ${MAX_USERS_READ} users`}, and this ` +
      'stage forwards no codes (param forwardOriginationPhoneNumberId is empty): in custom-sender mode Cognito sends no SMS, so they ' +
      'could no longer sign up or sign in with MFA. Deploy with --param="forwardOriginationPhoneNumberId=<End User Messaging number id>", ' +
      'or use a pool that only the checks use.',
  );
}

export const handler = taskHandler(updateUserPool);
