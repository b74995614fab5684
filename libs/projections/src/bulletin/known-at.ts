import { EventStore, RecordedEvent, comparePositions, positionFromString } from '@app/event-store';
import {
  BULLETIN_HORIZON,
  BULLETIN_LOANS,
  BULLETIN_MONTHS,
  BULLETIN_PENDING,
  BULLETIN_TARGETS,
  bulletin,
  bulletinProjection,
} from '../ledgers/bulletin';
import { ProjectedEvent, Row } from '../projection';
import { decode } from '../query';
import { ReadStore, tableSpec } from '../read-store';
import { toProjected } from '../runner';
import { ProjectionState } from '../state';
import { BulletinFacts, assembleFacts, groupByMonth, monthsToRead } from './facts';
import { MonthFigures, ScopeFigures } from './month-figures';
import { BULLETIN_EPOCHS, BULLETIN_KNOWN, BULLETIN_META } from './versioned';

/**
 * The bulletin's facts for a month as the system knew them at an instant, from stored state: the rows as they
 * stood at the end of the epoch before the one that instant falls in, plus a fold of that epoch's events
 * recorded by then. The fold starts from empty figures (what it adds) and from the stored rows of the loans
 * it touches; every step of the snapshots is a sum, so the two add up to exactly what a fold of the whole
 * history up to that instant gives. Its cost is one epoch of events, whatever the length of the history.
 *
 * The log's order is taken to be the order of recording (a copied history keeps both).
 */
export async function bulletinFactsKnownAt(store: EventStore, readStore: ReadStore, month: string, knownAt: Date): Promise<BulletinFacts> {
  const [epoch] = await readStore.query(`SELECT * FROM ${BULLETIN_EPOCHS} WHERE first_recorded_at <= ? ORDER BY epoch DESC LIMIT 1`, [
    knownAt.toISOString(),
  ]);
  if (!epoch) return assembleFacts(month, undefined, new Map(), [], []);
  const e = Number(epoch.epoch);
  const [next] = await readStore.query(`SELECT first_position FROM ${BULLETIN_EPOCHS} WHERE epoch = ?`, [e + 1]);
  const base = await storedAt(readStore, month, e - 1);
  const tail = await eventsOfEpoch(store, epoch.first_position as string | null, next?.first_position as string | undefined, knownAt);
  const loanIds = [...new Set(tail.map((t) => t.data.loanId).filter((id): id is string => typeof id === 'string'))];
  const added = foldTail(tail, e, base.horizon, await loansAt(readStore, loanIds, e - 1));
  return sumFacts(month, base.facts, added(month));
}

/** The facts from the rows as they stood at the end of an epoch (nothing before the first). */
async function storedAt(readStore: ReadStore, month: string, epoch: number) {
  if (epoch < 0) return { horizon: undefined, facts: assembleFacts(month, undefined, new Map(), [], []) };
  const [h] = await versions(readStore, `kind = 'horizon'`, [], epoch);
  const horizon = h && (parse(h.row) as { month: string }).month;
  const months = monthsToRead(month, horizon);
  const [snapshots, pending, targets] = await Promise.all([
    months.length ? versions(readStore, `kind = 'month' AND month IN (${months.map(() => '?').join(', ')})`, months, epoch) : [],
    horizon !== undefined && month > horizon
      ? versions(readStore, `kind = 'pending' AND month > ? AND month <= ?`, [horizon, month], epoch)
      : [],
    versions(readStore, `kind = 'target'`, [], epoch),
  ]);
  const year = Number(month.slice(0, 4));
  return {
    horizon,
    facts: assembleFacts(
      month,
      horizon,
      groupByMonth(rowsOf(snapshots)),
      rowsOf(pending),
      rowsOf(targets).filter((t) => t.year === year),
    ),
  };
}

const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as Row;

/** Of each row the condition picks, its version as it stood at the end of the epoch: the latest by then. */
function versions(readStore: ReadStore, where: string, params: unknown[], epoch: number) {
  return readStore.query(
    `SELECT k.month, k.key, k.epoch, k.row FROM ${BULLETIN_KNOWN} k JOIN (SELECT kind, month, key, max(epoch) AS epoch
       FROM ${BULLETIN_KNOWN} WHERE ${where} AND epoch <= ? GROUP BY kind, month, key) latest USING (kind, month, key, epoch)`,
    [...params, epoch],
  );
}

/** The rows the versions hold. */
const rowsOf = (versions: Row[]) => versions.map((v) => parse(v.row));

/** The loans as they stood at the end of an epoch: the fixed part from their live rows, the rest from their latest versions. */
async function loansAt(readStore: ReadStore, ids: string[], epoch: number): Promise<Row[]> {
  if (epoch < 0 || ids.length === 0) return [];
  const out: Row[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const marks = chunk.map(() => '?').join(', ');
    const [changing, fixed] = await Promise.all([
      versions(readStore, `kind = 'loan' AND month = '' AND key IN (${marks})`, chunk, epoch),
      readStore.query(`SELECT * FROM ${BULLETIN_LOANS} WHERE loan_id IN (${marks})`, chunk),
    ]);
    const live = new Map(fixed.map((r) => [r.loan_id as string, decode(tableSpec(bulletin, BULLETIN_LOANS), r)]));
    // A loan with no version by then was applied for later: the fold meets its application.
    for (const version of changing) out.push({ ...live.get(version.key as string)!, ...parse(version.row) });
  }
  return out;
}

/** The epoch's events of the bulletin's types recorded by the instant, from its first position to the next epoch's. */
async function eventsOfEpoch(store: EventStore, from: string | null, until: string | undefined, knownAt: Date) {
  const types = new Set(bulletin.eventTypes);
  const end = until ? positionFromString(until) : undefined;
  const out: ProjectedEvent[] = [];
  const PAGE = 2_000;
  const filter = { eventTypePrefixes: [...bulletin.eventTypes] }; // the store skips the others before decoding them
  let page: RecordedEvent[] = await store.readAll({ fromPosition: from ? positionFromString(from) : 'start', maxCount: PAGE, filter });
  let first = true;
  for (;;) {
    for (const [i, event] of page.entries()) {
      if (!first && i === 0) continue; // a page after the first starts with the last event of the one before
      if (end && comparePositions(event.position, end) >= 0) return out;
      if (!types.has(event.type)) continue;
      const p = toProjected(event);
      if (p.recordedAt > knownAt) return out; // the log's order is the order of recording: the rest came later
      out.push(p);
    }
    if (page.length < PAGE) return out;
    first = false;
    page = await store.readAll({ fromPosition: page[page.length - 1].position, maxCount: PAGE, filter });
  }
}

/** What the epoch's events add: a fold from empty figures, the horizon as stored, and the loans' stored rows. */
function foldTail(events: ProjectedEvent[], epoch: number, horizon: string | undefined, loans: Row[]) {
  const projection = bulletinProjection(Infinity);
  const tx = new ProjectionState(projection); // rows shared, not copied: this fold is its only user
  tx.load(BULLETIN_META, { id: 'meta', epoch, events: 0 });
  if (horizon !== undefined) tx.load(BULLETIN_HORIZON, { id: 'horizon', month: horizon, scopes: [], epoch });
  for (const loan of loans) tx.load(BULLETIN_LOANS, loan);
  for (const e of events) projection.apply(e, tx);
  return (month: string) =>
    assembleFacts(
      month,
      tx.rows(BULLETIN_HORIZON)[0]?.month as string | undefined,
      groupByMonth(tx.rows(BULLETIN_MONTHS)),
      tx.rows(BULLETIN_PENDING),
      tx.rows(BULLETIN_TARGETS),
    );
}

/** The stored facts plus what the epoch's events add: figures summed, targets set later replacing earlier ones. */
function sumFacts(month: string, base: BulletinFacts, more: BulletinFacts): BulletinFacts {
  const months = Object.keys(base.byMonth);
  const byMonth: Record<string, ScopeFigures[]> = {};
  for (const month of months) {
    const sums = new Map<string, MonthFigures>();
    for (const { scope, figures } of [...base.byMonth[month], ...(more.byMonth[month] ?? [])]) {
      const into = sums.get(scope) ?? {};
      for (const key in figures) {
        const f = (into[key] ??= [0, 0, 0]);
        f[0] += figures[key][0];
        f[1] += figures[key][1];
        f[2] += figures[key][2];
      }
      sums.set(scope, into);
    }
    byMonth[month] = [...sums].map(([scope, figures]) => ({ scope, figures }));
  }
  const year = Number(month.slice(0, 4));
  const targets = new Map(base.targets.map((t) => [t.region_code, t]));
  for (const t of more.targets) if (t.year === year) targets.set(t.region_code, t);
  return { byMonth, targets: [...targets.values()] };
}
