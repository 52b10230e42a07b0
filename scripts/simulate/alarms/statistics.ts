/**
 * One period's statistic over the raw values a metric received in it (CloudWatch "Statistics
 * definitions"): Sum, SampleCount, Average, Minimum, Maximum and percentiles `pNN` / `pNN.N`.
 * No values in the period: no datapoint (undefined), never 0 — AWS/States and EMF metrics publish
 * only when something happens, which is why the alarms say how to treat missing data.
 */
import { ValidationError } from '../../../lib/errors';

const SIMPLE = ['Sum', 'SampleCount', 'Average', 'Minimum', 'Maximum'] as const;
const PERCENTILE = /^p(\d{1,2}(?:\.\d+)?|100)$/;

/** Throws a ValidationError naming `field` when the alarm's statistic is not one the evaluator computes. */
export function checkStatistic(stat: string, field: string): string {
  if ((SIMPLE as readonly string[]).includes(stat) || PERCENTILE.test(stat)) return stat;
  throw new ValidationError(field, `statistic ${stat} is not supported (${SIMPLE.join(', ')} or pNN)`);
}

/**
 * Percentile by nearest rank: the smallest value with at least p% of the values at or below it.
 * CloudWatch does not document its interpolation; with one value per check, as here, any method
 * returns one of the checks' durations, and nearest rank never invents a duration no check had.
 */
function percentile(sorted: number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export function statistic(stat: string, values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  switch (stat) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'SampleCount':
      return values.length;
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
  }
  const m = PERCENTILE.exec(stat);
  if (!m) throw new ValidationError('stat', `statistic ${stat} is not supported`);
  return percentile(
    [...values].sort((a, b) => a - b),
    Number(m[1]),
  );
}
