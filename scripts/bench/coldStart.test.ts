import { COLD_LOAD_GUARD, coldLoadGuard, type Bundle } from './coldStart';

const bundle = (name: string, coldInitCpuRatio: number): Bundle => ({
  name,
  bytes: 1000,
  coldInitCpuRatio,
  coldInitCpuMs: coldInitCpuRatio * 40,
  bareCpuMs: 40,
  pairs: 5,
});

describe('cold-load guard (issue 20)', () => {
  it('holds at median 3.0× and worst 4.5× a bare node', () => {
    expect(COLD_LOAD_GUARD).toEqual({ medianRatio: 3.0, worstRatio: 4.5 });
  });

  it('passes bundles at the limits, reporting the median over bundles and the worst by name', () => {
    const verdict = coldLoadGuard([bundle('a', 2.5), bundle('awaitCode', 4.5), bundle('c', 3.0)]);
    expect(verdict).toEqual({
      medianRatio: 3.0,
      worstRatio: 4.5,
      worstBundle: 'awaitCode',
      limits: COLD_LOAD_GUARD,
      ok: true,
      broken: [],
    });
  });

  it('is broken by a median over 3.0×, saying so', () => {
    const verdict = coldLoadGuard([bundle('a', 3.1), bundle('b', 3.2), bundle('c', 2.0)]);
    expect(verdict?.ok).toBe(false);
    expect(verdict?.broken).toEqual(['median cold load over 3 bundles is 3.10×, over the guard of 3.0×']);
  });

  it('is broken by any one bundle over 4.5×, naming each such bundle', () => {
    const verdict = coldLoadGuard([bundle('a', 2.0), bundle('customSmsSender', 4.6), bundle('c', 2.1), bundle('d', 5)]);
    expect(verdict?.ok).toBe(false);
    expect(verdict?.medianRatio).toBe(3.35);
    expect(verdict?.broken).toEqual([
      'median cold load over 4 bundles is 3.35×, over the guard of 3.0×',
      'cold load over the guard of 4.5× for customSmsSender (4.60×), d (5.00×)',
    ]);
  });

  it('holds nothing when no bundle was measured', () => {
    expect(coldLoadGuard([])).toBeNull();
  });
});
