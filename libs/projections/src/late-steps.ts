import { BUSINESS_LEDGER } from './ledgers/business-ledger';
import { ReadStore } from './read-store';

/** One unit's record on one time-limited step, over the steps begun in a period. */
export interface UnitSteps {
  unitId: string;
  /** Steps begun in the period (applications taken, or guarantees sent to the bank). */
  begun: number;
  done: number;
  doneWithinLimit: number;
  doneLate: number;
  /** Not done yet, and found past the deadline by a day-end run. */
  waitingPastDeadline: number;
  /** Of the steps done, the mean days taken, to one decimal. */
  averageDays: number | null;
}

/**
 * 限时办结 per unit: each centre on its decisions, each bank branch on its disbursements. A step done in more
 * days than the limit was done late; one not done yet that a day-end run found past its deadline is waiting
 * past it.
 */
export async function lateSteps(
  store: ReadStore,
  period: { from: string; to: string },
  limits: { decisionDays: number; disbursementDays: number },
): Promise<{ centres: UnitSteps[]; branches: UnitSteps[] }> {
  const per = (unit: string, begun: string, days: string, flagged: string, limit: number) =>
    store
      .query(
        `SELECT ${unit} AS unit_id, count(*) AS begun, count(${days}) AS done,
           sum(CASE WHEN ${days} <= ? THEN 1 ELSE 0 END) AS within_limit,
           sum(CASE WHEN ${days} IS NULL AND ${flagged} IS NOT NULL THEN 1 ELSE 0 END) AS waiting_late,
           avg(${days}) AS average_days
         FROM ${BUSINESS_LEDGER} WHERE ${begun} >= ? AND ${begun} <= ? GROUP BY ${unit} ORDER BY ${unit}`,
        [limit, period.from, period.to],
      )
      .then((rows) =>
        rows.map((r) => {
          const done = Number(r.done);
          const within = Number(r.within_limit);
          return {
            unitId: String(r.unit_id),
            begun: Number(r.begun),
            done,
            doneWithinLimit: within,
            doneLate: done - within,
            waitingPastDeadline: Number(r.waiting_late),
            averageDays: r.average_days === null ? null : Math.round(Number(r.average_days) * 10) / 10,
          };
        }),
      );
  return {
    centres: await per('centre_id', 'applied_on', 'days_to_decide', 'decision_late_on', limits.decisionDays),
    branches: await per('branch_id', 'guaranteed_on', 'days_to_disburse', 'disbursement_late_on', limits.disbursementDays),
  };
}
