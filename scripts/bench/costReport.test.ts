import { coldLoadGuard, type Bundle } from './coldStart';
import { costTargets, printCostReport, type CostReport } from './costReport';

const bundle = (name: string, coldInitCpuRatio: number): Bundle => ({
  name,
  bytes: 1,
  coldInitCpuRatio,
  coldInitCpuMs: 1,
  bareCpuMs: 1,
  pairs: 1,
});

const report = (over: Partial<CostReport>): CostReport => ({
  pricesAsOf: '2026-12-02',
  region: 'us-east-1',
  checks: {},
  cost: null,
  logs: { bytesPerPassingCheck: 1884, byKind: { signup: 1884 }, budgetBytes: 4096 },
  bundles: [],
  coldLoad: null,
  ...over,
});

const target = (r: CostReport, name: string) => costTargets(r).find((t) => t.name === name);

it('a passing check that logged 0 bytes is a MISS: the capture measured nothing (issue 20)', () => {
  expect(target(report({}), 'logs of a passing check')).toMatchObject({ value: '1884 B', ok: true });
  const none = report({ logs: { bytesPerPassingCheck: 0, byKind: { signup: 0 }, budgetBytes: 4096 } });
  expect(target(none, 'logs of a passing check')).toMatchObject({ value: '0 B', ok: false });
});

it('the cold-load guard is two targets, median and worst, with the worst bundle named', () => {
  const bundles = [bundle('a', 2.5), bundle('awaitCode', 4.7), bundle('c', 2.7)];
  const r = report({ bundles, coldLoad: coldLoadGuard(bundles) });
  expect(target(r, 'cold load, median over bundles (guard)')).toMatchObject({ value: '2.70×', target: '≤ 3.0×', ok: true });
  expect(target(r, 'cold load, worst bundle (guard)')).toMatchObject({ value: '4.70× (awaitCode)', target: '≤ 4.5×', ok: false });
});

it('--skip-package: cost and cold load say "not measured", never a zero', () => {
  const r = report({ skipped: ['cost', 'bundles'] });
  expect(target(r, 'cost per month, SMS excluded')).toMatchObject({ value: 'not measured', ok: false });
  expect(target(r, 'cold load, worst bundle (guard)')).toMatchObject({ value: 'not measured', ok: false });
  expect(printCostReport(r).join('\n')).toContain('not measured: --skip-package');
});
