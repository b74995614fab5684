import { BULLETIN_FLOWS, BULLETIN_FUND_FLOWS, BULLETIN_MATURITY, BULLETIN_TARGETS } from '../ledgers/bulletin';
import { MemoryTx } from '../memory-tx';
import { ReadStore } from '../read-store';
import { BulletinFacts } from './build-bulletin';

/** The bulletin's facts up to a month from the read store. */
export async function loadBulletinFacts(store: ReadStore, month: string): Promise<BulletinFacts> {
  const [flows, maturity, targets, fundFlows] = await Promise.all([
    store.query(`SELECT * FROM ${BULLETIN_FLOWS} WHERE month <= ?`, [month]),
    store.query(`SELECT * FROM ${BULLETIN_MATURITY} WHERE maturity_month <= ?`, [month]),
    store.query(`SELECT * FROM ${BULLETIN_TARGETS} WHERE year = ?`, [Number(month.slice(0, 4))]),
    store.query(`SELECT * FROM ${BULLETIN_FUND_FLOWS} WHERE month <= ?`, [month]),
  ]);
  return { flows, maturity, targets, fundFlows };
}

/** The same facts from a fold in memory (tests, and history as of a date). */
export function bulletinFactsFrom(tx: MemoryTx): BulletinFacts {
  return { flows: tx.rows(BULLETIN_FLOWS), maturity: tx.rows(BULLETIN_MATURITY), targets: tx.rows(BULLETIN_TARGETS), fundFlows: tx.rows(BULLETIN_FUND_FLOWS) };
}
