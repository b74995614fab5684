import { EventStore } from '@app/event-store';
import { loanStream } from '@app/domain';
import { BUSINESS_LEDGER, businessLedger } from './ledgers/business-ledger';
import { FUNDS, FUND_EXPOSURE_CHANGES, FUND_MOVEMENTS, Fund, emptyFund, fundLedger } from './ledgers/fund-ledger';
import { JOURNAL, financialLedger } from './ledgers/financial-ledger';
import { MemoryTx } from './memory-tx';
import { Projection, Row } from './projection';
import { Page, LedgerQuery, queryLedger, queryRows, whereClause } from './query';
import { ReadStore, tableSpec } from './read-store';
import { toProjected } from './runner';
import { AsOf, happenedBy, oneAtATime, projectAsOf } from './time-travel';

/**
 * Ledgers as of a business date or as known at a time, answered from the stored tables instead of a fold
 * of the whole history (`projectAsOf`), so that the time does not grow with the history's length:
 *
 * - a loan's row of the business ledger follows from the events of its own stream alone, so the loans a
 *   query asks for are found in the stored table and only their streams are folded;
 * - a fund movement, a change of a fund's guarantees and a journal line follow from their own event alone,
 *   so the rows of those events that pass the two clocks are the answer, with the running balance and
 *   numbering recounted in SQL, and a fund's figures summed from them.
 *
 * Each gives exactly what the full fold gives; `ledgers-as-of.spec.ts` compares them at many points.
 */

/**
 * A ledger's rows as of a point: from the stored tables where they hold the answer (the projection must have
 * caught up with the events), else a fold of the history.
 */
export async function ledgerAsOf(store: EventStore, readStore: ReadStore, p: Projection, table: string, asOf: AsOf, q: LedgerQuery) {
  if (table === BUSINESS_LEDGER) return businessLedgerAsOf(store, readStore, asOf, q);
  if (table === FUND_MOVEMENTS) return fundMovementsAsOf(readStore, asOf, q);
  if (table === FUNDS) return fundsAsOf(readStore, asOf, q);
  if (table === JOURNAL) return journalAsOf(readStore, asOf, q);
  return queryRows(p, table, (await projectAsOf(store, p, asOf)).rows(table), q);
}

/** Columns that the application sets and no later event changes: a query on these alone is paged in SQL. */
const SET_AT_APPLICATION = new Set([
  'loan_id',
  'borrower_id',
  'masked_id_number',
  'kind',
  'categories',
  'micro_profit',
  'project_name',
  'industry',
  'county_code',
  'city_code',
  'centre_id',
  'bank_code',
  'branch_id',
  'counter_guarantee',
  'persons_supported',
  'jobs_planned',
  'previous_loan_id',
  'term_months',
  'applied_on',
  'applied_at',
]);

/** Loans' streams read at once; the embedded store answers each in microseconds, EventStoreDB in a round trip. */
const STREAMS_AT_ONCE = 32;

/** The business ledger as of a point in the two clocks: a page (or every row) of a query. */
export async function businessLedgerAsOf(store: EventStore, readStore: ReadStore, asOf: AsOf, q: LedgerQuery): Promise<Page> {
  const spec = tableSpec(businessLedger, BUSINESS_LEDGER);
  // A loan is in the ledger as of the point when its application is: applied by the date, recorded by the time.
  const atMost = {
    ...(asOf.businessDate && { applied_on: asOf.businessDate }),
    ...(asOf.knownAt && { applied_at: asOf.knownAt.toISOString() }),
  };
  const fixed = (c: string) => SET_AT_APPLICATION.has(c);
  const filters = Object.fromEntries(Object.entries(q.filters ?? {}).filter(([c]) => fixed(c)));
  const tag = q.tag && fixed(q.tag[0]) ? q.tag : undefined;
  const range = q.range && fixed(q.range[0]) ? q.range : undefined;
  const pagedInSql =
    Object.keys(filters).length === Object.keys(q.filters ?? {}).length && range === q.range && tag === q.tag && fixed(q.sort ?? 'loan_id');
  if (pagedInSql && !q.unpaged) {
    // The page's loans are known from the stored table; only theirs are folded, in the page's order.
    const page = await queryLedger(readStore, businessLedger, BUSINESS_LEDGER, { ...q, atMost });
    const folded = await foldLoans(
      store,
      page.rows.map((r) => r.loan_id as string),
      asOf,
    );
    const rows = page.rows.map((r) => folded.get<Row>(BUSINESS_LEDGER, { loan_id: r.loan_id }));
    return { ...page, rows: rows.filter((r): r is Row => r !== undefined) };
  }
  // A query on what changes after the application (status, amounts, dates) folds every loan it could match.
  return oneAtATime(async () => {
    const { clause, params } = whereClause(spec, { filters, range, tag, atMost });
    const ids = await readStore.query(`SELECT loan_id FROM "${BUSINESS_LEDGER}" ${clause}`, params);
    const folded = await foldLoans(
      store,
      ids.map((r) => r.loan_id as string),
      asOf,
    );
    return queryRows(businessLedger, BUSINESS_LEDGER, folded.rows(BUSINESS_LEDGER), q);
  });
}

/** The business ledger's rows of these loans, folded from their own streams' events that pass the two clocks. */
async function foldLoans(store: EventStore, loanIds: string[], asOf: AsOf): Promise<MemoryTx> {
  const tx = new MemoryTx(businessLedger);
  const types = new Set(businessLedger.eventTypes);
  for (let i = 0; i < loanIds.length; i += STREAMS_AT_ONCE) {
    const streams = await Promise.all(loanIds.slice(i, i + STREAMS_AT_ONCE).map((id) => store.readStream(loanStream(id))));
    for (const recorded of streams.flat()) {
      if (!types.has(recorded.type)) continue;
      const e = toProjected(recorded);
      if (happenedBy(e, asOf)) businessLedger.apply(e, tx);
    }
    if (i + STREAMS_AT_ONCE < loanIds.length) await new Promise((resolve) => setImmediate(resolve));
  }
  return tx;
}

/** The stored rows of the events that pass the two clocks (`business_date`, `recorded_at`), as SQL conditions. */
function passes(asOf: AsOf): { where: string; params: string[] } {
  const where = ['1 = 1'];
  const params: string[] = [];
  if (asOf.businessDate) {
    where.push('business_date <= ?');
    params.push(asOf.businessDate);
  }
  if (asOf.knownAt) {
    where.push('recorded_at <= ?');
    params.push(asOf.knownAt.toISOString());
  }
  return { where: where.join(' AND '), params };
}

/**
 * The fund movements as of a point: the stored movements of the events that pass the two clocks, numbered
 * again and with the running balance summed again over those alone, as a fold of those events would.
 */
export function fundMovementsAsOf(readStore: ReadStore, asOf: AsOf, q: LedgerQuery): Promise<Page> {
  const { where, params } = passes(asOf);
  const sql = `SELECT fund_id, CAST(row_number() OVER w AS BIGINT) AS seq, event_id, business_date, recorded_at, kind, source, reference,
      loan_id, cash_in, cash_out, written_off, CAST(sum(cash_in - cash_out) OVER w AS BIGINT) AS balance_after
    FROM "${FUND_MOVEMENTS}" WHERE ${where} WINDOW w AS (PARTITION BY fund_id ORDER BY seq)`;
  return queryLedger(readStore, fundLedger, FUND_MOVEMENTS, q, { sql, params });
}

/** Each fund's figures as of a point: sums of its movements and of the changes of its guarantees by then. */
export async function fundsAsOf(readStore: ReadStore, asOf: AsOf, q: LedgerQuery): Promise<Page> {
  const { where, params } = passes(asOf);
  const [movements, exposure] = await Promise.all([
    readStore.query(
      `SELECT fund_id, kind, source, count(*) AS n, sum(cash_in) AS cash_in, sum(cash_out) AS cash_out, sum(written_off) AS written_off
       FROM "${FUND_MOVEMENTS}" WHERE ${where} GROUP BY fund_id, kind, source`,
      params,
    ),
    readStore.query(
      `SELECT fund_id, sum(exposure) AS exposure, sum(guarantees) AS guarantees FROM "${FUND_EXPOSURE_CHANGES}" WHERE ${where} GROUP BY fund_id`,
      params,
    ),
  ]);
  const funds = new Map<string, Fund>();
  const fund = (id: string) => funds.get(id) ?? funds.set(id, emptyFund(id)).get(id)!;
  for (const m of movements) {
    const f = fund(m.fund_id as string);
    const [cashIn, cashOut] = [Number(m.cash_in), Number(m.cash_out)];
    f.balance += cashIn - cashOut;
    f.movements += Number(m.n);
    if (m.kind === 'contribution') {
      f.contributed += cashIn;
      const source = m.source as string;
      f.contributed_by_source = { ...f.contributed_by_source, [source]: (f.contributed_by_source[source] ?? 0) + cashIn };
    }
    if (m.kind === 'compensation') f.compensation_paid += cashOut;
    if (m.kind === 'compensation_reversed') f.compensation_paid -= cashIn;
    if (m.kind === 'recovery') f.recovered += cashIn;
    if (m.kind === 'write_off') f.written_off += Number(m.written_off);
  }
  for (const x of exposure) {
    const f = fund(x.fund_id as string);
    f.exposure += Number(x.exposure);
    f.guarantees_open += Number(x.guarantees);
  }
  for (const f of funds.values()) f.leverage_bp = f.balance > 0 ? Math.round((f.exposure * 10_000) / f.balance) : null;
  return queryRows(fundLedger, FUNDS, [...funds.values()], q);
}

/** The journal as of a point: the lines of the events dated and recorded by then. */
export function journalAsOf(readStore: ReadStore, asOf: AsOf, q: LedgerQuery): Promise<Page> {
  const { where, params } = passes(asOf);
  return queryLedger(readStore, financialLedger, JOURNAL, q, { sql: `SELECT * FROM "${JOURNAL}" WHERE ${where}`, params });
}
