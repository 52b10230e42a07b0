import { DEFAULT_SMS_MODEL, probabilityLaterThan, seededRandom, smsLatency, smsModel } from './smsModel';

describe('SMS model', () => {
  it('meets the p50, p95 and p99 it is given, in samples and analytically', () => {
    const random = seededRandom(42);
    const latency = smsLatency(DEFAULT_SMS_MODEL);
    const samples = Array.from({ length: 200_000 }, () => latency(random(), random())).sort((a, b) => a - b);
    const q = (p: number) => samples[Math.floor(p * samples.length)];
    expect(q(0.5) / 5_000).toBeCloseTo(1, 1);
    expect(q(0.95) / 20_000).toBeCloseTo(1, 1);
    expect(q(0.99) / 60_000).toBeCloseTo(1, 1);
    expect(probabilityLaterThan(DEFAULT_SMS_MODEL, 5_000)).toBeCloseTo(0.5, 4);
    expect(probabilityLaterThan(DEFAULT_SMS_MODEL, 20_000)).toBeCloseTo(0.05, 4);
    expect(probabilityLaterThan(DEFAULT_SMS_MODEL, 60_000)).toBeCloseTo(0.01, 4);
  });

  it('loses the share it is told to, and repeats itself for a seed', () => {
    const draw = (seed: number) => {
      const next = smsModel({ ...DEFAULT_SMS_MODEL, loss: 0.2 }, seededRandom(seed));
      return Array.from({ length: 20_000 }, () => next());
    };
    const a = draw(7);
    expect(a.filter((d) => d === undefined).length / a.length).toBeCloseTo(0.2, 1);
    expect(draw(7)).toEqual(a);
    expect(draw(8)).not.toEqual(a);
  });
});
