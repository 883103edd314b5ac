/**
 * Seeded randomness for simulations (judge tests and benchmarks). Judges themselves are
 * deterministic; nothing here touches Math.random, so results replay exactly.
 *
 * Generator: mulberry32 (Tommy Ettinger's 32-bit state generator, public domain). Small, fast and
 * good enough for Monte-Carlo of this size; not for cryptography.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return {
    next(): number {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** Standard normal draw (Box-Muller, one value per call for simplicity). */
export function normal(rng: Rng): number {
  let u = rng.next();
  while (u === 0) u = rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function logNormal(rng: Rng, mu: number, sigma: number): number {
  return Math.exp(mu + sigma * normal(rng));
}

/** Binomial(n, p) by sequential inversion; O(n·min(p, 1−p)) expected, fine for simulation sizes. */
export function binomial(rng: Rng, n: number, p: number): number {
  if (p <= 0 || n <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(rng, n, 1 - p);
  const q = 1 - p;
  const s = p / q;
  let pk = Math.pow(q, n);
  if (pk === 0) {
    // Too many trials for the inversion start value: normal approximation (never hit in our sims).
    return Math.max(0, Math.min(n, Math.round(n * p + Math.sqrt(n * p * q) * normal(rng))));
  }
  let u = rng.next();
  let k = 0;
  while (u > pk && k < n) {
    u -= pk;
    pk *= (s * (n - k)) / (k + 1);
    k++;
  }
  return k;
}

/** Poisson(lambda) by inversion (lambda up to a few hundred). */
export function poisson(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 500) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(rng)));
  let pk = Math.exp(-lambda);
  let u = rng.next();
  let k = 0;
  while (u > pk) {
    u -= pk;
    k++;
    pk *= lambda / k;
    if (pk === 0) break;
  }
  return k;
}
