#!/usr/bin/env node
// Checks a proof from the programme's history with nothing but Node and the programme's public key:
//   node verify-proof.mjs proof.json public-key.pem
// An inclusion proof shows that an event is in the history a signed monthly digest covers; a consistency
// proof shows that a later digest's history extends an earlier one's (nothing before was rewritten).
// Written apart from the system on purpose, from RFC 8785, RFC 6962 and RFC 9162, so that it checks
// the system rather than repeats it. Exit status 0: the proof holds; 1: it does not; 2: bad usage.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

const sha256 = (...parts) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
const canonical = (v) =>
  v === null || typeof v !== 'object'
    ? JSON.stringify(v)
    : Array.isArray(v)
      ? `[${v.map(canonical).join(',')}]`
      : `{${Object.keys(v)
          .sort()
          .filter((k) => v[k] !== undefined)
          .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
          .join(',')}}`;
const node = (l, r) => sha256(Buffer.from([1]), l, r);
const leaf = (eventHashHex) => sha256(Buffer.from([0]), Buffer.from(eventHashHex, 'hex'));
const half = (n) => Math.floor(n / 2);

function inclusionHolds(leafHash, index, size, path, root) {
  if (index >= size) return false;
  let [fn, sn, r] = [index, size - 1, leafHash];
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = node(p, r);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else r = node(r, p);
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && r.equals(root);
}

function consistencyHolds(m, n, oldRoot, newRoot, proof) {
  if (m < 1 || m > n) return m === 0;
  if (m === n) return proof.length === 0 && oldRoot.equals(newRoot);
  if (proof.length === 0) return false;
  const path = (m & (m - 1)) === 0 ? [oldRoot, ...proof] : proof;
  let [fn, sn] = [m - 1, n - 1];
  while (fn % 2 === 1) [fn, sn] = [half(fn), half(sn)];
  let [fr, sr] = [path[0], path[0]];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      [fr, sr] = [node(c, fr), node(c, sr)];
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else sr = node(sr, c);
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
}

function signatureProblem(d, publicKey) {
  const keyId = createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
  if (d.keyId !== keyId)
    return `the digest of ${d.month} names another key (${d.keyId.slice(0, 12)}…) than the one given (${keyId.slice(0, 12)}…)`;
  const { month, treeSize, rootHash, signedAt } = d;
  const signed = canonical({ format: 'start-up-loans/history-digest/1', keyId, month, rootHash, signedAt, treeSize });
  return verify(null, Buffer.from(signed), publicKey, Buffer.from(d.signature, 'base64'))
    ? undefined
    : `the digest of ${d.month} is not signed by this key, or was changed after it was signed`;
}

function check(proof, publicKey) {
  const hashes = (path) => path.map((h) => Buffer.from(h, 'hex'));
  if (proof.kind === 'inclusion') {
    const problem = signatureProblem(proof.digest, publicKey);
    if (problem) return { holds: false, problem };
    const e = proof.event;
    const content = {
      data: e.data,
      id: e.id,
      metadata: e.metadata,
      prev: e.prev,
      revision: Number(e.revision),
      stream: e.streamName,
      type: e.type,
    };
    const eventHash = sha256(canonical(content)).toString('hex');
    if (proof.treeSize !== proof.digest.treeSize)
      return { holds: false, problem: 'the proof is for another size of history than its digest' };
    const holds = inclusionHolds(
      leaf(eventHash),
      proof.leafIndex,
      proof.treeSize,
      hashes(proof.path),
      Buffer.from(proof.digest.rootHash, 'hex'),
    );
    return holds
      ? {
          holds,
          what: `${e.type} ${e.id} (${e.streamName}, revision ${e.revision}) is event number ${proof.leafIndex + 1} of the ${proof.treeSize} that the digest of ${proof.digest.month} signed`,
        }
      : { holds, problem: `the event as given is not in the history the digest of ${proof.digest.month} signed` };
  }
  if (proof.kind === 'consistency') {
    const problem = signatureProblem(proof.older, publicKey) ?? signatureProblem(proof.newer, publicKey);
    if (problem) return { holds: false, problem };
    const [o, n] = [proof.older, proof.newer];
    const holds = consistencyHolds(
      o.treeSize,
      n.treeSize,
      Buffer.from(o.rootHash, 'hex'),
      Buffer.from(n.rootHash, 'hex'),
      hashes(proof.path),
    );
    return holds
      ? {
          holds,
          what: `the history signed for ${n.month} (${n.treeSize} events) extends the one signed for ${o.month} (${o.treeSize}) unchanged`,
        }
      : { holds, problem: `the history signed for ${n.month} does not extend the one signed for ${o.month}: it was rewritten in between` };
  }
  return { holds: false, problem: `not a proof this script knows (kind ${JSON.stringify(proof.kind)})` };
}

const [proofFile, keyFile] = process.argv.slice(2);
if (!proofFile || !keyFile) {
  process.stderr.write('usage: node verify-proof.mjs proof.json public-key.pem\n');
  process.exit(2);
}
const result = check(JSON.parse(readFileSync(proofFile, 'utf8')), createPublicKey(readFileSync(keyFile, 'utf8')));
process.stdout.write(result.holds ? `The proof holds: ${result.what}.\n` : `The proof does not hold: ${result.problem}.\n`);
process.exit(result.holds ? 0 : 1);
