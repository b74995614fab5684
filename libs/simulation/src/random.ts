/** A seeded pseudo-random generator (mulberry32): the same seed gives the same programme, every time. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One of the keys, with the given weights. */
  pick<K extends string | number>(weights: Record<K, number>): `${K}` {
    let table = tables.get(weights);
    if (!table) {
      const entries = Object.entries(weights) as Array<[string, number]>;
      let total = 0;
      table = { keys: entries.map(([k]) => k), upTo: entries.map(([, w]) => (total += w)) };
      tables.set(weights, table);
    }
    const r = this.next() * table.upTo[table.upTo.length - 1];
    const i = table.upTo.findIndex((u) => r < u);
    return table.keys[i === -1 ? table.keys.length - 1 : i] as `${K}`;
  }
}

/** Cumulative weights, built once per weights object. */
const tables = new WeakMap<object, { keys: string[]; upTo: number[] }>();
