/** CloudWatch alarm evaluation for the simulation (issue 18): read the packaged template's alarms, evaluate them over samples. */
export { readAlarms } from './readAlarms';
export type {
  AlarmDefinition,
  ComparisonOperator,
  MetricQuery,
  MetricRef,
  ReadOptions,
  TemplateLike,
  TreatMissingData,
} from './readAlarms';
export { decideState } from './decide';
export type { AlarmState, Breach, DecideSettings } from './decide';
export { evaluateAlarm, evaluateAlarms, firstAlarmAfter, pagesOf, SampleIndex, stateAt, windowValue } from './evaluate';
export type { AlarmTimeline, EvaluateOptions, Page, PagesOptions, Sample, Transition } from './evaluate';
export { evaluateExpression, parseExpression, referencedIds } from './expression';
export type { Expr } from './expression';
export { checkStatistic, statistic } from './statistics';
