import { BULLETIN_HORIZON, BULLETIN_MONTHS, BULLETIN_PENDING, BULLETIN_TARGETS, bulletin } from '../ledgers/bulletin';
import { MemoryTx } from '../memory-tx';
import { decode } from '../query';
import { ReadStore, tableSpec } from '../read-store';
import { Row } from '../projection';
import { ScopeFigures, previousInYear, rollForward } from './month-figures';

/** What a bulletin for a month is built from: each scope's snapshot at that month's end and the month before, and the year's targets. */
export interface BulletinFacts {
  byMonth: Record<string, ScopeFigures[]>;
  targets: Row[];
}

/** A month's snapshots, or for a month after the horizon, the horizon's rolled forward over the flows waiting for later months. */
export function assembleFacts(
  month: string,
  horizon: string | undefined,
  snapshots: Map<string, ScopeFigures[]>,
  pending: Row[],
  targets: Row[],
) {
  const waiting = new Map(pending.map((p) => [p.month as string, p.flows as Record<string, number>]));
  const at = (m: string) =>
    horizon === undefined ? [] : m <= horizon ? (snapshots.get(m) ?? []) : rollForward(snapshots.get(horizon) ?? [], horizon, m, waiting);
  const months = [month, previousInYear(month)].filter((m): m is string => !!m);
  return { byMonth: Object.fromEntries(months.map((m) => [m, at(m)])), targets };
}

/** The months whose snapshots a bulletin for `month` reads: it and the month before, or the horizon for months beyond it. */
export function monthsToRead(month: string, horizon: string | undefined): string[] {
  if (horizon === undefined) return [];
  return [...new Set([month, previousInYear(month)].filter((m): m is string => !!m).map((m) => (m > horizon ? horizon : m)))];
}

export const groupByMonth = (rows: Row[]) => {
  const out = new Map<string, ScopeFigures[]>();
  for (const r of rows) {
    const list = out.get(r.month as string) ?? [];
    list.push({ scope: r.scope as string, figures: r.figures as ScopeFigures['figures'] });
    out.set(r.month as string, list);
  }
  return out;
};

/** The bulletin's facts for a month from the read store: a few hundred snapshot rows read by key. */
export async function loadBulletinFacts(store: ReadStore, month: string): Promise<BulletinFacts> {
  const [[h], targets] = await Promise.all([
    store.query(`SELECT month FROM ${BULLETIN_HORIZON}`),
    store.query(`SELECT * FROM ${BULLETIN_TARGETS} WHERE year = ?`, [Number(month.slice(0, 4))]),
  ]);
  const horizon = h?.month as string | undefined;
  const months = monthsToRead(month, horizon);
  const [snapshots, pending] = await Promise.all([
    months.length
      ? store.query(`SELECT * FROM ${BULLETIN_MONTHS} WHERE month IN (${months.map(() => '?').join(', ')})`, months)
      : Promise.resolve([]),
    horizon !== undefined && month > horizon
      ? store.query(`SELECT * FROM ${BULLETIN_PENDING} WHERE month > ? AND month <= ?`, [horizon, month])
      : Promise.resolve([]),
  ]);
  const spec = (t: string) => tableSpec(bulletin, t);
  return assembleFacts(
    month,
    horizon,
    groupByMonth(snapshots.map((r) => decode(spec(BULLETIN_MONTHS), r))),
    pending.map((r) => decode(spec(BULLETIN_PENDING), r)),
    targets,
  );
}

/** The same facts from a fold in memory (tests, and history as of a date). */
export function bulletinFactsFrom(tx: MemoryTx, month: string): BulletinFacts {
  const horizon = tx.rows(BULLETIN_HORIZON)[0]?.month as string | undefined;
  const months = new Set(monthsToRead(month, horizon));
  const year = Number(month.slice(0, 4));
  return assembleFacts(
    month,
    horizon,
    groupByMonth(tx.rows(BULLETIN_MONTHS).filter((r) => months.has(r.month as string))),
    tx.rows(BULLETIN_PENDING).filter((r) => horizon !== undefined && (r.month as string) > horizon && (r.month as string) <= month),
    tx.rows(BULLETIN_TARGETS).filter((t) => t.year === year),
  );
}
