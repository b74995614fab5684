import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { KEY_BYTES } from './sealed-text';

/** Why and on whose request a borrower's personal data was erased. */
export interface ErasureRequest {
  legalBasis: string;
  basisDetail?: string;
  requestReference: string;
  erasedBy: string;
}

export interface ErasedKey extends ErasureRequest {
  borrowerId: string;
  generation: number;
  erasedAt: string;
}

const CACHED_KEYS = 10_000;

/**
 * The borrowers' keys, in a SQLite file of their own: kept apart from the history so that the history's
 * backups hold no key, and so that erasing destroys the only copy (backups of this file aside; see
 * docs/privacy.md). A key is made on a borrower's first sealed value and is written durably before any
 * event sealed with it. Erasing a borrower overwrites their keys with zeros (secure_delete) and checkpoints
 * the write-ahead log, and keeps a tombstone: when, on what legal basis, on whose request.
 */
export class Keyring {
  private readonly db: Database.Database;
  private readonly cache = new Map<string, Buffer | null>();
  /** New keys waiting for the next write, and that write. */
  private made?: Map<string, number>;
  private written?: Promise<void>;
  private readonly sql: Record<'latest' | 'insert' | 'find' | 'markRecorded' | 'dataVersion', Database.Statement>;
  /** The file's data version when the cache was last known good: another process's erasure changes it. */
  private seenVersion?: number;

  constructor(path: string) {
    this.db = new Database(path);
    if (path !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('secure_delete = ON');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS borrower_keys (
      borrower_id TEXT NOT NULL,
      generation INTEGER NOT NULL,
      key BLOB,
      created_at TEXT NOT NULL,
      erased_at TEXT,
      legal_basis TEXT,
      basis_detail TEXT,
      request_reference TEXT,
      erased_by TEXT,
      recorded INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (borrower_id, generation)
    ) WITHOUT ROWID`);
    this.sql = {
      latest: this.db.prepare('SELECT generation, key FROM borrower_keys WHERE borrower_id = ? ORDER BY generation DESC LIMIT 1'),
      insert: this.db.prepare('INSERT OR IGNORE INTO borrower_keys (borrower_id, generation, key, created_at) VALUES (?, ?, ?, ?)'),
      find: this.db.prepare('SELECT key FROM borrower_keys WHERE borrower_id = ? AND generation = ?'),
      markRecorded: this.db.prepare('UPDATE borrower_keys SET recorded = 1 WHERE borrower_id = ? AND generation = ?'),
      dataVersion: this.db.prepare('PRAGMA data_version').pluck(),
    };
  }

  /**
   * The key new values of this borrower are sealed with: made on first use, and anew after an erasure. New
   * keys are written in one transaction per turn of the event loop (one fsync for all the applications of
   * new borrowers arriving together), and each is durable before it is handed out.
   */
  async current(borrowerId: string): Promise<{ generation: number; key: Buffer }> {
    const latest = this.latest(borrowerId);
    if (latest?.key) return { generation: latest.generation, key: latest.key };
    if (!this.made) {
      this.made = new Map();
      const batch = this.made;
      this.written = new Promise((resolve, reject) => setImmediate(() => this.writeKeys(batch).then(resolve, reject)));
    }
    if (!this.made.has(borrowerId)) this.made.set(borrowerId, (latest?.generation ?? 0) + 1);
    await this.written;
    // Two first applications of one person at once, here or in another process: the first key written wins.
    const made = this.latest(borrowerId);
    if (!made?.key) throw new Error(`the key of borrower ${borrowerId} was erased while it was being made`);
    return { generation: made.generation, key: made.key };
  }

  private async writeKeys(batch: Map<string, number>): Promise<void> {
    this.made = undefined;
    const createdAt = new Date().toISOString();
    this.db.transaction(() => {
      for (const [borrowerId, generation] of batch) this.sql.insert.run(borrowerId, generation, randomBytes(KEY_BYTES), createdAt);
    })();
  }

  /** The key of one generation; null once erased, undefined when this keyring never had it. */
  find(borrowerId: string, generation: number): Buffer | null | undefined {
    const version = this.sql.dataVersion.get() as number;
    if (version !== this.seenVersion) {
      this.cache.clear();
      this.seenVersion = version;
    }
    const id = `${borrowerId}.${generation}`;
    if (this.cache.has(id)) return this.cache.get(id);
    const row = this.sql.find.get(borrowerId, generation) as { key: Buffer | null } | undefined;
    if (!row) return undefined;
    if (this.cache.size >= CACHED_KEYS) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(id, row.key);
    return row.key;
  }

  /** Whether this keyring ever held a key of the borrower. */
  knows(borrowerId: string): boolean {
    return this.latest(borrowerId) !== undefined;
  }

  /** Destroys every key of the borrower still held, recording why; answers the generations destroyed now. */
  erase(borrowerId: string, request: ErasureRequest): number[] {
    const erasedAt = new Date().toISOString();
    const destroyed = this.db
      .prepare(
        `UPDATE borrower_keys SET key = NULL, erased_at = ?, legal_basis = ?, basis_detail = ?, request_reference = ?, erased_by = ?
         WHERE borrower_id = ? AND key IS NOT NULL RETURNING generation`,
      )
      .all(erasedAt, request.legalBasis, request.basisDetail ?? null, request.requestReference, request.erasedBy, borrowerId) as Array<{
      generation: number;
    }>;
    for (const key of this.cache.keys()) if (key.startsWith(`${borrowerId}.`)) this.cache.delete(key);
    this.emptyLog();
    return destroyed.map((r) => r.generation);
  }

  /**
   * Writes the write-ahead log back into the file and empties it: until then it holds the pages as they were,
   * an erased key included. Another process reading at that moment keeps it from finishing; the API tries
   * again at every start. Answers whether the log is empty.
   */
  emptyLog(): boolean {
    const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    return !result || result.busy === 0;
  }

  /** Erasures whose event is not yet in the history (the API stopped between the two steps). */
  unrecorded(): ErasedKey[] {
    return (
      this.db
        .prepare(
          `SELECT borrower_id, generation, erased_at, legal_basis, basis_detail, request_reference, erased_by FROM borrower_keys
           WHERE erased_at IS NOT NULL AND recorded = 0 ORDER BY erased_at`,
        )
        .all() as Array<Record<string, string | number | null>>
    ).map((r) => ({
      borrowerId: String(r.borrower_id),
      generation: Number(r.generation),
      erasedAt: String(r.erased_at),
      legalBasis: String(r.legal_basis),
      basisDetail: r.basis_detail === null ? undefined : String(r.basis_detail),
      requestReference: String(r.request_reference),
      erasedBy: String(r.erased_by),
    }));
  }

  markRecorded(borrowerId: string, generation: number): void {
    this.sql.markRecorded.run(borrowerId, generation);
  }

  close(): void {
    this.db.close();
  }

  private latest(borrowerId: string): { generation: number; key: Buffer | null } | undefined {
    return this.sql.latest.get(borrowerId) as { generation: number; key: Buffer | null } | undefined;
  }
}
