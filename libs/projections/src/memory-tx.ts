import { Projection, ProjectedEvent, ProjectionTx, Row } from './projection';
import { keyOf, tableSpec } from './read-store';
import { safeRow } from './safe-text';

/**
 * Rows in memory: for given(events) → then(rows) tests, and for folding a history as of a date. Every
 * table's rows are kept, append-only ones too, as the read store would hold them; rows are copied in and
 * out, so a test sees exactly what was put.
 */
export class MemoryTx implements ProjectionTx {
  readonly tables = new Map<string, Map<string, Row>>();

  constructor(private readonly p: Projection) {}

  /** The fold is synchronous; the promise is kept so that callers stay as they were. */
  static async fold(p: Projection, events: ProjectedEvent[]): Promise<MemoryTx> {
    return MemoryTx.foldNow(p, events);
  }

  static foldNow(p: Projection, events: ProjectedEvent[]): MemoryTx {
    const tx = new MemoryTx(p);
    const types = new Set(p.eventTypes);
    for (const e of events) if (types.has(e.type)) p.apply(e, tx);
    return tx;
  }

  get<T extends Row>(table: string, key: Row): T | undefined {
    const spec = tableSpec(this.p, table);
    if (spec.appendOnly) throw new Error(`${this.p.name}: ${table} is append-only; its rows cannot be read back`);
    const row = this.tables.get(table)?.get(keyOf(spec, key));
    return row && (structuredClone(row) as T);
  }

  put(table: string, row: Row): void {
    const spec = tableSpec(this.p, table);
    if (spec.appendOnly) throw new Error(`${this.p.name}: ${table} is append-only; append its rows`);
    this.write(table, row);
  }

  append(table: string, row: Row): void {
    if (!tableSpec(this.p, table).appendOnly) throw new Error(`${this.p.name}: ${table} is not append-only; put its rows`);
    this.write(table, row);
  }

  rows(table: string): Row[] {
    return [...(this.tables.get(table)?.values() ?? [])];
  }

  private write(table: string, row: Row) {
    let rows = this.tables.get(table);
    if (!rows) this.tables.set(table, (rows = new Map()));
    // The text a read store would hold, so that a ledger as of a date reads like the live one.
    rows.set(keyOf(tableSpec(this.p, table), row), structuredClone(safeRow(row)));
  }
}
