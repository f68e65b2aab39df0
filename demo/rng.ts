// Deterministic randomness. Every value the backfill writes is a pure
// function of (seed, names, time step): hash the inputs to 32 bits and map
// the hash to a uniform or normal number. Live mode uses a seeded stream
// (mulberry32) for per-request draws.

/** FNV-1a over the UTF-16 code units of s, continuing from h. */
function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mixes a 32-bit integer (murmur3 finaliser). */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of the seed and keys. */
export function hash(seed: number, ...keys: Array<string | number>): number {
  let h = mix((seed ^ 0x9e3779b9) >>> 0);
  for (const k of keys) {
    h = mix(fnv(h, typeof k === 'number' ? String(k) : k) ^ 0x5bd1e995);
  }
  return h;
}

/** Uniform in (0, 1), deterministic in the seed and keys. */
export function uniform(seed: number, ...keys: Array<string | number>): number {
  return (hash(seed, ...keys) + 0.5) / 4294967296;
}

/** Standard normal, deterministic in the seed and keys (Box-Muller). */
export function normal(seed: number, ...keys: Array<string | number>): number {
  const u1 = uniform(seed, ...keys, 'n1');
  const u2 = uniform(seed, ...keys, 'n2');
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A seeded stream of uniforms for live per-request draws. */
export class Stream {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(this.next())) * Math.cos(2 * Math.PI * this.next());
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.min(items.length - 1, Math.floor(this.next() * items.length))];
  }
}

/** Hex string of n bytes, deterministic in the seed and keys. */
export function hexId(bytes: number, seed: number, ...keys: Array<string | number>): string {
  let out = '';
  for (let i = 0; out.length < bytes * 2; i++) {
    out += hash(seed, ...keys, 'hex', i)
      .toString(16)
      .padStart(8, '0');
  }
  out = out.slice(0, bytes * 2);
  return /^0+$/.test(out) ? '1'.padStart(bytes * 2, '0') : out;
}

/** Abramowitz-Stegun 7.1.26 erf, accurate to 1.5e-7. */
export function erf(x: number): number {
  const s = x < 0 ? -1 : 1;
  x = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * x);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return s * y;
}

/** Standard normal CDF. */
export function phi(z: number): number {
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

/**
 * A count drawn around its expectation: mean plus normal noise with the
 * variance of a Poisson count, rounded and never negative. z is a standard
 * normal draw.
 */
export function noisyCount(mean: number, z: number): number {
  if (mean <= 0) {
    return 0;
  }
  return Math.max(0, Math.round(mean + z * Math.sqrt(mean)));
}
