import {
  BUSINESS_LEDGER,
  FUNDS,
  FUND_MOVEMENTS,
  JOURNAL,
  PROJECTIONS,
  SUBSIDY_BANK_QUARTERS,
  SUBSIDY_LOAN_QUARTERS,
} from '@app/projections';
import { PROJECTION_STATUS, Schema, arr, date, fen, int, ledgerPage, ledgerRow, map, nullable, num, obj, oneOf, str } from '../http/schema';

/** The answers of the ledger, bulletin and projection endpoints (see http/schema.ts). */
const spec = (table: string) => PROJECTIONS.flatMap((p) => p.tables).find((t) => t.name === table)!;
export const BUSINESS_PAGE = ledgerPage(spec(BUSINESS_LEDGER));
export const BUSINESS_ROW = ledgerRow(spec(BUSINESS_LEDGER));
export const FUNDS_PAGE = ledgerPage(spec(FUNDS));
export const MOVEMENTS_PAGE = ledgerPage(spec(FUND_MOVEMENTS));
export const SUBSIDY_LOANS_PAGE = ledgerPage(spec(SUBSIDY_LOAN_QUARTERS));
export const SUBSIDY_BANKS_PAGE = ledgerPage(spec(SUBSIDY_BANK_QUARTERS));
export const JOURNAL_PAGE = ledgerPage(spec(JOURNAL));

/** A ledger exported as JSON: the rows of whichever ledger was asked for. */
export const LEDGER_ROWS: Schema = arr({
  oneOf: [BUSINESS_LEDGER, FUNDS, FUND_MOVEMENTS, SUBSIDY_LOAN_QUARTERS, SUBSIDY_BANK_QUARTERS, JOURNAL].map((t) => ledgerRow(spec(t))),
});

export const TRIAL_BALANCE_ANSWER = obj({
  book: str,
  month: str,
  accounts: arr(
    obj({
      account: str,
      name: str,
      monthDebitFen: fen(),
      monthCreditFen: fen(),
      debitToDateFen: fen(),
      creditToDateFen: fen(),
      balanceFen: fen('Debits less credits to date'),
    }),
  ),
  totalFen: fen('The balances added: zero when the book balances'),
});

const LIMITS = obj({ decisionDays: int, disbursementDays: int });
const STEPS = arr(
  obj({
    unitId: str,
    unitName: str,
    begun: int,
    done: int,
    doneWithinLimit: int,
    doneLate: int,
    waitingPastDeadline: int,
    averageDays: nullable(num),
  }),
);
export const LATE_STEPS = obj({ from: date, to: date, limits: LIMITS, centres: STEPS, branches: STEPS });

const FIGURES = obj({ loans: int, amountFen: fen(), persons: int, jobs: int });
const periods = (s: Schema) => obj({ month: s, yearToDate: s, cumulative: s });
const FEN_PERIODS = obj({ monthFen: fen(), yearToDateFen: fen(), cumulativeFen: fen() });
export const BULLETIN_ROW = obj({
  month: str,
  regionCode: str,
  regionName: str,
  level: oneOf('province', 'city', 'county'),
  parentCode: nullable(str),
  disbursed: periods(FIGURES),
  byKind: map(periods(FIGURES)),
  byCategory: map(periods(FIGURES)),
  byCounterGuarantee: map(periods(FIGURES)),
  target: nullable(
    obj({
      loans: int,
      amountFen: fen(),
      completionLoansBp: int,
      completionAmountBp: int,
      timePaceBp: int,
      rank: nullable(int),
      rankChange: nullable(int),
    }),
  ),
  outstandingFen: fen(),
  principalRepaid: FEN_PERIODS,
  overduePrincipalFen: fen(),
  overdueRateBp: nullable(int),
  matured: obj({ disbursedFen: fen(), repaidFen: fen(), recoveryRateBp: nullable(int) }),
  compensation: obj({ paid: FEN_PERIODS, recovered: FEN_PERIODS }),
  fund: obj({ capital: FEN_PERIODS, balanceFen: fen(), guaranteesOutstandingFen: fen(), leverageBp: nullable(int) }),
  subsidy: obj({ central: FEN_PERIODS, local: FEN_PERIODS }),
});
export const BULLETIN = obj({
  month: str,
  region: str,
  knownAt: nullable(str),
  projection: nullable(PROJECTION_STATUS),
  rows: arr(BULLETIN_ROW),
});

export const PROJECTION_STATUSES = arr(PROJECTION_STATUS);
export const REBUILDING = obj({ rebuilding: { oneOf: [str, arr(str)] } });
