/**
 * The resources of the packaged stack that bill by the month, read from the CloudFormation template
 * `sls package` wrote (with the default parameters): a resource whose Condition is false is not
 * there. Custom metric series are what the code can emit (./metricSeries.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FixedResources } from './costModel';
import { emittableSeries } from './metricSeries';

interface Template {
  Resources: Record<string, { Type: string; Condition?: string; Properties?: Record<string, unknown> }>;
  Conditions?: Record<string, unknown>;
}

/** Conditions the packaged template can decide by itself (parameters are already substituted). */
export function evaluateCondition(template: Template, expr: unknown): boolean {
  if (typeof expr === 'object' && expr !== null) {
    const [fn, args] = Object.entries(expr)[0] as [string, unknown[]];
    if (fn === 'Condition') return evaluateCondition(template, template.Conditions?.[args as unknown as string]);
    if (fn === 'Fn::Equals' && args.every((a) => typeof a === 'string')) return args[0] === args[1];
    if (fn === 'Fn::Not') return !evaluateCondition(template, args[0]);
    if (fn === 'Fn::And') return args.every((a) => evaluateCondition(template, a));
    if (fn === 'Fn::Or') return args.some((a) => evaluateCondition(template, a));
  }
  throw new Error(`Cannot evaluate condition ${JSON.stringify(expr)} without deploying`);
}

export function fixedResources(packageDir: string): FixedResources {
  const template = JSON.parse(readFileSync(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
  const present = Object.values(template.Resources).filter(
    (r) => !r.Condition || evaluateCondition(template, template.Conditions?.[r.Condition]),
  );
  const count = (type: string) => present.filter((r) => r.Type === type).length;
  // An alarm on one metric is one alarm metric; a metric-math alarm is billed per metric it reads.
  const alarmMetrics = present
    .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
    .reduce(
      (n, r) =>
        n +
        (Array.isArray(r.Properties?.Metrics)
          ? (r.Properties.Metrics as { MetricStat?: unknown }[]).filter((m) => m.MetricStat).length
          : 1),
      0,
    );
  return {
    secrets: count('AWS::SecretsManager::Secret'),
    kmsKeys: count('AWS::KMS::Key'),
    alarmMetrics,
    customMetricSeries: emittableSeries().length,
    dashboards: count('AWS::CloudWatch::Dashboard'),
  };
}
