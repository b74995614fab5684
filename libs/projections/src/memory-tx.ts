import { Projection, ProjectedEvent, ProjectionTx, Row } from './projection';
import { keyOf, tableSpec } from './read-store';
import { safeRow } from './safe-text';

/** Rows in memory: for given(events) → then(rows) tests, and for folding a history as of a date. */
export class MemoryTx implements ProjectionTx {
  readonly tables = new Map<string, Map<string, Row>>();

  constructor(private readonly p: Projection) {}

  static async fold(p: Projection, events: ProjectedEvent[]): Promise<MemoryTx> {
    const tx = new MemoryTx(p);
    for (const e of events) if (p.eventTypes.includes(e.type)) await p.apply(e, tx);
    return tx;
  }

  async get<T extends Row>(table: string, key: Row): Promise<T | undefined> {
    const row = this.tables.get(table)?.get(keyOf(tableSpec(this.p, table), key));
    return row && (structuredClone(row) as T);
  }

  async put(table: string, row: Row): Promise<void> {
    let rows = this.tables.get(table);
    if (!rows) this.tables.set(table, (rows = new Map()));
    // The text a read store would hold, so that a ledger as of a date reads like the live one.
    rows.set(keyOf(tableSpec(this.p, table), row), structuredClone(safeRow(row)));
  }

  rows(table: string): Row[] {
    return [...(this.tables.get(table)?.values() ?? [])];
  }
}
