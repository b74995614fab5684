import { Projection, ProjectionTx, Row } from './projection';
import { Changes, ReadStore, keyOf, tableSpec } from './read-store';

/**
 * The rows of one batch: reads see the batch's own writes first, and every write is held until the
 * batch commits with its checkpoint in one transaction.
 */
export class BatchTx implements ProjectionTx {
  readonly changes: Changes = new Map();

  constructor(private readonly store: ReadStore, private readonly p: Projection, private readonly generation: number) {}

  async get<T extends Row>(table: string, key: Row): Promise<T | undefined> {
    const pending = this.changes.get(table)?.get(keyOf(tableSpec(this.p, table), key));
    if (pending) return structuredClone(pending) as T;
    return (await this.store.get(this.p, this.generation, table, key)) as T | undefined;
  }

  async put(table: string, row: Row): Promise<void> {
    const spec = tableSpec(this.p, table);
    let rows = this.changes.get(table);
    if (!rows) this.changes.set(table, (rows = new Map()));
    rows.set(keyOf(spec, row), structuredClone(row));
  }

  get size(): number {
    let n = 0;
    for (const rows of this.changes.values()) n += rows.size;
    return n;
  }
}
