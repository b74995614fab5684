import { Pool, PoolClient, types } from 'pg';
import { Projection, Row, Value } from '../projection';
import { decode } from '../query';
import { BatchWrite, Generation, ProjectionFencedError, ReadStore, keyOf, physical, tableSpec } from '../read-store';
// Text PostgreSQL refuses (U+0000, lone surrogates) is made safe here, as on SQLite.
import { sqlValue as toSql } from '../safe-text';

// JSON lists are kept as text so that the same SQL (LIKE on a tag) runs on both stores.
const SQL_TYPE = { text: 'TEXT', integer: 'BIGINT', fen: 'BIGINT', boolean: 'BOOLEAN', json: 'TEXT' } as const;
const ROWS_PER_INSERT = 500;

/** Money in fen fits a JavaScript number exactly (below 2^53); sums and counts come back as numbers. */
const asNumber = (v: string) => Number(v);
const typeParsers = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === types.builtins.INT8 || oid === types.builtins.NUMERIC ? asNumber : types.getTypeParser(oid, format),
};

/** The read store on PostgreSQL, for production: the same tables, views and generations as on SQLite. */
export class PostgresReadStore implements ReadStore {
  private readonly pool: Pool;
  private ready: Promise<void>;

  constructor(connectionString: string, schema?: string) {
    this.pool = new Pool({ connectionString, max: 4, types: typeParsers, options: schema ? `-c search_path=${schema}` : undefined });
    this.ready = this.pool
      .query(
        // One statement list runs as one transaction; the lock keeps two processes starting at once from both creating it.
        `SELECT pg_advisory_xact_lock(hashtext('projection_generations'));
      CREATE TABLE IF NOT EXISTS projection_generations (
      projection TEXT NOT NULL, generation INTEGER NOT NULL, version INTEGER NOT NULL, status TEXT NOT NULL,
      checkpoint TEXT, processed BIGINT NOT NULL, updated BIGINT NOT NULL, writes BIGINT NOT NULL DEFAULT 0,
      PRIMARY KEY (projection, generation));
      ALTER TABLE projection_generations ADD COLUMN IF NOT EXISTS writes BIGINT NOT NULL DEFAULT 0`,
      )
      .then(() => undefined);
  }

  async generations(projection: string): Promise<Generation[]> {
    await this.ready;
    const { rows } = await this.pool.query('SELECT * FROM projection_generations WHERE projection = $1 ORDER BY generation', [projection]);
    return rows.map((r) => ({ ...r, updated: undefined })) as Generation[];
  }

  async begin(p: Projection, generation: number): Promise<void> {
    await this.transaction(async (c) => {
      // The generation's row first: a second runner making the same generation stops here, touching nothing.
      const made = await c.query(
        `INSERT INTO projection_generations (projection, generation, version, status, checkpoint, processed, updated, writes)
        VALUES ($1, $2, $3, 'building', NULL, 0, $4, 0) ON CONFLICT DO NOTHING`,
        [p.name, generation, p.version, Date.now()],
      );
      if (made.rowCount === 0) throw new ProjectionFencedError(p.name, generation);
      for (const t of p.tables) {
        const name = physical(t.name, generation);
        await c.query(`DROP TABLE IF EXISTS "${name}" CASCADE`);
        const cols = Object.entries(t.columns)
          .map(([col, type]) => `"${col}" ${SQL_TYPE[type]}`)
          .join(', ');
        // No secondary indexes while it is built: they are made once, when the generation is activated.
        await c.query(`CREATE TABLE "${name}" (${cols}, PRIMARY KEY (${t.primaryKey.map((k) => `"${k}"`).join(', ')}))`);
      }
    });
  }

  async get(p: Projection, generation: number, table: string, key: Row): Promise<Row | undefined> {
    const spec = tableSpec(p, table);
    const where = spec.primaryKey.map((k, i) => `"${k}" = $${i + 1}`).join(' AND ');
    const { rows } = await this.pool.query(
      `SELECT * FROM "${physical(table, generation)}" WHERE ${where}`,
      spec.primaryKey.map((k) => toSql(key[k])),
    );
    return rows[0] && decode(spec, rows[0]);
  }

  async load(p: Projection, generation: number, table: string): Promise<Row[]> {
    await this.ready;
    const spec = tableSpec(p, table);
    const { rows } = await this.pool.query(`SELECT * FROM "${physical(table, generation)}"`);
    return rows.map((r) => decode(spec, r));
  }

  async commit(writes: BatchWrite[]): Promise<void> {
    await this.transaction(async (c) => {
      for (const { projection: p, generation, changes, checkpoint, processed, writes: read } of writes) {
        // The fence first: its row lock also makes a second runner's commit wait for this one, then fail.
        const fenced = await c.query(
          'UPDATE projection_generations SET checkpoint = $1, processed = $2, updated = $3, writes = writes + 1 WHERE projection = $4 AND generation = $5 AND writes = $6',
          [checkpoint, processed, Date.now(), p.name, generation, read],
        );
        if (fenced.rowCount === 0) throw new ProjectionFencedError(p.name, generation);
        for (const [table, rows] of changes) {
          const spec = tableSpec(p, table);
          const cols = Object.keys(spec.columns);
          const updates = cols
            .filter((col) => !spec.primaryKey.includes(col))
            .map((col) => `"${col}" = excluded."${col}"`)
            .join(', ');
          // One statement may not touch a row twice: of rows appended twice under one key, the last wins.
          const all = spec.appendOnly ? [...new Map(rows.map((r) => [keyOf(spec, r), r])).values()] : rows;
          for (let i = 0; i < all.length; i += ROWS_PER_INSERT) {
            const chunk = all.slice(i, i + ROWS_PER_INSERT);
            const values = chunk.map((_, r) => `(${cols.map((__, k) => `$${r * cols.length + k + 1}`).join(', ')})`).join(', ');
            await c.query(
              `INSERT INTO "${physical(table, generation)}" (${cols.map((col) => `"${col}"`).join(', ')}) VALUES ${values}
            ON CONFLICT (${spec.primaryKey.map((k) => `"${k}"`).join(', ')}) DO UPDATE SET ${updates}`,
              chunk.flatMap((row) => cols.map((col) => toSql(row[col]))),
            );
          }
        }
      }
    });
  }

  async activate(p: Projection, generation: number, writes: number): Promise<void> {
    await this.transaction(async (c) => {
      const mine = await c.query(
        'SELECT 1 FROM projection_generations WHERE projection = $1 AND generation = $2 AND writes = $3 FOR UPDATE',
        [p.name, generation, writes],
      );
      if (mine.rowCount === 0) throw new ProjectionFencedError(p.name, generation);
      for (const t of p.tables) {
        const name = physical(t.name, generation);
        for (const [i, idx] of (t.indexes ?? []).entries())
          await c.query(`CREATE INDEX IF NOT EXISTS "${name}_i${i}" ON "${name}" (${idx.map((col) => `"${col}"`).join(', ')})`);
        await c.query(`DROP VIEW IF EXISTS "${t.name}"`);
        await c.query(`CREATE VIEW "${t.name}" AS SELECT * FROM "${physical(t.name, generation)}"`);
      }
      const { rows } = await c.query('SELECT generation FROM projection_generations WHERE projection = $1 AND generation <> $2', [
        p.name,
        generation,
      ]);
      for (const { generation: g } of rows) for (const t of p.tables) await c.query(`DROP TABLE IF EXISTS "${physical(t.name, g)}"`);
      await c.query('DELETE FROM projection_generations WHERE projection = $1 AND generation <> $2', [p.name, generation]);
      await c.query(`UPDATE projection_generations SET status = 'active', updated = $1 WHERE projection = $2 AND generation = $3`, [
        Date.now(),
        p.name,
        generation,
      ]);
    });
  }

  /** Runs SQL written with `?` placeholders (as for SQLite). */
  async query(sql: string, params: unknown[] = []): Promise<Row[]> {
    await this.ready;
    let n = 0;
    const { rows } = await this.pool.query(
      sql.replace(/\?/g, () => `$${++n}`),
      params.map((v) => toSql(v as Value)),
    );
    return rows;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async transaction(work: (c: PoolClient) => Promise<void>) {
    await this.ready;
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      await work(c);
      await c.query('COMMIT');
    } catch (error) {
      await c.query('ROLLBACK');
      throw error;
    } finally {
      c.release();
    }
  }
}
