/**
 * A scope's figures at a month's end, by `metric|dim`: [the month's flow, the year to date, cumulative]. A
 * scope is a county's code, or `fund:` and a fund's id. The bulletin projection keeps one such row per scope
 * and month (a snapshot), so a bulletin reads a few hundred rows by key and never sums the history.
 */
export type MonthFigures = Record<string, [number, number, number]>;

export interface ScopeFigures {
  scope: string;
  figures: MonthFigures;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
export const isMonth = (m: string) => MONTH.test(m);

export function nextMonth(month: string): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12 ? `${String(y + 1).padStart(4, '0')}-01` : `${month.slice(0, 5)}${String(m + 1).padStart(2, '0')}`;
}

/** The month before, within the same year (a bulletin's rank change compares with it), or undefined in January. */
export const previousInYear = (month: string) =>
  Number(month.slice(5)) > 1 ? `${month.slice(0, 5)}${String(Number(month.slice(5)) - 1).padStart(2, '0')}` : undefined;

/** Adds a flow of `month` to the figures of `at` (that month or a later one): cumulative, and the year to date within its year. */
export function addFlow(figures: MonthFigures, key: string, value: number, month: string, at: string) {
  const f = (figures[key] ??= [0, 0, 0]);
  if (at === month) f[0] += value;
  if (at.slice(0, 4) === month.slice(0, 4)) f[1] += value;
  f[2] += value;
}

/** A month's figures before its own flows: the month before carried over, with the year to date reset in January. */
export function carryOver(previous: MonthFigures, newYear: boolean): MonthFigures {
  const out: MonthFigures = {};
  for (const key in previous) {
    const [, ytd, cumulative] = previous[key];
    const carried: [number, number, number] = [0, newYear ? 0 : ytd, cumulative];
    if (carried[1] !== 0 || carried[2] !== 0) out[key] = carried;
  }
  return out;
}

/** Splits a pending flow's key, `scope|metric|dim`, into the scope and the figure's key. */
export function splitPendingKey(key: string): [string, string] {
  const bar = key.indexOf('|');
  return [key.slice(0, bar), key.slice(bar + 1)];
}

/**
 * The figures of every scope at the end of `month`, from the snapshots at the latest month the projection
 * has reached (`horizon`), rolled forward over the flows it holds for months beyond it (loans maturing): the
 * answer for a month after the last event, exactly as the snapshot would be once that month is reached.
 */
export function rollForward(atHorizon: ScopeFigures[], horizon: string, month: string, pending: Map<string, Record<string, number>>) {
  // Carried over several months at once: no month's flow, the year to date only within the same year.
  const rows = new Map(atHorizon.map((r) => [r.scope, carryOver(r.figures, month.slice(0, 4) !== horizon.slice(0, 4))]));
  for (const [at, flows] of pending) {
    if (at <= horizon || at > month) continue;
    for (const [key, value] of Object.entries(flows)) {
      const [scope, figure] = splitPendingKey(key);
      if (!rows.has(scope)) rows.set(scope, {});
      addFlow(rows.get(scope)!, figure, value, at, month);
    }
  }
  return [...rows].map(([scope, figures]) => ({ scope, figures }));
}
