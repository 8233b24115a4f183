/**
 * mulberry32: a tiny seeded PRNG. The demo city and its addresses must be identical on every
 * machine and every run (tests and the seeded demo portfolio depend on it), so Math.random is out.
 */
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

/** Uniform in [min, max). */
export function between(rand: () => number, min: number, max: number): number {
  return min + (max - min) * rand();
}
