/**
 * Each `AWS::CloudWatch::Alarm` of a packaged CloudFormation template, as the settings CloudWatch
 * evaluates it by (AWS::CloudWatch::Alarm / PutMetricAlarm): the metric or metric-math query, the
 * period, EvaluationPeriods, DatapointsToAlarm, Threshold, ComparisonOperator, TreatMissingData and
 * ActionsEnabled. Serverless parameters (`${param:...}`) are already numbers after `sls package`;
 * CloudFormation intrinsics left in dimension values (`{ Ref: VerifyStateMachine }`) are resolved
 * from `refs`, or stand for the logical id itself, so the simulation can name its metrics either way.
 */
import { readFileSync } from 'node:fs';
import { ValidationError } from '../../../lib/errors';
import { type Expr, parseExpression, referencedIds } from './expression';
import { checkStatistic } from './statistics';

export type TreatMissingData = 'missing' | 'notBreaching' | 'breaching' | 'ignore';
export type ComparisonOperator =
  'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';

export interface MetricRef {
  namespace: string;
  metricName: string;
  /** Dimension name → value; CloudWatch matches the exact set. */
  dimensions: Record<string, string>;
}

/** One metric read by an alarm: its id in the math expression (`m` for a single-metric alarm). */
export interface MetricQuery {
  id: string;
  metric: MetricRef;
  /** `Sum`, `Average`, ..., or a percentile such as `p90` (ExtendedStatistic). */
  stat: string;
  periodSeconds: number;
}

export interface AlarmDefinition {
  /** The template's logical id (what the simulation reports as `alarm`). */
  name: string;
  /** AlarmDescription, if any (e.g. CheckerFailingAlarm's says it is a warning, not a page). */
  description?: string;
  kind: 'metric' | 'math';
  /** The metrics it reads; a single-metric alarm has one, with id `m`. */
  queries: MetricQuery[];
  /** The value per period: `m` for a single metric; the ReturnData expression for metric math. */
  expression: Expr;
  /** The expression as written, for reports. */
  expressionText: string;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparisonOperator: ComparisonOperator;
  treatMissingData: TreatMissingData;
  actionsEnabled: boolean;
  alarmActions: number;
}

export interface TemplateLike {
  Resources: Record<string, { Type: string; Properties?: unknown }>;
}

/** The AWS::CloudWatch::Alarm properties read here, as loosely typed as a parsed template is. */
interface CfnMetric {
  Namespace?: unknown;
  MetricName?: unknown;
  Dimensions?: { Name: string; Value: unknown }[];
}
interface CfnMetricEntry {
  Id?: unknown;
  Expression?: unknown;
  ReturnData?: unknown;
  MetricStat?: { Metric?: CfnMetric; Period?: unknown; Stat?: unknown };
}
interface CfnAlarm extends CfnMetric {
  AlarmDescription?: unknown;
  Metrics?: CfnMetricEntry[];
  Statistic?: unknown;
  ExtendedStatistic?: unknown;
  Period?: unknown;
  EvaluationPeriods?: unknown;
  DatapointsToAlarm?: unknown;
  Threshold?: unknown;
  ComparisonOperator?: unknown;
  TreatMissingData?: unknown;
  EvaluateLowSampleCountPercentile?: unknown;
  ActionsEnabled?: unknown;
  AlarmActions?: unknown;
}

export interface ReadOptions {
  /** Physical values for `{ Ref: LogicalId }` in dimension values (default: the logical id itself). */
  refs?: Record<string, string>;
}

const OPERATORS: ComparisonOperator[] = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
];
const TREATMENTS: TreatMissingData[] = ['missing', 'notBreaching', 'breaching', 'ignore'];
const SINGLE_ID = 'm';

function positiveInt(value: unknown, field: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    throw new ValidationError(field, `must be a positive integer after packaging, got ${JSON.stringify(value)}`);
  return n;
}

function finite(value: unknown, field: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new ValidationError(field, `must be a number after packaging, got ${JSON.stringify(value)}`);
  return n;
}

function dimensionValue(value: unknown, field: string, refs: Record<string, string>): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'Ref' in value && typeof (value as { Ref: unknown }).Ref === 'string') {
    const id = (value as { Ref: string }).Ref;
    return refs[id] ?? id;
  }
  throw new ValidationError(field, `dimension value ${JSON.stringify(value)} is neither a string nor a Ref`);
}

function metricRef(metric: CfnMetric | undefined, field: string, refs: Record<string, string>): MetricRef {
  if (!metric || typeof metric.Namespace !== 'string' || typeof metric.MetricName !== 'string') {
    throw new ValidationError(field, 'needs Namespace and MetricName');
  }
  const dimensions: Record<string, string> = {};
  for (const [i, d] of (metric.Dimensions ?? []).entries()) {
    dimensions[d.Name] = dimensionValue(d.Value, `${field}.Dimensions[${i}].Value`, refs);
  }
  return { namespace: metric.Namespace, metricName: metric.MetricName, dimensions };
}

function readOne(name: string, p: CfnAlarm, refs: Record<string, string>): AlarmDefinition {
  const f = (key: string): string => `${name}.${key}`;
  // Anomaly-detection and Metrics Insights alarms have other operators or no threshold: refused by name.
  const comparisonOperator = p.ComparisonOperator as ComparisonOperator;
  if (!OPERATORS.includes(comparisonOperator))
    throw new ValidationError(f('ComparisonOperator'), `${String(p.ComparisonOperator)} is not supported (${OPERATORS.join(', ')})`);
  const treatMissingData = (p.TreatMissingData ?? 'missing') as TreatMissingData;
  if (!TREATMENTS.includes(treatMissingData))
    throw new ValidationError(f('TreatMissingData'), `${String(p.TreatMissingData)} is not one of ${TREATMENTS.join(', ')}`);
  if (p.EvaluateLowSampleCountPercentile === 'ignore')
    throw new ValidationError(f('EvaluateLowSampleCountPercentile'), 'ignore is not supported (evaluate only)');
  const evaluationPeriods = positiveInt(p.EvaluationPeriods, f('EvaluationPeriods'));
  // CloudFormation: DatapointsToAlarm defaults to EvaluationPeriods (every period must breach).
  const datapointsToAlarm =
    p.DatapointsToAlarm === undefined ? evaluationPeriods : positiveInt(p.DatapointsToAlarm, f('DatapointsToAlarm'));
  if (datapointsToAlarm > evaluationPeriods)
    throw new ValidationError(f('DatapointsToAlarm'), `${datapointsToAlarm} exceeds EvaluationPeriods ${evaluationPeriods}`);

  let kind: AlarmDefinition['kind'];
  let queries: MetricQuery[];
  let expression: Expr;
  let expressionText: string;
  if (Array.isArray(p.Metrics)) {
    kind = 'math';
    const entries = p.Metrics;
    const returned = entries.filter((e) => e.ReturnData !== false);
    if (returned.length !== 1 || typeof returned[0].Expression !== 'string') {
      throw new ValidationError(f('Metrics'), 'needs exactly one entry with ReturnData true, and it must be an Expression');
    }
    queries = entries.flatMap((e, i) => {
      const stat = e.MetricStat;
      if (!stat) return [];
      const field = f(`Metrics[${i}].MetricStat`);
      return [
        {
          id: String(e.Id),
          metric: metricRef(stat.Metric, `${field}.Metric`, refs),
          stat: checkStatistic(String(stat.Stat), `${field}.Stat`),
          periodSeconds: positiveInt(stat.Period, `${field}.Period`),
        },
      ];
    });
    const field = f(`Metrics[${entries.indexOf(returned[0])}].Expression`);
    expressionText = returned[0].Expression;
    expression = parseExpression(expressionText, field);
    // Expressions reading other expressions are valid CloudWatch but unused here: refused rather than half-done.
    const known = new Set(queries.map((q) => q.id));
    for (const id of referencedIds(expression)) {
      if (!known.has(id)) throw new ValidationError(field, `reads ${id}, which is no MetricStat entry of the alarm`);
    }
    if (new Set(queries.map((q) => q.periodSeconds)).size > 1)
      throw new ValidationError(f('Metrics'), 'every metric of an alarm must use the same period');
  } else {
    kind = 'metric';
    const stat = p.ExtendedStatistic ?? p.Statistic;
    if (typeof stat !== 'string') throw new ValidationError(f('Statistic'), 'needs Statistic or ExtendedStatistic');
    queries = [
      {
        id: SINGLE_ID,
        metric: metricRef(p, name, refs),
        stat: checkStatistic(stat, f(p.ExtendedStatistic ? 'ExtendedStatistic' : 'Statistic')),
        periodSeconds: positiveInt(p.Period, f('Period')),
      },
    ];
    expression = { kind: 'ref', id: SINGLE_ID };
    expressionText = SINGLE_ID;
  }
  if (queries.length === 0) throw new ValidationError(f('Metrics'), 'reads no metric');

  return {
    name,
    ...(typeof p.AlarmDescription === 'string' ? { description: p.AlarmDescription } : {}),
    kind,
    queries,
    expression,
    expressionText,
    periodSeconds: queries[0].periodSeconds,
    evaluationPeriods,
    datapointsToAlarm,
    threshold: finite(p.Threshold, f('Threshold')),
    comparisonOperator,
    treatMissingData,
    // CloudFormation: ActionsEnabled defaults to true.
    actionsEnabled: p.ActionsEnabled === undefined ? true : p.ActionsEnabled === true || p.ActionsEnabled === 'true',
    alarmActions: Array.isArray(p.AlarmActions) ? p.AlarmActions.length : 0,
  };
}

/**
 * The template's alarms, in template order. `template` is the parsed template object (as
 * tests/stack/template.ts's packageOffline returns) or the path of its JSON file.
 */
export function readAlarms(template: TemplateLike | string, options: ReadOptions = {}): AlarmDefinition[] {
  const t: TemplateLike = typeof template === 'string' ? JSON.parse(readFileSync(template, 'utf8')) : template;
  if (!t || typeof t.Resources !== 'object') throw new ValidationError('template', 'has no Resources');
  return Object.entries(t.Resources)
    .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
    .map(([name, r]) => readOne(name, (r.Properties ?? {}) as CfnAlarm, options.refs ?? {}));
}
