import { MemoryTx, Projection, ProjectedEvent, ReadStore, Row } from '../src';

/** Rows in a comparable order. */
export const sorted = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).sort();

/** Every row of a projection's table as the read store serves it (the active generation, decoded). */
export async function storedRows(readStore: ReadStore, p: Projection, table: string): Promise<string[]> {
  const [gen] = (await readStore.generations(p.name)).filter((g) => g.status === 'active');
  const keys = await readStore.query(`SELECT ${p.tables.find((t) => t.name === table)!.primaryKey.join(', ')} FROM ${table}`);
  return sorted((await Promise.all(keys.map((k) => readStore.get(p, gen.generation, table, k)))) as Row[]);
}

/** The rows of a projection's table folded from the events in memory: what the store must hold. */
export async function foldedRows(p: Projection, events: ProjectedEvent[], table: string): Promise<string[]> {
  return sorted((await MemoryTx.fold(p, events)).rows(table));
}
