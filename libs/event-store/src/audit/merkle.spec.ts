import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  MerkleFrontier,
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  subtreeRoot,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

const rawLeaf = (hex: string) =>
  createHash('sha256')
    .update(Buffer.concat([Buffer.from([0]), Buffer.from(hex, 'hex')]))
    .digest();
const leavesOf = (n: number, seed = 0) =>
  Array.from({ length: n }, (_, i) => leafHash(createHash('sha256').update(`${seed}:${i}`).digest('hex')));
const flip = (h: Buffer) => Buffer.from(h.map((b, i) => (i === 0 ? b ^ 1 : b)));

describe('the Merkle tree over the history (RFC 6962)', () => {
  it("gives Certificate Transparency's published roots for its reference leaves", () => {
    const inputs = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(rawLeaf);
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    roots.forEach((root, i) => expect(subtreeRoot(inputs, 0, i + 1).toString('hex')).toBe(root));
    expect(subtreeRoot([]).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('keeps the same root leaf by leaf at its right edge as over all the leaves, and resumes from its saved state', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }), (n, cut) => {
        const leaves = leavesOf(n);
        const frontier = new MerkleFrontier();
        leaves.slice(0, Math.min(cut, n)).forEach((l) => frontier.push(l));
        const resumed = MerkleFrontier.load(frontier.save());
        leaves.slice(Math.min(cut, n)).forEach((l) => resumed.push(l));
        expect(resumed.size).toBe(n);
        expect(resumed.root().equals(subtreeRoot(leaves))).toBe(true);
      }),
    );
  });

  it('proves every leaf included, and no proof holds for another leaf, place, size or root', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), fc.nat(), (n, pick) => {
        const leaves = leavesOf(n);
        const root = subtreeRoot(leaves);
        const m = pick % n;
        const proof = inclusionProof(leaves, m, n);
        expect(verifyInclusion(leaves[m], m, n, proof, root)).toBe(true);
        expect(verifyInclusion(flip(leaves[m]), m, n, proof, root)).toBe(false);
        expect(verifyInclusion(leaves[m], m, n, proof, flip(root))).toBe(false);
        if (n > 1) expect(verifyInclusion(leaves[m], (m + 1) % n, n, proof, root)).toBe(false);
        if (proof.length) expect(verifyInclusion(leaves[m], m, n, [...proof.slice(1), flip(proof[0])], root)).toBe(false);
        expect(verifyInclusion(leaves[m], m, n, [...proof, root], root)).toBe(false);
        expect(verifyInclusion(leaves[m], n, n, proof, root)).toBe(false);
      }),
    );
  });

  it('proves an older tree a prefix of a newer one, and refuses a history that was rewritten in between', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 0, max: 80 }), fc.nat(), (m, grow, at) => {
        const n = m + grow;
        const leaves = leavesOf(n);
        const [oldRoot, newRoot] = [subtreeRoot(leaves, 0, m), subtreeRoot(leaves)];
        const proof = consistencyProof(leaves, m, n);
        expect(verifyConsistency(m, n, oldRoot, newRoot, proof)).toBe(true);
        // One leaf of the old tree changed afterwards: the new tree no longer extends the signed old root.
        const rewritten = [...leaves];
        rewritten[at % m] = flip(rewritten[at % m]);
        const forged = consistencyProof(rewritten, m, n);
        expect(verifyConsistency(m, n, oldRoot, subtreeRoot(rewritten), forged)).toBe(false);
        if (m < n) expect(verifyConsistency(m, n, oldRoot, flip(newRoot), proof)).toBe(false);
      }),
    );
  });

  it('hashes leaves and nodes apart, so a node cannot pass for a leaf', () => {
    const [a, b] = leavesOf(2);
    expect(nodeHash(a, b).equals(leafHash(Buffer.concat([a, b]).toString('hex')))).toBe(false);
  });
});
