"use strict";
/**
 * Seeded randomness for simulations (judge tests and benchmarks). Judges themselves are
 * deterministic; nothing here touches Math.random, so results replay exactly.
 *
 * Generator: mulberry32 (Tommy Ettinger's 32-bit state generator, public domain). Small, fast and
 * good enough for Monte-Carlo of this size; not for cryptography.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.mulberry32 = mulberry32;
exports.normal = normal;
exports.logNormal = logNormal;
exports.binomial = binomial;
exports.poisson = poisson;
function mulberry32(seed) {
    let a = seed >>> 0;
    return {
        next() {
            a = (a + 0x6d2b79f5) >>> 0;
            let t = a;
            t = Math.imul(t ^ (t >>> 15), t | 1);
            t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
            return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
        },
    };
}
/** Standard normal draw (Box-Muller, one value per call for simplicity). */
function normal(rng) {
    let u = rng.next();
    while (u === 0)
        u = rng.next();
    const v = rng.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
function logNormal(rng, mu, sigma) {
    return Math.exp(mu + sigma * normal(rng));
}
/** Binomial(n, p) by sequential inversion; O(n·min(p, 1−p)) expected, fine for simulation sizes. */
function binomial(rng, n, p) {
    if (p <= 0 || n <= 0)
        return 0;
    if (p >= 1)
        return n;
    if (p > 0.5)
        return n - binomial(rng, n, 1 - p);
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
function poisson(rng, lambda) {
    if (lambda <= 0)
        return 0;
    if (lambda > 500)
        return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(rng)));
    let pk = Math.exp(-lambda);
    let u = rng.next();
    let k = 0;
    while (u > pk) {
        u -= pk;
        k++;
        pk *= lambda / k;
        if (pk === 0)
            break;
    }
    return k;
}
//# sourceMappingURL=random.js.map