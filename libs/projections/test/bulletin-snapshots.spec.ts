import { JIANGXI_REFERENCE, ReferenceData } from '@app/domain';
import {
  MemoryTx,
  ProjectedEvent,
  ReadStore,
  SqliteReadStore,
  buildBulletin,
  bulletin,
  bulletinFactsFrom,
  loadBulletinFacts,
} from '../src';
import { nextMonth } from '../src/bulletin/month-figures';
import { ProjectionState } from '../src/state';

/**
 * The bulletin keeps a snapshot per scope and month end. These histories arrive out of business order, so
 * each snapshot must take in flows dated to earlier months, and flows dated after the last month reached.
 */
const reference = new ReferenceData(JIANGXI_REFERENCE);
const COUNTY = '360721';
let seq = 0;
const event = (type: string, businessDate: string, data: Record<string, unknown>): ProjectedEvent => ({
  id: `e${++seq}`,
  type,
  streamName: `s-${seq}`,
  data,
  businessDate,
  recordedAt: new Date(Date.UTC(2020, 0, 1, 0, 0, seq)),
});
const contribution = (businessDate: string, amount: number) =>
  event('GuaranteeFundContributed', businessDate, { fundId: `GC-${COUNTY}`, amount, source: 'county_finance' });

/** The bulletin for a month from the projection's rows in memory and in SQLite (written in batches of two events). */
async function bulletins(events: ProjectedEvent[], months: string[]) {
  const memory = MemoryTx.foldNow(bulletin, events);
  const sql = new SqliteReadStore(':memory:');
  await writeInBatches(sql, events);
  const out = [];
  for (const month of months) {
    const fromMemory = buildBulletin(bulletinFactsFrom(memory, month), reference, month).find((r) => r.regionCode === COUNTY)!;
    const fromSql = buildBulletin(await loadBulletinFacts(sql, month), reference, month).find((r) => r.regionCode === COUNTY)!;
    expect(fromSql).toEqual(fromMemory);
    out.push(fromMemory);
  }
  await sql.close();
  return out;
}

async function writeInBatches(store: ReadStore, events: ProjectedEvent[]) {
  const state = new ProjectionState(bulletin);
  await store.begin(bulletin, 1);
  for (let i = 0; i < events.length; i += 2) {
    for (const e of events.slice(i, i + 2)) bulletin.apply(e, state);
    await store.commit([{ projection: bulletin, generation: 1, changes: state.take(), checkpoint: null, processed: i, writes: i / 2 }]);
  }
  await store.activate(bulletin, 1, Math.ceil(events.length / 2));
}

const monthsBetween = (from: string, to: string) => {
  const out: string[] = [];
  for (let m = from; m <= to; m = nextMonth(m)) out.push(m);
  return out;
};

describe('bulletin snapshots', () => {
  it('counts a flow dated to an earlier month in that month, its year to date and every later cumulative', async () => {
    const history = [
      contribution('2011-03-10', 1_000),
      contribution('2011-05-02', 2_000),
      contribution('2011-01-31', 500), // back-dated across two snapshots
      contribution('2012-02-01', 700),
      contribution('2011-12-15', 300), // back-dated across a year end
      contribution('2012-02-20', 40),
    ];
    const months = monthsBetween('2010-12', '2012-04');
    const rows = await bulletins(history, months);
    months.forEach((month, i) => {
      const sum = (keep: (date: string) => boolean) =>
        history.filter((e) => keep(e.businessDate.slice(0, 7))).reduce((a, e) => a + (e.data.amount as number), 0);
      expect({ month, capital: rows[i].fund.capital }).toEqual({
        month,
        capital: {
          month: sum((m) => m === month),
          yearToDate: sum((m) => m <= month && m.slice(0, 4) === month.slice(0, 4)),
          cumulative: sum((m) => m <= month),
        },
      });
      expect(rows[i].fund.balance).toBe(sum((m) => m <= month));
    });
  });

  it('counts principal maturing after the last event in the month it matures, before and after that month is reached', async () => {
    const applied = event('LoanApplied', '2011-01-05', {
      loanId: 'L1',
      countyCode: COUNTY,
      kind: 'individual',
      categories: ['woman'],
      counterGuarantee: { mode: 'third_party_guarantor' },
      personsSupported: 1,
      jobsPlanned: 2,
    });
    const disbursed = event('Disbursed', '2011-01-20', { loanId: 'L1', amount: 5_000_000, maturityDate: '2013-01-20' });
    const early = await bulletins([applied, disbursed], ['2012-12', '2013-01', '2013-06']);
    expect(early.map((r) => r.matured.disbursed)).toEqual([0, 5_000_000, 5_000_000]);
    // Once later months are reached, the snapshots say the same.
    const later = await bulletins([applied, disbursed, contribution('2013-07-01', 1)], ['2012-12', '2013-01', '2013-06']);
    expect(later.map((r) => r.matured.disbursed)).toEqual([0, 5_000_000, 5_000_000]);
    expect(later.map((r) => r.outstanding)).toEqual([5_000_000, 5_000_000, 5_000_000]);
  });
});

describe('bulletin ranks', () => {
  const loan = (id: string, county: string, date: string, amount: number) => [
    event('LoanApplied', date, {
      loanId: id,
      countyCode: county,
      kind: 'individual',
      categories: ['woman'],
      counterGuarantee: { mode: 'third_party_guarantor' },
      personsSupported: 1,
      jobsPlanned: 1,
    }),
    event('Disbursed', date, { loanId: id, amount, maturityDate: '2013-01-01' }),
  ];
  const target = (regionCode: string) => event('AnnualTargetSet', '2011-01-01', { regionCode, year: 2011, loans: 10, amount: 1_000_000 });

  it("ranks counties among their city's by completion of the amount target, and says how each moved since the month before", () => {
    // 赣县 (360721) leads in February; 信丰 (360722) overtakes it in March.
    const history = [
      target('360721'),
      target('360722'),
      ...loan('A', '360721', '2011-02-10', 300_000),
      ...loan('B', '360722', '2011-02-11', 100_000),
      ...loan('C', '360722', '2011-03-05', 400_000),
    ];
    const tx = MemoryTx.foldNow(bulletin, history);
    const ranks = (month: string) =>
      buildBulletin(bulletinFactsFrom(tx, month), reference, month)
        .filter((r) => r.regionCode === '360721' || r.regionCode === '360722')
        .map((r) => [r.regionCode, r.target!.rank, r.target!.rankChange]);
    expect(ranks('2011-02')).toEqual([
      ['360721', 1, 0],
      ['360722', 2, 0],
    ]);
    expect(ranks('2011-03')).toEqual([
      ['360721', 2, -1],
      ['360722', 1, 1],
    ]);
  });
});
