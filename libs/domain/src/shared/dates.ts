/** A business date, 'YYYY-MM-DD', in the programme's calendar; no time, no zone. */
export type BusinessDate = string & { readonly __brand: 'BusinessDate' };

const DAY_MS = 86_400_000;
const PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isBusinessDate(value: unknown): value is BusinessDate {
  if (typeof value !== 'string') return false;
  const m = PATTERN.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

export function businessDate(value: string): BusinessDate {
  if (!isBusinessDate(value)) throw new RangeError(`not a calendar date in the form YYYY-MM-DD: ${value}`);
  return value;
}

// Interest and schedules convert the same few thousand dates over and over: remember them (a bounded memo).
const MEMO_LIMIT = 200_000;
const msOf = new Map<string, number>();
const dateOf = new Map<number, BusinessDate>();
function toUtc(d: BusinessDate): number {
  let ms = msOf.get(d);
  if (ms === undefined) {
    ms = Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10));
    if (msOf.size < MEMO_LIMIT) msOf.set(d, ms);
  }
  return ms;
}
function fromUtc(ms: number): BusinessDate {
  let d = dateOf.get(ms);
  if (d === undefined) {
    d = new Date(ms).toISOString().slice(0, 10) as BusinessDate;
    if (dateOf.size < MEMO_LIMIT) dateOf.set(ms, d);
  }
  return d;
}

export const addDays = (d: BusinessDate, days: number): BusinessDate => fromUtc(toUtc(d) + days * DAY_MS);

/** Days from a to b (b − a): interest counts the first day and not the last. */
export const daysBetween = (a: BusinessDate, b: BusinessDate): number => Math.round((toUtc(b) - toUtc(a)) / DAY_MS);

/** Same day n months later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(d: BusinessDate, months: number): BusinessDate {
  const y = +d.slice(0, 4);
  const m = +d.slice(5, 7) - 1 + months;
  const day = +d.slice(8, 10);
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return fromUtc(Date.UTC(y, m, Math.min(day, lastDay)));
}

/** Quarter as 'YYYY-Qn'. */
export type Quarter = string & { readonly __brand: 'Quarter' };
/** A quarter of a year that has calendar dates (not the years 0000–0099, which JavaScript reads as 19xx). */
export const isQuarter = (value: unknown): value is Quarter =>
  typeof value === 'string' && /^\d{4}-Q[1-4]$/.test(value) && isBusinessDate(`${value.slice(0, 4)}-01-01`);
export const quarterOf = (d: BusinessDate): Quarter => `${d.slice(0, 4)}-Q${Math.floor((+d.slice(5, 7) - 1) / 3) + 1}` as Quarter;
export function quarterEnd(q: Quarter): BusinessDate {
  const lastMonth = String(+q.slice(6) * 3).padStart(2, '0');
  return addDays(addMonths(businessDate(`${q.slice(0, 4)}-${lastMonth}-01`), 1), -1);
}

/** Banks settle interest on the 20th of March, June, September and December. */
export function settlementDatesBetween(from: BusinessDate, to: BusinessDate): BusinessDate[] {
  const dates: BusinessDate[] = [];
  for (let y = +from.slice(0, 4); y <= +to.slice(0, 4); y++) {
    for (const m of ['03', '06', '09', '12']) {
      const d = `${y}-${m}-20` as BusinessDate;
      if (d >= from && d <= to) dates.push(d);
    }
  }
  return dates;
}
