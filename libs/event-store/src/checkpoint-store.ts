import Database from 'better-sqlite3';
import { Position, positionFromString, positionToString } from './store.port';

/** Where a follower of $all (the reconciler, later the projections) remembers how far it got. */
export interface CheckpointStore {
  get(name: string): Promise<Position | undefined>;
  set(name: string, position: Position): Promise<void>;
}

export class SqliteCheckpointStore implements CheckpointStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    if (path !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec('CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position TEXT NOT NULL, updated INTEGER NOT NULL)');
  }

  async get(name: string): Promise<Position | undefined> {
    const row = this.db.prepare('SELECT position FROM checkpoints WHERE name = ?').get(name) as { position: string } | undefined;
    return row ? positionFromString(row.position) : undefined;
  }

  async set(name: string, position: Position): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO checkpoints (name, position, updated) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated = excluded.updated',
      )
      .run(name, positionToString(position), Date.now());
  }

  close() {
    if (this.db.open) this.db.close();
  }
}
