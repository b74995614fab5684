import Database from 'better-sqlite3';
import { Projection, Row, TableSpec, Value } from '../projection';
import { decode } from '../query';
import { BatchWrite, Generation, ProjectionFencedError, ReadStore, physical, tableSpec } from '../read-store';
import { sqlValue } from '../safe-text';

const SQL_TYPE = { text: 'TEXT', integer: 'INTEGER', fen: 'INTEGER', boolean: 'INTEGER', json: 'TEXT' } as const;
/** Rows per statement, at most: SQLite takes up to 32,766 parameters in one statement. */
const ROWS_PER_INSERT = 256;
const MAX_PARAMETERS = 32_766;

/** The read store on SQLite: the embedded default, in the same file as the events or its own. */
export class SqliteReadStore implements ReadStore {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(path: string) {
    this.db = new Database(path);
    if (path !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL'); // projections can always be rebuilt from the events
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS projection_generations (
      projection TEXT NOT NULL, generation INTEGER NOT NULL, version INTEGER NOT NULL, status TEXT NOT NULL,
      checkpoint TEXT, processed INTEGER NOT NULL, updated INTEGER NOT NULL, writes INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (projection, generation))`);
    // A file made before the fence: its generations count their writes from now.
    const columns = this.db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('projection_generations');
    if (!columns.includes('writes')) this.db.exec('ALTER TABLE projection_generations ADD COLUMN writes INTEGER NOT NULL DEFAULT 0');
  }

  async generations(projection: string): Promise<Generation[]> {
    const rows = this.db
      .prepare('SELECT * FROM projection_generations WHERE projection = ? ORDER BY generation')
      .all(projection) as Generation[];
    return rows.map((r) => ({ ...r }));
  }

  async begin(p: Projection, generation: number): Promise<void> {
    this.statements.clear();
    this.db.transaction(() => {
      // The generation's row first: a second runner making the same generation stops here, touching nothing.
      const made = this.db
        .prepare(
          `INSERT INTO projection_generations (projection, generation, version, status, checkpoint, processed, updated, writes)
          VALUES (?, ?, ?, 'building', NULL, 0, ?, 0) ON CONFLICT DO NOTHING`,
        )
        .run(p.name, generation, p.version, Date.now());
      if (made.changes === 0) throw new ProjectionFencedError(p.name, generation);
      for (const t of p.tables) {
        const name = physical(t.name, generation);
        this.db.exec(`DROP TABLE IF EXISTS "${name}"`);
        const cols = Object.entries(t.columns)
          .map(([c, type]) => `"${c}" ${SQL_TYPE[type]}`)
          .join(', ');
        // No secondary indexes while it is built: they are made once, when the generation is activated.
        this.db.exec(`CREATE TABLE "${name}" (${cols}, PRIMARY KEY (${t.primaryKey.map((k) => `"${k}"`).join(', ')}))`);
      }
    })();
  }

  async get(p: Projection, generation: number, table: string, key: Row): Promise<Row | undefined> {
    const spec = tableSpec(p, table);
    const where = spec.primaryKey.map((k) => `"${k}" = ?`).join(' AND ');
    const row = this.statement(`SELECT * FROM "${physical(table, generation)}" WHERE ${where}`).get(
      ...spec.primaryKey.map((k) => toSql(key[k])),
    ) as Row | undefined;
    return row && decode(spec, row);
  }

  storedRows(p: Projection, generation: number) {
    const readers = new Map<string, (key: Row) => Row | undefined>();
    return (table: string, key: Row) => {
      let read = readers.get(table);
      if (!read) {
        const spec = tableSpec(p, table);
        const statement = this.db.prepare(
          `SELECT * FROM "${physical(table, generation)}" WHERE ${spec.primaryKey.map((k) => `"${k}" = ?`).join(' AND ')}`,
        );
        read = (k: Row) => {
          const row = statement.get(...spec.primaryKey.map((c) => toSql(k[c]))) as Row | undefined;
          return row && decode(spec, row);
        };
        readers.set(table, read);
      }
      return read(key);
    };
  }

  async load(p: Projection, generation: number, table: string): Promise<Row[]> {
    const spec = tableSpec(p, table);
    const rows: Row[] = [];
    for (const row of this.db.prepare(`SELECT * FROM "${physical(table, generation)}"`).iterate()) rows.push(decode(spec, row as Row));
    return rows;
  }

  async commit(writes: BatchWrite[]): Promise<void> {
    this.db.transaction(() => {
      for (const { projection: p, generation, changes, checkpoint, processed, writes: read } of writes) {
        const fenced = this.statement(
          'UPDATE projection_generations SET checkpoint = ?, processed = ?, updated = ?, writes = writes + 1 WHERE projection = ? AND generation = ? AND writes = ?',
        ).run(checkpoint, processed, Date.now(), p.name, generation, read);
        if (fenced.changes === 0) throw new ProjectionFencedError(p.name, generation);
        for (const [table, rows] of changes) this.upsert(p, generation, table, rows);
      }
    })();
  }

  /**
   * Rows in multi-row statements: as many full statements as fit, then the rest in statements of
   * 128, 64, … 1 rows, so that a table needs only a handful of prepared statements. SQLite takes the
   * rows of one statement in order, so a row repeated later in the batch wins, as it would one by one.
   */
  private upsert(p: Projection, generation: number, table: string, rows: Row[]) {
    const spec = tableSpec(p, table);
    const cols = Object.keys(spec.columns);
    const most = Math.min(ROWS_PER_INSERT, 2 ** Math.floor(Math.log2(MAX_PARAMETERS / cols.length)));
    let i = 0;
    for (let size = most; size >= 1; size = size >> 1) {
      if (rows.length - i < size) continue;
      const statement = this.statement(upsertSql(physical(table, generation), spec.primaryKey, cols, size));
      const params: Array<string | number | null> = new Array(size * cols.length);
      const fill = parameterFiller(spec);
      for (; rows.length - i >= size; i += size) {
        for (let r = 0; r < size; r++) fill(rows[i + r], params, r * cols.length);
        statement.run(params);
      }
    }
  }

  async activate(p: Projection, generation: number, writes: number): Promise<void> {
    this.statements.clear();
    this.db.transaction(() => {
      const mine = this.db
        .prepare('SELECT 1 FROM projection_generations WHERE projection = ? AND generation = ? AND writes = ?')
        .get(p.name, generation, writes);
      if (!mine) throw new ProjectionFencedError(p.name, generation);
      for (const t of p.tables) {
        const name = physical(t.name, generation);
        for (const [i, idx] of (t.indexes ?? []).entries())
          this.db.exec(`CREATE INDEX IF NOT EXISTS "${name}_i${i}" ON "${name}" (${idx.map((c) => `"${c}"`).join(', ')})`);
        this.db.exec(`DROP VIEW IF EXISTS "${t.name}"`);
        this.db.exec(`CREATE VIEW "${t.name}" AS SELECT * FROM "${physical(t.name, generation)}"`);
      }
      const old = this.db
        .prepare('SELECT generation FROM projection_generations WHERE projection = ? AND generation <> ?')
        .all(p.name, generation) as Array<{ generation: number }>;
      for (const { generation: g } of old) for (const t of p.tables) this.db.exec(`DROP TABLE IF EXISTS "${physical(t.name, g)}"`);
      this.db.prepare('DELETE FROM projection_generations WHERE projection = ? AND generation <> ?').run(p.name, generation);
      this.db
        .prepare(`UPDATE projection_generations SET status = 'active', updated = ? WHERE projection = ? AND generation = ?`)
        .run(Date.now(), p.name, generation);
    })();
  }

  async query(sql: string, params: unknown[] = []): Promise<Row[]> {
    return this.db.prepare(sql).all(...params.map((v) => toSql(v as Value))) as Row[];
  }

  /** Prepared once per SQL text; the tables of a generation never change shape. */
  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** `INSERT … ON CONFLICT DO UPDATE` of `rows` rows at once. */
function upsertSql(table: string, primaryKey: string[], cols: string[], rows: number): string {
  const updates = cols
    .filter((c) => !primaryKey.includes(c))
    .map((c) => `"${c}" = excluded."${c}"`)
    .join(', ');
  const row = `(${cols.map(() => '?').join(', ')})`;
  return `INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES ${new Array(rows).fill(row).join(', ')}
    ON CONFLICT (${primaryKey.map((k) => `"${k}"`).join(', ')}) DO UPDATE SET ${updates}`;
}

type Filler = (row: Row, params: Array<string | number | null>, at: number) => void;
const fillers = new WeakMap<TableSpec, Filler>();
/**
 * A function that writes a row's values into a statement's parameters, column by column, made once per
 * table: with each column named in its own statement, every property read sees one shape of row, which
 * a rebuild's millions of rows make worth it (a loop over column names took a fifth of a rebuild).
 */
function parameterFiller(spec: TableSpec): Filler {
  let fill = fillers.get(spec);
  if (!fill) {
    const body = Object.keys(spec.columns)
      .map((c, i) => `params[at + ${i}] = toSql(row[${JSON.stringify(c)}]);`)
      .join('\n');
    fill = new Function('toSql', `return function fill(row, params, at) {\n${body}\n}`)(toSql) as Filler;
    fillers.set(spec, fill);
  }
  return fill;
}

/** Through the one conversion both stores share (safe text, JSON as text), then booleans as 1 and 0. */
function toSql(v: Value | undefined): string | number | null {
  const sql = sqlValue(v);
  return typeof sql === 'boolean' ? (sql ? 1 : 0) : sql;
}
