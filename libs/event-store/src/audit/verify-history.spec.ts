import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { eventHash } from './chain';
import { HistoryDigest, newSigningKey } from './digest';
import { leafHash, subtreeRoot, verifyConsistency, verifyInclusion } from './merkle';
import { proveConsistency, proveInclusion } from './proofs';
import { recordedDigests, sealMonth } from './seal';
import { verifyHistory } from './verify-history';

const { key } = newSigningKey();
const STREAMS = ['loan-A', 'loan-B', 'fund-360721'];

/** A history of three streams sealed twice: 30 events, the January digest, 12 events, the February digest. */
async function history(path: string): Promise<HistoryDigest[]> {
  const store = new SqliteEventStore({ path });
  const revisions = new Map<string, bigint>();
  const append = async (i: number) => {
    const stream = STREAMS[i % 3];
    const at = revisions.get(stream);
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    await store.appendToStream(stream, [{ id, type: 'Repaid', data: { n: i, principal: 10_000 * i }, metadata: { by: 'test' } }], {
      expectedRevision: at ?? 'no_stream',
    });
    revisions.set(stream, (at ?? -1n) + 1n);
  };
  for (let i = 0; i < 30; i++) await append(i);
  const january = await sealMonth(store, key, '2011-01', { now: new Date('2011-02-01T00:30:00Z') });
  for (let i = 30; i < 42; i++) await append(i);
  const february = await sealMonth(store, key, '2011-02', { now: new Date('2011-03-01T00:30:00Z') });
  await store.close();
  return [january.digest, february.digest];
}

describe('auditing the history: hash chains, signed digests and the verifier', () => {
  let dir: string;
  let original: string;
  let digests: HistoryDigest[];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loans-audit-'));
    original = join(dir, 'original.db');
    digests = await history(original);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A copy of the history, changed as someone with the file could change it, then verified. */
  async function tampered(change: (db: Database.Database) => void, auditorsCopies?: HistoryDigest[]) {
    const path = join(dir, `copy-${Math.random().toString(36).slice(2)}.db`);
    copyFileSync(original, path);
    const db = new Database(path);
    change(db);
    db.close();
    const store = new SqliteEventStore({ path });
    try {
      return await verifyHistory(store, { publicKey: key.publicKey, digests: auditorsCopies });
    } finally {
      await store.close();
    }
  }
  const row = (db: Database.Database, position: number) =>
    db.prepare('SELECT * FROM events WHERE position = ?').get(position) as Record<string, string & number>;

  it('finds nothing wrong with a history as it was recorded, and every digest holds', async () => {
    const report = await tampered(() => undefined);
    expect(report.problems).toEqual([]);
    // 30 events, the January digest (event 31), 12 more, then February's digest covers 43.
    expect(report.digests).toEqual([
      { month: '2011-01', treeSize: 30, holds: true },
      { month: '2011-02', treeSize: 43, holds: true },
    ]);
    expect(report.events).toBe(44);
  });

  it('names an event whose data was edited in the file, and every digest after it fails', async () => {
    const report = await tampered((db) => db.prepare(`UPDATE events SET data = json_set(data, '$.principal', 1) WHERE position = 5`).run());
    expect(report.problems.filter((p) => p.kind === 'content').map((p) => p.at?.position)).toEqual(['5/5']);
    expect(report.digests.map((d) => d.holds)).toEqual([false, false]);
  });

  it('names the place of an event deleted from the file: the next event of its stream follows a gap', async () => {
    const report = await tampered((db) => db.prepare('DELETE FROM events WHERE position = 7').run());
    // Position 7 was loan-A revision 2; position 10 is revision 3, which now follows revision 1.
    const missing = report.problems.find((p) => p.kind === 'missing')!;
    expect(missing.at).toMatchObject({ position: '10/10', streamName: 'loan-A', revision: '3' });
    expect(missing.message).toContain('events before it are missing');
    expect(report.problems.find((p) => p.kind === 'content')?.at?.position).toBe('10/10');
    expect(report.digests.every((d) => !d.holds)).toBe(true);
  });

  it('catches two events of different streams swapped in the global order, though each stream still chains', async () => {
    const report = await tampered((db) => {
      db.prepare('UPDATE events SET position = -1 WHERE position = 3').run();
      db.prepare('UPDATE events SET position = 3 WHERE position = 4').run();
      db.prepare('UPDATE events SET position = 4 WHERE position = -1').run();
    });
    expect(report.problems.filter((p) => p.kind !== 'digest')).toEqual([]);
    expect(report.problems[0]).toMatchObject({ kind: 'digest' });
    expect(report.problems[0].message).toContain('among numbers 1 to 30');
  });

  it('names an event swapped in for another (two payloads exchanged)', async () => {
    const report = await tampered((db) => {
      const [a, b] = [row(db, 2), row(db, 3)];
      db.prepare('UPDATE events SET data = ? WHERE position = ?').run(b.data, 2);
      db.prepare('UPDATE events SET data = ? WHERE position = ?').run(a.data, 3);
    });
    expect(report.problems.filter((p) => p.kind === 'content').map((p) => p.at?.position)).toEqual(['2/2', '3/3']);
  });

  it('catches an event inserted into the past with a correct hash of its own, through the digests signed before', async () => {
    const report = await tampered((db) => {
      db.prepare('UPDATE events SET position = position + 1000 WHERE position >= 10').run();
      db.prepare('UPDATE events SET position = position - 999 WHERE position >= 1010').run();
      const forged = { streamName: 'loan-Z', revision: 0n, id: 'forged', type: 'Repaid', data: { n: 0 }, metadata: {} };
      db.prepare(
        'INSERT INTO events (position, stream, revision, id, type, data, metadata, created, hash) VALUES (10, ?, 0, ?, ?, ?, ?, 0, ?)',
      ).run('loan-Z', 'forged', 'Repaid', '{"n":0}', '{}', eventHash(null, forged));
    });
    expect(report.problems.filter((p) => p.kind !== 'digest')).toEqual([]);
    expect(report.digests.map((d) => d.holds)).toEqual([false, false]);
  });

  it('detects a history rewritten with every hash recomputed and its digests removed, from an old signed digest alone', async () => {
    const rewrite = (db: Database.Database) => {
      db.prepare(`UPDATE events SET data = json_set(data, '$.principal', 1) WHERE position = 5`).run();
      db.prepare(`DELETE FROM events WHERE stream LIKE 'digest-%'`).run();
      const heads = new Map<string, string>();
      for (const r of db.prepare('SELECT * FROM events ORDER BY position').all() as Array<Record<string, string & number>>) {
        const hash = eventHash(heads.get(r.stream) ?? null, {
          streamName: r.stream,
          revision: BigInt(r.revision),
          id: r.id,
          type: r.type,
          data: JSON.parse(r.data),
          metadata: JSON.parse(r.metadata),
        });
        heads.set(r.stream, hash);
        db.prepare('UPDATE events SET hash = ? WHERE position = ?').run(hash, r.position);
      }
    };
    // Without the auditor's copy nothing in the file itself is left to contradict it...
    expect((await tampered(rewrite)).problems).toEqual([]);
    // ...but the auditor kept January's signed digest.
    const report = await tampered(rewrite, [digests[0]]);
    expect(report.digests).toEqual([{ month: '2011-01', treeSize: 30, holds: false }]);
    expect(report.problems.map((p) => p.kind)).toEqual(['digest']);
  });

  it("refuses a digest whose signature does not hold, and a recorded digest that differs from the auditor's copy", async () => {
    const forged = { ...digests[0], treeSize: 29 };
    const report = await tampered(() => undefined, [forged, digests[1]]);
    expect(report.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['signature', 'copy']));
  });

  it('seals each month from where the last one ended, to the root of the whole history, and seals a month once', async () => {
    const store = new SqliteEventStore({ path: original });
    try {
      const leaves = (await store.readAll()).map((e) => leafHash(e.hash!));
      for (const d of digests) expect(subtreeRoot(leaves, 0, d.treeSize).toString('hex')).toBe(d.rootHash);
      expect(await recordedDigests(store)).toEqual(digests);
      expect(await sealMonth(store, key, '2011-02')).toEqual({ digest: digests[1], recorded: false });
      await expect(sealMonth(store, key, '2011-01')).resolves.toMatchObject({ recorded: false });
      await expect(sealMonth(store, key, '2010-12')).rejects.toThrow('months are sealed in order');
    } finally {
      await store.close();
    }
  });

  it('proves an event included in a signed digest, and a later digest consistent with an earlier one', async () => {
    const store = new SqliteEventStore({ path: original });
    try {
      const [, second] = await store.readStream('loan-B');
      const inclusion = await proveInclusion(store, second.id, digests[0]);
      expect(inclusion.leafIndex).toBe(4);
      const hash = eventHash(inclusion.event.prev, { ...inclusion.event, revision: BigInt(inclusion.event.revision) });
      const root = Buffer.from(digests[0].rootHash, 'hex');
      const path = inclusion.path.map((h) => Buffer.from(h, 'hex'));
      expect(verifyInclusion(leafHash(hash), 4, 30, path, root)).toBe(true);
      const consistency = await proveConsistency(store, digests[0], digests[1]);
      const [a, b] = [digests[0], digests[1]].map((d) => Buffer.from(d.rootHash, 'hex'));
      expect(
        verifyConsistency(
          30,
          43,
          a,
          b,
          consistency.path.map((h) => Buffer.from(h, 'hex')),
        ),
      ).toBe(true);
      const [late] = await store.readStream('digest-2011-02');
      await expect(proveInclusion(store, late.id, digests[0])).rejects.toThrow('is not among the 30 events');
    } finally {
      await store.close();
    }
  });
});
