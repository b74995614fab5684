import { Projection, ProjectionTx, Row, TableSpec } from './projection';
import { Changes, keyOf } from './read-store';
import { KeyFilter } from './key-filter';

/** Reads one stored row of a projection's table, synchronously (SQLite can; PostgreSQL cannot). */
export type StoredRow = (table: string, key: Row) => Row | undefined;

/**
 * A projection's rows as the runner keeps them between batches: the rows of its read-write tables, the
 * rows changed since the last commit, and the rows appended to its append-only tables, which are handed
 * over at the commit and never kept.
 *
 * With a way to read stored rows back (`stored`), only the rows in use are held: rows are kept in two
 * generations, and `evictIdle` drops the rows of the older one, those neither read nor written since the
 * call before, that are already stored; a later `get` reads such a row back from the read store. A
 * resumed generation then starts with nothing in memory. Without it (PostgreSQL), every row is held:
 * loaded in bulk when a generation resumes.
 *
 * Rows are shared, not copied: a projection changes a row it got and puts it back. A projection that
 * throws, or a commit that fails, leaves this state behind: the runner loads it again from the committed
 * rows before it goes on.
 */
export class ProjectionState implements ProjectionTx {
  private readonly specs = new Map<string, TableSpec>();
  /** Rows read or written since the last `evictIdle`, by table. */
  private recent = new Map<string, Map<string, Row>>();
  /** Rows read or written before it, dropped at the next one unless used again. */
  private idle = new Map<string, Map<string, Row>>();
  /** Tables of a resumed generation: any row not in memory may be stored, and is looked for there. */
  private readonly partial = new Set<string>();
  /**
   * Otherwise the generation began empty in memory, so the only stored rows not in memory are those let go:
   * their keys, by table, in a filter. A key it has never seen is a new row, found absent without a read
   * (most of a rebuild's misses are new rows).
   */
  private readonly dropped = new Map<string, KeyFilter>();
  private changed = new Map<string, Map<string, Row>>();
  /** By table and key: a row appended again before it is handed over replaces the earlier one. */
  private appended = new Map<string, Map<string, Row>>();

  constructor(
    readonly projection: Projection,
    private readonly stored?: StoredRow,
  ) {
    for (const t of projection.tables) {
      this.specs.set(t.name, t);
      if (!t.appendOnly) {
        this.recent.set(t.name, new Map());
        this.idle.set(t.name, new Map());
      }
    }
  }

  /** Whether rows can be left in the read store and read back when needed. */
  get lazy(): boolean {
    return this.stored !== undefined;
  }

  /** The read store holds rows of every table that are not in memory (a resumed generation, read lazily). */
  resumeLazily(): void {
    for (const table of this.recent.keys()) this.partial.add(table);
  }

  /** A row as the read store holds it, taken back into memory unchanged. */
  load(table: string, row: Row): void {
    this.recentOf(table).set(keyOf(this.spec(table), row), row);
  }

  get<T extends Row>(table: string, key: Row): T | undefined {
    const k = keyOf(this.spec(table), key);
    const recent = this.recentOf(table);
    let row = recent.get(k);
    if (row) return row as T;
    const idle = this.idle.get(table)!;
    row = idle.get(k);
    if (row) idle.delete(k);
    else if (this.partial.has(table) || this.dropped.get(table)?.mightHave(k)) row = this.stored!(table, key);
    if (row) recent.set(k, row);
    return row as T | undefined;
  }

  put(table: string, row: Row): void {
    const k = keyOf(this.spec(table), row);
    this.recentOf(table).set(k, row);
    this.idle.get(table)!.delete(k);
    let rows = this.changed.get(table);
    if (!rows) this.changed.set(table, (rows = new Map()));
    rows.set(k, row);
  }

  append(table: string, row: Row): void {
    const spec = this.spec(table);
    if (!spec.appendOnly) throw new Error(`${this.projection.name}: ${table} is not append-only; put its rows`);
    let rows = this.appended.get(table);
    if (!rows) this.appended.set(table, (rows = new Map()));
    rows.set(keyOf(spec, row), row);
  }

  /** Whether anything was written since the last `take`. */
  get dirty(): boolean {
    return this.changed.size > 0 || this.appended.size > 0;
  }

  /** Hands over the rows written since the last call, by table: changed rows once each, appended rows in order. */
  take(): Changes {
    const out: Changes = new Map();
    for (const [table, rows] of this.changed) out.set(table, [...rows.values()]);
    for (const [table, rows] of this.appended) out.set(table, [...rows.values()]);
    this.changed = new Map();
    this.appended = new Map();
    return out;
  }

  /** Hands over only the rows appended since the last call; changed rows stay to be taken later. */
  takeAppended(): Changes {
    const out: Changes = new Map([...this.appended].map(([table, rows]) => [table, [...rows.values()]]));
    this.appended = new Map();
    return out;
  }

  /**
   * Drops the idle rows that are stored (a row changed but not yet handed over stays), and makes the recent
   * ones idle. Only when rows can be read back.
   */
  evictIdle(): void {
    if (!this.stored) return;
    for (const [table, idle] of this.idle) {
      const recent = this.recent.get(table)!;
      const unsaved = this.changed.get(table);
      for (const k of idle.keys()) {
        const row = unsaved?.get(k);
        if (row) recent.set(k, row);
        else if (!this.partial.has(table)) this.droppedOf(table).add(k);
      }
      this.idle.set(table, recent);
      this.recent.set(table, new Map());
    }
  }

  /** The rows of a read-write table held now. */
  rows(table: string): Row[] {
    return [...this.recentOf(table).values(), ...this.idle.get(table)!.values()];
  }

  /** Rows held in memory, by table (the append-only tables hold none). */
  sizes(): Record<string, number> {
    return Object.fromEntries([...this.recent].map(([t, rows]) => [t, rows.size + this.idle.get(t)!.size]));
  }

  private spec(table: string): TableSpec {
    const spec = this.specs.get(table);
    if (!spec) throw new Error(`projection ${this.projection.name} has no table ${table}`);
    return spec;
  }

  /** The filter of a table's keys let go, made when it first lets one go (a table that never does costs nothing). */
  private droppedOf(table: string): KeyFilter {
    let filter = this.dropped.get(table);
    if (!filter) this.dropped.set(table, (filter = new KeyFilter()));
    return filter;
  }

  private recentOf(table: string): Map<string, Row> {
    const rows = this.recent.get(table);
    if (rows) return rows;
    this.spec(table);
    throw new Error(`${this.projection.name}: ${table} is append-only; its rows cannot be read back`);
  }
}
