import { BadRequestException } from '@nestjs/common';
import { BulletinRow, Row, TableSpec } from '@app/projections';

/**
 * The API's one naming convention (docs/api.md): fields and query parameters in camelCase, amounts of money
 * in integer fen named with their unit (`…Fen`), rates in basis points with theirs (`…Bp`). The read stores
 * keep their snake_case columns; this is where they meet the API's names.
 */
export const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A column's name in the API: camelCase, and `…Fen` for an amount in fen. */
export function apiName(spec: TableSpec, column: string): string {
  const name = camel(column);
  return spec.columns[column] === 'fen' && !name.endsWith('Fen') ? `${name}Fen` : name;
}

const namings = new WeakMap<TableSpec, { names: Array<[string, string]>; columns: Map<string, string> }>();
function naming(spec: TableSpec) {
  let known = namings.get(spec);
  if (!known) {
    const names = Object.keys(spec.columns).map((c): [string, string] => [c, apiName(spec, c)]);
    known = { names, columns: new Map(names.map(([c, n]) => [n, c])) };
    namings.set(spec, known);
  }
  return known;
}

/** A ledger row as the API shows it. */
export function apiRow(spec: TableSpec, row: Row): Row {
  const out: Row = {};
  for (const [column, name] of naming(spec).names) if (column in row) out[name] = row[column];
  return out;
}

/** The column an API name stands for; an unknown name is refused with the names there are. */
export function columnOf(spec: TableSpec, name: string, what = 'field'): string {
  const column = naming(spec).columns.get(name);
  if (column) return column;
  throw new BadRequestException({
    code: 'LEDGER.BAD_QUERY',
    message: `This ledger has no ${what} ${name}; it has ${naming(spec)
      .names.map(([, n]) => n)
      .join(', ')}.`,
  });
}

/** Query filters named as the API names them, as the read store's columns; empty ones dropped. */
export function filtersOf(spec: TableSpec, filters: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(filters)) if (value !== undefined) out[columnOf(spec, name)] = value;
  return out;
}

type Periods = { month: number; yearToDate: number; cumulative: number };
const periodsFen = (p: Periods) => ({ monthFen: p.month, yearToDateFen: p.yearToDate, cumulativeFen: p.cumulative });
const figuresFen = ({ amount, ...counts }: { amount: number; loans: number; persons: number; jobs: number }) => ({
  ...counts,
  amountFen: amount,
});
const byPeriod = <T, U>(p: { month: T; yearToDate: T; cumulative: T }, f: (x: T) => U) => ({
  month: f(p.month),
  yearToDate: f(p.yearToDate),
  cumulative: f(p.cumulative),
});
const eachValue = <T, U>(record: Record<string, T>, f: (x: T) => U) =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));

/** A bulletin row as the API shows it: the same figures, each amount named with its unit. */
export function apiBulletinRow(r: BulletinRow) {
  const figures = (p: BulletinRow['disbursed']) => byPeriod(p, figuresFen);
  return {
    month: r.month,
    regionCode: r.regionCode,
    regionName: r.regionName,
    level: r.level,
    parentCode: r.parentCode,
    disbursed: figures(r.disbursed),
    byKind: eachValue(r.byKind, figures),
    byCategory: eachValue(r.byCategory, figures),
    byCounterGuarantee: eachValue(r.byCounterGuarantee, figures),
    target: r.target && (({ amount, ...rest }) => ({ ...rest, amountFen: amount }))(r.target),
    outstandingFen: r.outstanding,
    principalRepaid: periodsFen(r.principalRepaid),
    overduePrincipalFen: r.overduePrincipal,
    overdueRateBp: r.overdueRateBp,
    matured: { disbursedFen: r.matured.disbursed, repaidFen: r.matured.repaid, recoveryRateBp: r.matured.recoveryRateBp },
    compensation: { paid: periodsFen(r.compensation.paid), recovered: periodsFen(r.compensation.recovered) },
    fund: {
      capital: periodsFen(r.fund.capital),
      balanceFen: r.fund.balance,
      guaranteesOutstandingFen: r.fund.guaranteesOutstanding,
      leverageBp: r.fund.leverageBp,
    },
    subsidy: { central: periodsFen(r.subsidy.central), local: periodsFen(r.subsidy.local) },
  };
}
