export * from './projection';
export * from './read-store';
export * from './runner';
export { SqliteReadStore } from './sqlite/sqlite-read-store';
export { businessLedger, BUSINESS_LEDGER } from './ledgers/business-ledger';
export { fundLedger, FUNDS, FUND_MOVEMENTS } from './ledgers/fund-ledger';
export { subsidyLedger, SUBSIDY_BANK_QUARTERS, SUBSIDY_LOAN_QUARTERS } from './ledgers/subsidy-ledger';
export { financialLedger, postings, ACCOUNTS, JOURNAL, TRIAL_BALANCE, SUBSIDY_BOOK } from './ledgers/financial-ledger';
export { MemoryTx } from './memory-tx';
export {
  bulletin,
  bulletinProjection,
  BULLETIN_LOANS,
  BULLETIN_MONTHS,
  BULLETIN_PENDING,
  BULLETIN_HORIZON,
  BULLETIN_TARGETS,
} from './ledgers/bulletin';
export * from './bulletin/month-figures';
export { bulletinFactsKnownAt } from './bulletin/known-at';
export { BULLETIN_KNOWN, BULLETIN_EPOCHS } from './bulletin/versioned';
export * from './bulletin/build-bulletin';
export * from './bulletin/facts';

import { businessLedger } from './ledgers/business-ledger';
import { fundLedger } from './ledgers/fund-ledger';
import { subsidyLedger } from './ledgers/subsidy-ledger';
import { financialLedger } from './ledgers/financial-ledger';
import { bulletin } from './ledgers/bulletin';
import { assessmentProjection } from './assessment/assessment-projection';
/** Every projection the system runs. */
export const PROJECTIONS = [businessLedger, fundLedger, subsidyLedger, financialLedger, assessmentProjection, bulletin];
export * from './query';
export { PostgresReadStore } from './postgres/postgres-read-store';
export * from './time-travel';
export * from './ledgers-as-of';
export * from './export/columns';
export * from './export/tabular';
export * from './export/bulletin-layout';
export * from './safe-text';
export * from './compare-rebuilt';
export * from './bulletin/publication';
export * from './export/labels';
export * from './late-steps';
export { assessmentProjection, ASSESSMENT_DAYS, ASSESSMENT_LOANS } from './assessment/assessment-projection';
export * from './assessment/assessment';
