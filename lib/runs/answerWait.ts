import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { isAwsError } from '../errors';
import { codeHash } from './codeHash';
import { runsTable, waitKey, type WaitItem, type WaitStep } from './model';

export type AnswerOutcome =
  | { outcome: 'ACCEPTED'; wait: WaitItem }
  | { outcome: 'NOT_WAITING' }
  | { outcome: 'ALREADY_ANSWERED'; wait: WaitItem }
  | { outcome: 'EXPIRED'; wait: WaitItem }
  | { outcome: 'WRONG_STEP'; wait: WaitItem };

export interface AnswerOptions {
  /**
   * Answer only if the phone's wait belongs to this run (a code submitted by run id): another
   * run that took the phone since must not get this run's code. A wait of another run is
   * reported as NOT_WAITING, as if there were none.
   */
  runId?: string;
  /**
   * Answer only the wait of this step. A route that knows what the code is for (the Custom SMS
   * Sender's triggerSource) must not answer the MFA wait with a resent sign-up code.
   */
  step?: WaitStep;
  now?: number;
}

/**
 * Stores a delivered code on the phone's open wait. First answer wins: the conditional update
 * refuses a second one, and a repeat of the previous step's code, so a retried webhook cannot
 * answer the next step with a stale code.
 */
export async function answerWait(phone: string, code: string, options: AnswerOptions | number = {}): Promise<AnswerOutcome> {
  const { runId, step, now = Date.now() } = typeof options === 'number' ? { now: options } : options;
  try {
    const { Attributes } = await dynamo().send(
      new UpdateCommand({
        TableName: runsTable(),
        Key: waitKey(phone),
        UpdateExpression: 'SET #code = :code, #codeHash = :hash, #answered = :yes, #answeredAt = :now',
        ConditionExpression:
          'attribute_exists(#pk) AND attribute_not_exists(#answered) AND #expiresAt > :now AND ' +
          '(attribute_not_exists(#previousCodeHash) OR #previousCodeHash <> :hash)' +
          (runId === undefined ? '' : ' AND #runId = :run') +
          (step === undefined ? '' : ' AND #step = :step'),
        ExpressionAttributeNames: {
          '#pk': 'pk',
          '#code': 'code',
          '#codeHash': 'codeHash',
          '#answered': 'answered',
          '#answeredAt': 'answeredAt',
          '#expiresAt': 'expiresAt',
          '#previousCodeHash': 'previousCodeHash',
          ...(runId === undefined ? {} : { '#runId': 'runId' }),
          ...(step === undefined ? {} : { '#step': 'step' }),
        },
        ExpressionAttributeValues: {
          ':code': code,
          ':yes': true,
          ':now': now,
          ':hash': codeHash(code),
          ...(runId === undefined ? {} : { ':run': runId }),
          ...(step === undefined ? {} : { ':step': step }),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { outcome: 'ACCEPTED', wait: Attributes as WaitItem };
  } catch (error) {
    if (!isAwsError(error, 'ConditionalCheckFailed')) throw error;
  }
  // Why the condition failed decides the answer (404/409/410); read it back to tell.
  const { Item } = await dynamo().send(new GetCommand({ TableName: runsTable(), Key: waitKey(phone), ConsistentRead: true }));
  const wait = Item as WaitItem | undefined;
  if (!wait || (runId !== undefined && wait.runId !== runId)) return { outcome: 'NOT_WAITING' };
  if (step !== undefined && wait.step !== step) return { outcome: 'WRONG_STEP', wait };
  if (wait.answered || wait.previousCodeHash === codeHash(code)) return { outcome: 'ALREADY_ANSWERED', wait };
  return { outcome: 'EXPIRED', wait };
}
