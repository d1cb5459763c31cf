/**
 * A small seeded random generator (mulberry32): the same sequence on every machine, for the demo data and
 * the synthetic data generator.
 */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gauss = () => {
    const u = Math.max(next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  const weighted = <T>(
    items: readonly T[],
    weights: readonly number[],
    total = weights.reduce((s, w) => s + w, 0),
  ) => {
    let x = next() * total;
    for (let i = 0; i < items.length; i++) {
      x -= weights[i]!;
      if (x <= 0) return items[i]!;
    }
    return items[items.length - 1]!;
  };
  return {
    next,
    gauss,
    weighted,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}
/** A generator made by `random`. */
export type Rng = ReturnType<typeof random>;
