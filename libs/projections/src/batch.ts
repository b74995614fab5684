import { Projection, ProjectionTx, Row } from './projection';
import { Changes, ReadStore, keyOf, tableSpec } from './read-store';

/**
 * Rows kept in memory between batches, so a busy row (a fund, a county's month) is read from SQL once.
 * `complete` while it holds every row the tables have: true for a build from empty tables until the
 * first eviction, and then a row it lacks does not exist, with no need to ask SQL.
 */
export class RowCache {
  readonly tables = new Map<string, Map<string, Row>>();
  constructor(
    public complete = false,
    readonly limit = 200_000,
  ) {}
}

/**
 * The rows of one batch: reads see the batch's own writes and the cache first, and every write is held
 * until the batch commits with its checkpoint in one transaction. Rows are shared, not copied: a
 * projection replaces a row with `put` after changing it, and a projection that throws stops the runner,
 * which then starts again from the committed state with an empty cache.
 */
export class BatchTx implements ProjectionTx {
  readonly changes: Changes = new Map();

  constructor(
    private readonly store: ReadStore,
    private readonly p: Projection,
    private readonly generation: number,
    private readonly cache = new RowCache(),
  ) {}

  async get<T extends Row>(table: string, key: Row): Promise<T | undefined> {
    const k = keyOf(tableSpec(this.p, table), key);
    // This batch's writes first: they are not in SQL yet, and the cache may have let them go.
    const cached = this.changes.get(table)?.get(k) ?? this.cache.tables.get(table)?.get(k);
    if (cached || this.cache.complete) return cached as T | undefined;
    const row = await this.store.get(this.p, this.generation, table, key);
    if (row) this.remember(table, k, row);
    return row as T | undefined;
  }

  async put(table: string, row: Row): Promise<void> {
    const k = keyOf(tableSpec(this.p, table), row);
    let rows = this.changes.get(table);
    if (!rows) this.changes.set(table, (rows = new Map()));
    rows.set(k, row);
    this.remember(table, k, row);
  }

  private remember(table: string, k: string, row: Row) {
    let rows = this.cache.tables.get(table);
    if (!rows) this.cache.tables.set(table, (rows = new Map()));
    if (rows.size >= this.cache.limit) {
      rows.clear(); // crude, but bounded: every row is in SQL or in the batch's changes
      this.cache.complete = false;
    }
    rows.set(k, row);
  }
}
