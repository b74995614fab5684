import { createHash } from 'node:crypto';

/**
 * The Merkle tree over the history in global order, as RFC 6962 (and RFC 9162) defines it for
 * Certificate Transparency, so that its proofs are the standard ones: a leaf is an event's chain hash,
 * hashed as SHA-256(0x00 ‖ leaf); a node is SHA-256(0x01 ‖ left ‖ right); a tree of n leaves splits at
 * the largest power of two below n.
 */
export type Hash = Buffer;

const sha256 = (...parts: Buffer[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

export const leafHash = (eventHash: string): Hash => sha256(LEAF, Buffer.from(eventHash, 'hex'));
export const nodeHash = (left: Hash, right: Hash): Hash => sha256(NODE, left, right);

/** The largest power of two smaller than n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[from:to]) over leaf hashes. */
export function subtreeRoot(leaves: readonly Hash[], from = 0, to = leaves.length): Hash {
  const n = to - from;
  if (n === 0) return sha256();
  if (n === 1) return leaves[from];
  const k = split(n);
  return nodeHash(subtreeRoot(leaves, from, from + k), subtreeRoot(leaves, from + k, to));
}

/** RFC 6962 PATH(m, D[0:n]): the siblings from leaf m up to the root of the first n leaves, lowest first. */
export function inclusionProof(leaves: readonly Hash[], index: number, treeSize: number): Hash[] {
  if (!(index >= 0 && index < treeSize && treeSize <= leaves.length)) throw new RangeError(`no leaf ${index} in a tree of ${treeSize}`);
  const path = (m: number, from: number, to: number): Hash[] => {
    const n = to - from;
    if (n <= 1) return [];
    const k = split(n);
    return m < k
      ? [...path(m, from, from + k), subtreeRoot(leaves, from + k, to)]
      : [...path(m - k, from + k, to), subtreeRoot(leaves, from, from + k)];
  };
  return path(index, 0, treeSize);
}

/** RFC 6962 PROOF(m, D[0:n]): that the tree of the first m leaves is a prefix of the tree of n. */
export function consistencyProof(leaves: readonly Hash[], oldSize: number, newSize: number): Hash[] {
  if (!(oldSize > 0 && oldSize <= newSize && newSize <= leaves.length))
    throw new RangeError(`no consistency from ${oldSize} to ${newSize}`);
  const subproof = (m: number, from: number, to: number, whole: boolean): Hash[] => {
    const n = to - from;
    if (m === n) return whole ? [] : [subtreeRoot(leaves, from, to)];
    const k = split(n);
    return m <= k
      ? [...subproof(m, from, from + k, whole), subtreeRoot(leaves, from + k, to)]
      : [...subproof(m - k, from + k, to, false), subtreeRoot(leaves, from, from + k)];
  };
  return subproof(oldSize, 0, newSize, true);
}

/** RFC 9162 §2.1.3.2: whether `proof` shows the leaf at `index` in the tree of `treeSize` with this root. */
export function verifyInclusion(leaf: Hash, index: number, treeSize: number, proof: readonly Hash[], root: Hash): boolean {
  if (index >= treeSize) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
    } else r = nodeHash(r, p);
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: whether `proof` shows the tree of `oldSize` with `oldRoot` is a prefix of the tree of `newSize` with `newRoot`. */
export function verifyConsistency(oldSize: number, newSize: number, oldRoot: Hash, newRoot: Hash, proof: readonly Hash[]): boolean {
  if (oldSize < 1 || oldSize > newSize) return false;
  if (oldSize === newSize) return proof.length === 0 && oldRoot.equals(newRoot);
  if (proof.length === 0) return false;
  const path = (oldSize & (oldSize - 1)) === 0 ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
    } else sr = nodeHash(sr, c);
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
}

/**
 * The tree's right edge, kept as leaves arrive: the roots of its complete subtrees, largest first (a
 * binary counter of them), so the root of everything so far costs O(log n) and no leaf is held.
 */
export class MerkleFrontier {
  private readonly stack: Array<{ size: number; hash: Hash }> = [];
  size = 0;

  push(leaf: Hash) {
    let node = { size: 1, hash: leaf };
    while (this.stack.length && this.stack[this.stack.length - 1].size === node.size) {
      const left = this.stack.pop()!;
      node = { size: left.size * 2, hash: nodeHash(left.hash, node.hash) };
    }
    this.stack.push(node);
    this.size++;
  }

  root(): Hash {
    if (!this.stack.length) return subtreeRoot([]);
    let hash = this.stack[this.stack.length - 1].hash;
    for (let i = this.stack.length - 2; i >= 0; i--) hash = nodeHash(this.stack[i].hash, hash);
    return hash;
  }

  /** Its state, to resume from without the leaves (published in each digest). */
  save(): string[] {
    return this.stack.map((s) => `${s.size}:${s.hash.toString('hex')}`);
  }

  static load(saved: readonly string[]): MerkleFrontier {
    const f = new MerkleFrontier();
    for (const entry of saved) {
      const [size, hex] = entry.split(':');
      f.stack.push({ size: Number(size), hash: Buffer.from(hex, 'hex') });
      f.size += Number(size);
    }
    return f;
  }
}
