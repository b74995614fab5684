import { Projection, ProjectionTx, Row, TableSpec } from './projection';
import { Changes, keyOf } from './read-store';

/**
 * A projection's rows as the runner keeps them between batches: every row of its read-write tables (loaded
 * in bulk when it resumes a generation, empty for a rebuild), the rows changed since the last commit, and
 * the rows appended to its append-only tables, which are handed over at the commit and never kept.
 *
 * Rows are shared, not copied: a projection changes a row it got and puts it back. A projection that
 * throws, or a commit that fails, leaves this state behind: the runner loads it again from the committed
 * rows before it goes on.
 */
export class ProjectionState implements ProjectionTx {
  private readonly specs = new Map<string, TableSpec>();
  private readonly tables = new Map<string, Map<string, Row>>();
  private changed = new Map<string, Map<string, Row>>();
  /** By table and key: a row appended again before it is handed over replaces the earlier one. */
  private appended = new Map<string, Map<string, Row>>();

  constructor(readonly projection: Projection) {
    for (const t of projection.tables) {
      this.specs.set(t.name, t);
      if (!t.appendOnly) this.tables.set(t.name, new Map());
    }
  }

  /** A row as the read store holds it, taken back into memory unchanged. */
  load(table: string, row: Row): void {
    this.rowsOf(table).set(keyOf(this.spec(table), row), row);
  }

  get<T extends Row>(table: string, key: Row): T | undefined {
    return this.rowsOf(table).get(keyOf(this.spec(table), key)) as T | undefined;
  }

  put(table: string, row: Row): void {
    const k = keyOf(this.spec(table), row);
    this.rowsOf(table).set(k, row);
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

  /** The rows of a read-write table held now. */
  rows(table: string): Row[] {
    return [...this.rowsOf(table).values()];
  }

  /** Rows held in memory, by table (the append-only tables hold none). */
  sizes(): Record<string, number> {
    return Object.fromEntries([...this.tables].map(([t, rows]) => [t, rows.size]));
  }

  private spec(table: string): TableSpec {
    const spec = this.specs.get(table);
    if (!spec) throw new Error(`projection ${this.projection.name} has no table ${table}`);
    return spec;
  }

  private rowsOf(table: string): Map<string, Row> {
    const rows = this.tables.get(table);
    if (rows) return rows;
    this.spec(table);
    throw new Error(`${this.projection.name}: ${table} is append-only; its rows cannot be read back`);
  }
}
