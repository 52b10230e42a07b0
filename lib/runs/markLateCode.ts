import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { isAwsError } from '../errors';
import { runKey, runsTable, type WaitStep } from './model';

/**
 * What a code that came after its wait ended did to its run's record (issue 18, SmsLate vs SmsLost):
 * - `beforeVerdict`: the run had no verdict yet; RecordFailure will name it SmsLate;
 * - `reasonChanged`: the run's SmsCodeNotReceived became SmsLate, its check being still undecided
 *   (a re-run is under way, the attempt is not `final`);
 * - `evidence`: the verdict was final: only the delay is attached, the reason stays;
 * - `repeat`: a late code was recorded already (a duplicate SMS, a retried webhook): nothing changes;
 * - `noRun`: no record of that run (expired, or a wait no run owns).
 */
export type LateCodeOutcome = 'beforeVerdict' | 'reasonChanged' | 'evidence' | 'repeat' | 'noRun';

const LATE_CAUSE = (lateByMs: number) =>
  `The SMS code came ${(lateByMs / 1000).toFixed(1)} s after the wait ended (SmsLate: delayed, not lost)`;

/**
 * Writes the late code's delay on the run it was for. Three conditional updates, the first whose
 * condition holds wins, so a duplicate never overwrites the first arrival and a verdict that is
 * final keeps its reason. The code itself is never stored.
 */
export async function markLateCode(runId: string, step: WaitStep, lateByMs: number, now = Date.now()): Promise<LateCodeOutcome> {
  const late = {
    names: { '#pk': 'pk', '#lateBy': 'smsLateByMs', '#lateStep': 'smsLateStep', '#lateAt': 'smsLateAt', '#after': 'smsLateAfterVerdict' },
    values: { ':lateBy': Math.max(0, Math.round(lateByMs)), ':lateStep': step, ':lateAt': new Date(now).toISOString() },
    set: 'SET #lateBy = :lateBy, #lateStep = :lateStep, #lateAt = :lateAt, #after = :after',
    fresh: 'attribute_exists(#pk) AND attribute_not_exists(#lateBy)',
  };
  const attempts: { outcome: LateCodeOutcome; condition: string; set: string; names: object; values: object }[] = [
    {
      outcome: 'beforeVerdict',
      condition: `${late.fresh} AND #status = :running`,
      set: late.set,
      names: { '#status': 'status' },
      values: { ':running': 'RUNNING', ':after': false },
    },
    {
      outcome: 'reasonChanged',
      condition: `${late.fresh} AND #status = :fail AND #reason = :lost AND #final = :no`,
      set: `${late.set}, #reason = :late, #cause = :cause`,
      names: { '#status': 'status', '#reason': 'reason', '#final': 'final', '#cause': 'cause' },
      values: {
        ':fail': 'FAIL',
        ':lost': 'SmsCodeNotReceived',
        ':no': false,
        ':late': 'SmsLate',
        ':cause': LATE_CAUSE(lateByMs),
        ':after': false,
      },
    },
    { outcome: 'evidence', condition: late.fresh, set: late.set, names: {}, values: { ':after': true } },
  ];
  for (const attempt of attempts) {
    try {
      await dynamo().send(
        new UpdateCommand({
          TableName: runsTable(),
          Key: runKey(runId),
          UpdateExpression: attempt.set,
          ConditionExpression: attempt.condition,
          ExpressionAttributeNames: { ...late.names, ...attempt.names },
          ExpressionAttributeValues: { ...late.values, ...attempt.values },
          // The last condition's refusal tells a repeat (the record exists) from no run.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return attempt.outcome;
    } catch (error) {
      if (!isAwsError(error, 'ConditionalCheckFailed')) throw error;
      if (attempt.outcome === 'evidence') return (error as { Item?: unknown }).Item ? 'repeat' : 'noRun';
    }
  }
  return 'noRun';
}

export { LATE_CAUSE as lateCause };
