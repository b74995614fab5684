import { BusinessDate, JIANGXI_REFERENCE, ReferenceData, SYSTEM_ACTOR, yuan } from '@app/domain';
import { SqliteEventStore } from '@app/event-store';
import {
  PROJECTIONS,
  ProjectionRunner,
  SqliteReadStore,
  bulletinContent,
  bulletinKnownAt,
  publishBulletin,
  replayPublications,
} from '../src';
import { smallProgramme } from './history';

const reference = new ReferenceData(JIANGXI_REFERENCE);

describe('a published bulletin', () => {
  it('is rebuilt byte for byte from the history known at its publication, after later corrections changed the month', async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    const readStore = new SqliteReadStore(':memory:');
    const catchUp = async () => {
      const runner = new ProjectionRunner(store, readStore, PROJECTIONS);
      await runner.start();
      await runner.stop();
    };
    try {
      const p = await smallProgramme(store);
      await catchUp();
      const { publication, rows } = await publishBulletin(store, readStore, reference, '2011-06');
      expect(publication).toMatchObject({ month: '2011-06', rows: rows.length, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      // Recorded after publication: a repayment made in June, and so a correction of June's figures.
      await new Promise((r) => setTimeout(r, 5));
      await p.repay(
        'C',
        { principal: yuan(10_000), interest: 0 as never, borrowerFees: yuan(0) },
        {
          commandId: 'late-june-repayment',
          actor: SYSTEM_ACTOR,
          businessDate: '2011-06-15' as BusinessDate,
        },
      );
      await catchUp();
      const now = await bulletinKnownAt(store, readStore, reference, '2011-06', new Date());
      expect(bulletinContent(now)).not.toBe(bulletinContent(rows));
      const [replayed] = await replayPublications(store, readStore, reference, '2011-06');
      expect(replayed.same).toBe(true);
      expect(bulletinContent(replayed.rows)).toBe(bulletinContent(rows));
      // Republished after the correction: both publications are kept, each reproducible.
      await publishBulletin(store, readStore, reference, '2011-06');
      const both = await replayPublications(store, readStore, reference, '2011-06');
      expect(both.map((r) => r.same)).toEqual([true, true]);
      expect(both[0].publication.contentHash).not.toBe(both[1].publication.contentHash);
    } finally {
      await readStore.close();
      await store.close();
    }
  });
});
