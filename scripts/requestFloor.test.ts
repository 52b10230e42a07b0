import { measureHttpPostFloorMs, measureSdkRequestFloorMs, medianRequestMs, ratioLowerBound } from './requestFloor';

describe('ratioLowerBound', () => {
  it('adds each kind of extra request at its floor cost to the direct time', () => {
    expect(ratioLowerBound(28, [{ requests: 20, ms: 1.25 }])).toBeCloseTo(53 / 28, 6);
    expect(
      ratioLowerBound(30, [
        { requests: 9, ms: 4 },
        { requests: 3, ms: 1 },
      ]),
    ).toBeCloseTo(69 / 30, 6);
  });

  it('is 1 when the orchestrated run makes no extra request', () => {
    expect(ratioLowerBound(30, [])).toBe(1);
    expect(ratioLowerBound(30, [{ requests: 0, ms: 1.3 }])).toBe(1);
  });

  it('refuses a direct time that is not positive, and negative or missing counts and costs', () => {
    expect(() => ratioLowerBound(0, [])).toThrow(RangeError);
    expect(() => ratioLowerBound(Number.NaN, [])).toThrow(RangeError);
    expect(() => ratioLowerBound(10, [{ requests: -1, ms: 1 }])).toThrow(RangeError);
    expect(() => ratioLowerBound(10, [{ requests: 1, ms: Number.NaN }])).toThrow(RangeError);
  });
});

it('medianRequestMs times each request after the warm-up, and returns the median', async () => {
  const delays = [50, 50, 5, 30, 5];
  let i = 0;
  const ms = await medianRequestMs(() => new Promise((resolve) => setTimeout(resolve, delays[i++])), 3, 2);
  expect(i).toBe(5);
  expect(ms).toBeGreaterThanOrEqual(4);
  expect(ms).toBeLessThan(30);
});

it.each([
  ['an SDK request', measureSdkRequestFloorMs],
  ['a fetch POST', measureHttpPostFloorMs],
])('measures a real round trip of %s: positive, finite, and under a second', async (_, measure) => {
  const ms = await measure(20, 5);
  expect(ms).toBeGreaterThan(0);
  expect(ms).toBeLessThan(1000);
});
