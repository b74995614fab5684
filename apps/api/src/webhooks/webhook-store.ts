import Database from 'better-sqlite3';
import { comparePositions, positionFromString } from '@app/event-store';
import { FeedQuery } from '../feed/feed-filter';

export interface Webhook {
  id: string;
  url: string;
  /** The HMAC key the receiver checks signatures with; shown once, when the webhook is registered. */
  secret: string;
  filter: FeedQuery;
  /** The last position delivered (or dead-lettered): deliveries resume after it. */
  position: string;
  created: string;
}

export interface DeadLetter {
  webhookId: string;
  position: string;
  /** The record (stream) the event belongs to: its later events wait behind this one. */
  stream: string;
  /** The event as it would have been sent. */
  body: string;
  attempts: number;
  error: string;
  failedAt: string;
}

/**
 * Registered webhooks, how far each has been delivered, and the events given up on (dead letters), kept beside
 * the events in the embedded file (or the API's local file on EventStoreDB), so deliveries resume after a restart.
 */
export class WebhookStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    if (path !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS webhooks (id TEXT PRIMARY KEY, url TEXT NOT NULL, secret TEXT NOT NULL, filter TEXT NOT NULL,
        position TEXT NOT NULL, created TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS webhook_dead_letters (webhook_id TEXT NOT NULL, position TEXT NOT NULL, stream TEXT NOT NULL,
        body TEXT NOT NULL, attempts INTEGER NOT NULL, error TEXT NOT NULL, failed_at TEXT NOT NULL, PRIMARY KEY (webhook_id, position));
      CREATE INDEX IF NOT EXISTS webhook_dead_letters_by_stream ON webhook_dead_letters (webhook_id, stream);`);
  }

  add(webhook: Webhook): void {
    this.db
      .prepare('INSERT INTO webhooks (id, url, secret, filter, position, created) VALUES (?, ?, ?, ?, ?, ?)')
      .run(webhook.id, webhook.url, webhook.secret, JSON.stringify(webhook.filter), webhook.position, webhook.created);
  }

  all(): Webhook[] {
    const rows = this.db.prepare('SELECT * FROM webhooks ORDER BY created, id').all() as Array<
      Omit<Webhook, 'filter'> & { filter: string }
    >;
    return rows.map((r) => ({ ...r, filter: JSON.parse(r.filter) as FeedQuery }));
  }

  get(id: string): Webhook | undefined {
    return this.all().find((w) => w.id === id);
  }

  remove(id: string): boolean {
    const removed = this.db.prepare('DELETE FROM webhooks WHERE id = ?').run(id).changes === 1;
    this.db.prepare('DELETE FROM webhook_dead_letters WHERE webhook_id = ?').run(id);
    return removed;
  }

  /** Moves a webhook past an event: delivered, or given up on (then kept as a dead letter, in the same commit). */
  advance(id: string, position: string, deadLetter?: Omit<DeadLetter, 'webhookId' | 'position'>): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE webhooks SET position = ? WHERE id = ?').run(position, id);
      if (deadLetter)
        this.db
          .prepare('INSERT OR REPLACE INTO webhook_dead_letters VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(id, position, deadLetter.stream, deadLetter.body, deadLetter.attempts, deadLetter.error, deadLetter.failedAt);
    })();
  }

  deadLetters(id: string): DeadLetter[] {
    return (
      this.db
        .prepare(
          'SELECT webhook_id AS webhookId, position, stream, body, attempts, error, failed_at AS failedAt FROM webhook_dead_letters WHERE webhook_id = ?',
        )
        .all(id) as DeadLetter[]
    ).sort((a, b) => comparePositions(positionFromString(a.position), positionFromString(b.position)));
  }

  hasDeadLetter(id: string, stream: string): boolean {
    return this.db.prepare('SELECT 1 FROM webhook_dead_letters WHERE webhook_id = ? AND stream = ? LIMIT 1').get(id, stream) !== undefined;
  }

  delivered(id: string, position: string): void {
    this.db.prepare('DELETE FROM webhook_dead_letters WHERE webhook_id = ? AND position = ?').run(id, position);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
