import type { EventStore } from '@app/event-store';
import { Projection, Row } from './projection';
import { ReadStore, keyOf } from './read-store';
import { ProjectionRunner } from './runner';
import { SqliteReadStore } from './sqlite/sqlite-read-store';
import { decode } from './query';

/** The first row of a table where the live projection and its rebuild from the first event differ. */
export interface ProjectionDifference {
  projection: string;
  table: string;
  key: string;
  live?: Row;
  rebuilt?: Row;
}

export interface ProjectionComparison {
  /** Rows compared, over every table of every projection. */
  rows: number;
  /** At most one difference per table: the first by primary key. */
  differences: ProjectionDifference[];
  /** Whether both sides had folded the same events (the history did not grow between their catch-ups). */
  samePosition: boolean;
}

const checkpoints = async (store: ReadStore, projections: Projection[]) =>
  Promise.all(projections.map(async (p) => (await store.generations(p.name)).find((g) => g.status === 'active')?.checkpoint ?? null));

async function catchUp(events: EventStore, store: ReadStore, projections: Projection[]) {
  const runner = new ProjectionRunner(events, store, projections);
  await runner.start();
  await runner.stop();
}

/**
 * Rebuilds every projection from the first event into a scratch SQLite file and compares it with the
 * live tables row by row, after bringing both to the same place in the history (a history that keeps
 * growing is caught up with again, a few times). A difference means the live tables do not follow from
 * the history: they were edited, or a projection's code changed without a new version.
 */
export async function compareWithRebuild(
  events: EventStore,
  live: ReadStore,
  projections: Projection[],
  scratchFile: string,
): Promise<ProjectionComparison> {
  const rebuilt = new SqliteReadStore(scratchFile);
  try {
    let samePosition = false;
    for (let attempt = 0; attempt < 3 && !samePosition; attempt++) {
      await catchUp(events, live, projections);
      await catchUp(events, rebuilt, projections);
      const [a, b] = [await checkpoints(live, projections), await checkpoints(rebuilt, projections)];
      samePosition = a.every((c, i) => c === b[i]);
    }
    const differences: ProjectionDifference[] = [];
    let rows = 0;
    for (const p of projections)
      for (const spec of p.tables) {
        const load = async (store: ReadStore) => {
          const byKey = new Map<string, Row>();
          for (const r of await store.query(`SELECT * FROM "${spec.name}"`)) {
            const row = decode(spec, r);
            byKey.set(keyOf(spec, row), row);
          }
          return byKey;
        };
        const [mine, theirs] = [await load(live), await load(rebuilt)];
        const keys = [...new Set([...mine.keys(), ...theirs.keys()])].sort();
        rows += keys.length;
        const first = keys.find((k) => JSON.stringify(mine.get(k)) !== JSON.stringify(theirs.get(k)));
        if (first !== undefined)
          differences.push({ projection: p.name, table: spec.name, key: first, live: mine.get(first), rebuilt: theirs.get(first) });
      }
    return { rows, differences, samePosition };
  } finally {
    await rebuilt.close();
  }
}
