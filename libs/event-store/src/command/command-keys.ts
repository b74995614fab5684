import Database from 'better-sqlite3';

export type KeyClaim = 'new' | 'same' | 'different';

/**
 * Which request each idempotency key was first used for, across the whole store: a key reused on another
 * stream, another endpoint or with another body is caught here, before anything is decided. Kept beside
 * the events but not in the log, so a request that is then refused leaves no event behind.
 */
export interface CommandKeyStore {
  /** Binds a command id to what it was used for; says whether it is new, the same request again, or another. */
  claim(commandId: string, binding: string): Promise<KeyClaim>;
  /** Why the last claim could not be written (a full disk), until one is. */
  readonly problem?: string;
}

export class SqliteCommandKeys implements CommandKeyStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly select: Database.Statement;

  constructor(path: string) {
    this.db = new Database(path);
    if (path !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec('CREATE TABLE IF NOT EXISTS command_keys (command_id TEXT PRIMARY KEY, binding TEXT NOT NULL, claimed INTEGER NOT NULL)');
    this.insert = this.db.prepare('INSERT INTO command_keys (command_id, binding, claimed) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.select = this.db.prepare('SELECT binding FROM command_keys WHERE command_id = ?');
  }

  problem?: string;

  async claim(commandId: string, binding: string): Promise<KeyClaim> {
    let inserted: boolean;
    try {
      inserted = this.insert.run(commandId, binding, Date.now()).changes === 1;
      this.problem = undefined;
    } catch (error) {
      this.problem = `the last request key could not be recorded: ${(error as Error).message}`;
      throw error;
    }
    if (inserted) return 'new';
    const row = this.select.get(commandId) as { binding: string };
    return row.binding === binding ? 'same' : 'different';
  }

  close() {
    if (this.db.open) this.db.close();
  }
}
