import { captureLogsAndMetricsInFile, jsonLines } from '../../tests/support/logCapture';
import { reportOutcome, type RouteOutcome } from './report';

const PHONE = '+15555550123';

const logs = captureLogsAndMetricsInFile();

/** The lines one report wrote: its `code <Outcome>` line and its EMF metric lines. */
function report(outcome: RouteOutcome, details: Record<string, unknown> = {}) {
  const from = logs.lines().length;
  reportOutcome('callback', outcome, { phone: PHONE, ...details });
  const lines = jsonLines(logs.lines().slice(from));
  return { line: lines.filter((l) => !l._aws), metrics: lines.filter((l) => l._aws) };
}

/**
 * Every outcome, and whether it loses a code (a Record, so the type check fails until a new outcome
 * is placed). Refusals of a request that may have carried a code count, also those made before its
 * body is read (too large, forged).
 */
const LOST: Record<RouteOutcome, boolean> = {
  Resumed: false,
  StoredBeforeAwait: false,
  Forwarded: false,
  Duplicate: false,
  Keyword: false,
  NotWaiting: true,
  AlreadyAnswered: true,
  WaitExpired: true,
  WrongStep: true,
  Malformed: true,
  NoCode: true,
  DecryptFailed: true,
  GaveUp: true,
  Dropped: true,
  BadSignature: true,
  TooLarge: true,
};
const outcomes = (lost: boolean) => (Object.keys(LOST) as RouteOutcome[]).filter((o) => LOST[o] === lost);

describe('reportOutcome', () => {
  it.each(outcomes(false))('%s loses nothing: one info line, no metric', (outcome) => {
    const { line, metrics } = report(outcome);
    expect(line).toEqual([expect.objectContaining({ message: `code ${outcome}`, level: 'INFO', route: 'callback', outcome })]);
    expect(metrics).toHaveLength(0);
  });

  it.each(outcomes(true))(
    '%s is a lost code: one warning and one CodeNotDelivered, route and outcome as fields, not dimensions',
    (outcome) => {
      const { line, metrics } = report(outcome);
      expect(line).toEqual([expect.objectContaining({ message: `code ${outcome}`, level: 'WARN', route: 'callback', outcome })]);
      expect(metrics).toEqual([expect.objectContaining({ CodeNotDelivered: 1, route: 'callback', outcome })]);
      expect(metrics[0]._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service']]);
    },
  );

  it('shows the phone masked, never in clear', () => {
    const { line, metrics } = report('NoCode', { rule: 'contains no 4-8 digit code' });
    expect(line[0].phone).toBe('+*******0123');
    expect(JSON.stringify([line, metrics])).not.toContain(PHONE);
  });
});
