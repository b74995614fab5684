import { SqliteEventStore, copyHistory } from '@app/event-store';
import { EsdbEventStore } from '@app/event-store/esdb/esdb-event-store';
import { PROJECTIONS, toProjected } from '@app/projections';
import { foldedRows } from '../libs/projections/test/rows';
import { eventStoreDbForTest } from './support/esdb';
import { smallProgramme } from '../libs/projections/test/history';

/** Moving a programme from the embedded file to EventStoreDB loses nothing, and can be interrupted. */
describe('copying the history to EventStoreDB', () => {
  it('keeps streams, revisions, ids and metadata, resumes after an interruption, and rebuilds identical ledgers', async () => {
    const source = new SqliteEventStore({ path: ':memory:' });
    await smallProgramme(source);
    const server = await eventStoreDbForTest();
    const target = new EsdbEventStore(server.connectionString);
    try {
      const first = await copyHistory(source, target, { pageSize: 7, stopAfter: 12 });
      expect(first.copied).toBeGreaterThanOrEqual(12);
      const rest = await copyHistory(source, target, { pageSize: 7 });
      const all = (await source.readAll()).length;
      expect(first.copied + rest.copied).toBe(all);
      expect((await copyHistory(source, target)).copied).toBe(0);

      const [from, to] = [await source.readAll(), await target.readAll()];
      const shape = (e: (typeof from)[number]) => {
        const { recordedAt: _r, copiedFrom: _c, ...metadata } = e.metadata as Record<string, unknown>;
        return { stream: e.streamName, revision: e.revision, id: e.id, type: e.type, data: e.data, metadata };
      };
      expect(to.map(shape)).toEqual(from.map(shape));
      expect((to[0].metadata as { recordedAt: string }).recordedAt).toBe(from[0].created.toISOString());

      // Every row the same, but where an epoch of the bulletin's versions starts: a place in each store's own log.
      const withoutPositions = (rows: string[]) => rows.map((r) => r.replace(/"first_position":"[^"]*"/, '"first_position":"…"'));
      for (const p of PROJECTIONS) {
        for (const t of p.tables)
          expect(withoutPositions(await foldedRows(p, to.map(toProjected), t.name))).toEqual(
            withoutPositions(await foldedRows(p, from.map(toProjected), t.name)),
          );
      }
    } finally {
      await target.close();
      await server.stop();
      await source.close();
    }
  });
});
