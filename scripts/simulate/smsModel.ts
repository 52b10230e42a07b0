/**
 * SMS delivery as a carrier gives it: a latency drawn from a log-normal fitted to three published
 * percentiles (p50, p95, p99; README "Simulated month" for the defaults and their sources) and a
 * loss probability. Seeded, so a simulation is repeatable.
 */
export interface SmsModelOptions {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Probability an SMS never arrives, 0..1. */
  loss: number;
}

export const DEFAULT_SMS_MODEL: SmsModelOptions = { p50Ms: 5_000, p95Ms: 20_000, p99Ms: 60_000, loss: 0.005 };

/** z-scores of the standard normal at 0.95 and 0.99. */
const Z95 = 1.6448536269514722;
const Z99 = 2.3263478740408408;

/** mulberry32: a small seeded PRNG, uniform on [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A log-normal's median is p50; its sigma is fitted below the p95 and above it separately (a
 * "lognormal-ish" two-piece), so that both p95 and p99 are met exactly: one sigma cannot give
 * 5 s / 20 s / 60 s (their log-ratios are 1.39/1.645 and 2.48/2.326 sigma).
 */
export function smsLatency(opts: SmsModelOptions): (u1: number, u2: number) => number {
  const mu = Math.log(opts.p50Ms);
  const sLow = Math.log(opts.p95Ms / opts.p50Ms) / Z95;
  // Above p95: the sigma that lands p99 where asked, continuing from p95.
  const sHigh = (Math.log(opts.p99Ms / opts.p50Ms) - sLow * Z95) / (Z99 - Z95);
  return (u1, u2) => {
    // Box–Muller: one standard normal from two uniforms.
    const z = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    const x = z <= Z95 ? mu + sLow * z : mu + sLow * Z95 + sHigh * (z - Z95);
    return Math.exp(x);
  };
}

/** Delivery delay in ms, or undefined when the SMS is lost. */
export function smsModel(opts: SmsModelOptions, random: () => number): () => number | undefined {
  const latency = smsLatency(opts);
  return () => {
    if (random() < opts.loss) return undefined;
    return latency(random(), random());
  };
}

/** P(latency > t) under the model, for the analytic false-page rate. */
export function probabilityLaterThan(opts: SmsModelOptions, ms: number): number {
  const sLow = Math.log(opts.p95Ms / opts.p50Ms) / Z95;
  const sHigh = (Math.log(opts.p99Ms / opts.p50Ms) - sLow * Z95) / (Z99 - Z95);
  const x = Math.log(ms / opts.p50Ms);
  const z = x <= sLow * Z95 ? x / sLow : Z95 + (x - sLow * Z95) / sHigh;
  return 1 - normalCdf(z);
}

function normalCdf(z: number): number {
  // Abramowitz–Stegun 7.1.26 on erf: error below 1.5e-7.
  const t = 1 / (1 + 0.3275911 * Math.abs(z / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}
