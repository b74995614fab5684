/**
 * A Bloom filter of strings: `mightHave` is false only for a key never added, and true for one added (or,
 * rarely, one not added). A few megabytes say "not there" for millions of keys, where a set of the keys
 * themselves would hold every string.
 */
export class KeyFilter {
  private readonly bits: Uint32Array;
  private readonly mask: number;

  /** `log2Bits` sets the size: 2^23 bits (1 MiB) keep false positives under 2 % up to a million keys. */
  constructor(log2Bits = 23) {
    this.bits = new Uint32Array(2 ** (log2Bits - 5));
    this.mask = 2 ** log2Bits - 1;
  }

  add(key: string): void {
    const [a, b] = hashes(key);
    for (let i = 0; i < PROBES; i++) {
      const bit = (a + i * b) & this.mask;
      this.bits[bit >>> 5] |= 1 << (bit & 31);
    }
  }

  mightHave(key: string): boolean {
    const [a, b] = hashes(key);
    for (let i = 0; i < PROBES; i++) {
      const bit = (a + i * b) & this.mask;
      if ((this.bits[bit >>> 5] & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

const PROBES = 4;

/** Two 32-bit FNV-1a hashes with different offsets, combined as h1 + i·h2 (Kirsch and Mitzenmacher). */
function hashes(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return [a >>> 0, (b >>> 0) | 1];
}
