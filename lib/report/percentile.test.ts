import { percentile, percentiles } from './percentile';

describe('percentile (nearest rank)', () => {
  it('is always a measured value', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => (i + 1) * 100);
    // 95% of 20 = 19: the 19th value; 50% = the 10th; 99% → rank 19.8 → 20th.
    expect(percentiles(twenty)).toEqual({ p50: 1000, p95: 1900, p99: 2000 });
    expect(percentile([7], 99)).toBe(7);
    expect(percentiles([])).toEqual({ p50: null, p95: null, p99: null });
    expect(percentiles([3, 1, 2])).toEqual({ p50: 2, p95: 3, p99: 3 });
  });
});
