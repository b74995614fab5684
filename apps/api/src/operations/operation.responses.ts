import { arr, bool, date, instant, int, nullable, obj, oneOf, str } from '../http/schema';

/** The answers of the operations endpoints (see http/schema.ts). */
export const DAY_END = obj(
  {
    businessDate: date,
    loansChecked: int,
    waitingChecked: int,
    riskRechecked: int,
    markedOverdue: int,
    stepsPastDeadline: int,
    riskFlagged: int,
    skipped: int,
    sealed: { type: 'string', description: 'The month sealed by this run, after its last day' },
  },
  ['sealed'],
);

const FAILURE = obj({ position: str, streamName: str, type: str, problem: str });
export const RECONCILED = obj({ scanned: int, finished: int, undone: int, failed: arr(FAILURE) });

const REGION = obj({ code: str, name: str, level: oneOf('province', 'city', 'county'), parent: str }, ['parent']);
const CENTRE = obj({ id: str, name: str, regionCode: str, compensationShareBp: int }, ['compensationShareBp']);
export const REFERENCE = obj({
  regions: arr(REGION),
  centres: arr(CENTRE),
  banks: arr(obj({ code: str, name: str })),
  branches: arr(obj({ id: str, bankCode: str, regionCode: str, name: str })),
});

const PROBLEM_ONLY = obj({ problem: str }, ['problem']);
export const HEALTH = obj({
  status: oneOf('ok', 'degraded', 'cannot_record'),
  eventStore: obj({ writable: bool, problem: str, lastPosition: nullable(str) }, ['problem']),
  reconciler: obj({ lastRunAt: instant, runningSince: instant, failed: arr(FAILURE), problem: str }, [
    'lastRunAt',
    'runningSince',
    'problem',
  ]),
  openLoans: PROBLEM_ONLY,
  riskRegister: PROBLEM_ONLY,
});
