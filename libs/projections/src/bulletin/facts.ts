import { BULLETIN_FLOWS, BULLETIN_FUND_FLOWS, BULLETIN_MATURITY, BULLETIN_TARGETS } from '../ledgers/bulletin';
import { MemoryTx } from '../memory-tx';
import { ReadStore } from '../read-store';
import { BulletinFacts } from './build-bulletin';
import { Row } from '../projection';

/**
 * The bulletin's facts up to a month from the read store, summed in SQL: per county, metric and dimension
 * the part before the year, the year before the month, and the month (rows dated to stand for each), so
 * the bulletin reads thousands of rows instead of every county's every month.
 */
export async function loadBulletinFacts(store: ReadStore, month: string): Promise<BulletinFacts> {
  const yearStart = `${month.slice(0, 4)}-01`;
  const [sums, matured, targets, fundFlows] = await Promise.all([
    store.query(
      `SELECT county_code, metric, dim, SUM(value) AS total, SUM(CASE WHEN month >= ? THEN value ELSE 0 END) AS year,
      SUM(CASE WHEN month = ? THEN value ELSE 0 END) AS this_month FROM ${BULLETIN_FLOWS} WHERE month <= ? GROUP BY county_code, metric, dim`,
      [yearStart, month, month],
    ),
    store.query(
      `SELECT county_code, SUM(CASE WHEN paid_month = '' THEN amount ELSE 0 END) AS disbursed, SUM(CASE WHEN paid_month <> '' AND paid_month <= ? THEN amount ELSE 0 END) AS repaid
      FROM ${BULLETIN_MATURITY} WHERE maturity_month <= ? GROUP BY county_code`,
      [month, month],
    ),
    store.query(`SELECT * FROM ${BULLETIN_TARGETS} WHERE year = ?`, [Number(month.slice(0, 4))]),
    store.query(`SELECT * FROM ${BULLETIN_FUND_FLOWS} WHERE month <= ?`, [month]),
  ]);
  const flows: Row[] = [];
  for (const r of sums) {
    const [total, year, thisMonth] = [Number(r.total), Number(r.year), Number(r.this_month)];
    const part = (at: string, value: number) => {
      if (value !== 0) flows.push({ county_code: r.county_code, metric: r.metric, dim: r.dim, month: at, value });
    };
    part('0000-00', total - year);
    part(yearStart, year - thisMonth);
    part(month, thisMonth);
  }
  const maturity = matured.flatMap((r) => [
    { county_code: r.county_code, maturity_month: '0000-00', paid_month: '', amount: Number(r.disbursed) },
    { county_code: r.county_code, maturity_month: '0000-00', paid_month: '0000-00', amount: Number(r.repaid) },
  ]);
  return { flows, maturity, targets, fundFlows };
}

/** The same facts from a fold in memory (tests, and history as of a date). */
export function bulletinFactsFrom(tx: MemoryTx): BulletinFacts {
  return {
    flows: tx.rows(BULLETIN_FLOWS),
    maturity: tx.rows(BULLETIN_MATURITY),
    targets: tx.rows(BULLETIN_TARGETS),
    fundFlows: tx.rows(BULLETIN_FUND_FLOWS),
  };
}
