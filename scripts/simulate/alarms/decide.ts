/**
 * The state one alarm evaluation gives, from the datapoints of its evaluation range, as CloudWatch
 * documents it in "Configuring how CloudWatch alarms treat missing data" (section "How alarm state
 * is evaluated when data is missing", and "Avoiding premature transitions to alarm state"):
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html
 *
 * 1. None of the last EvaluationPeriods (N) datapoints is missing: M of those N breaching → ALARM, else OK.
 * 2. Some are missing but the evaluation range holds at least N real datapoints: the most recent N
 *    real ones are evaluated the same way; TreatMissingData is not used.
 * 3. Fewer than N real datapoints: the missing ones are filled per TreatMissingData, as few as
 *    possible (N minus the real ones), and every real datapoint of the range counts.
 *    - breaching / notBreaching: the fills count as breaching / not breaching.
 *    - missing: no real datapoint → INSUFFICIENT_DATA; M breaching → ALARM; a non-breaching one → OK;
 *      only breaching ones, fewer than M: ALARM when the oldest is at least M datapoints old (the
 *      premature-alarm rule), else the evaluation waits (the state is kept: assumed, the page says
 *      only that the alarm "does not go immediately into ALARM").
 *    - ignore: as missing, except that where missing would give INSUFFICIENT_DATA or a premature
 *      ALARM the current state is kept ("Retain current state" in the page's tables).
 */
import type { TreatMissingData } from './readAlarms';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** A datapoint of the range: true breaching, false not breaching, undefined missing. */
export type Breach = boolean | undefined;

export interface DecideSettings {
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: TreatMissingData;
}

const count = (points: readonly Breach[], value: boolean): number => points.filter((p) => p === value).length;

/** `range`: the evaluation range's datapoints, oldest first, the most recent last. */
export function decideState(range: readonly Breach[], settings: DecideSettings, current: AlarmState): AlarmState {
  const { evaluationPeriods: n, datapointsToAlarm: m, treatMissingData } = settings;
  const mOfN = (points: readonly Breach[]): AlarmState => (count(points, true) >= m ? 'ALARM' : 'OK');

  const lastN = range.slice(-n);
  if (lastN.length === n && lastN.every((p) => p !== undefined)) return mOfN(lastN);
  const real = range.filter((p) => p !== undefined);
  if (real.length >= n) return mOfN(real.slice(-n));

  const fills = n - real.length;
  const breaching = count(real, true);
  switch (treatMissingData) {
    case 'breaching':
      return breaching + fills >= m ? 'ALARM' : 'OK';
    case 'notBreaching':
      return breaching >= m ? 'ALARM' : 'OK';
    case 'missing':
    case 'ignore': {
      if (breaching >= m) return 'ALARM';
      if (count(real, false) > 0) return 'OK';
      if (real.length === 0) return treatMissingData === 'missing' ? 'INSUFFICIENT_DATA' : current;
      if (treatMissingData === 'ignore') return current;
      // Only breaching datapoints, fewer than M: premature-alarm rule, age 1 = the most recent.
      const oldestBreachAge = range.length - range.indexOf(true);
      return oldestBreachAge >= m ? 'ALARM' : current;
    }
  }
}
