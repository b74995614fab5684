export * from './projection';
export * from './read-store';
export * from './runner';
export { SqliteReadStore } from './sqlite/sqlite-read-store';
export { businessLedger, BUSINESS_LEDGER } from './ledgers/business-ledger';
export { fundLedger, FUNDS, FUND_MOVEMENTS } from './ledgers/fund-ledger';
export { subsidyLedger, SUBSIDY_BANK_QUARTERS, SUBSIDY_LOAN_QUARTERS } from './ledgers/subsidy-ledger';
export { financialLedger, postings, ACCOUNTS, JOURNAL, TRIAL_BALANCE, SUBSIDY_BOOK } from './ledgers/financial-ledger';
export { MemoryTx } from './memory-tx';

import { businessLedger } from './ledgers/business-ledger';
import { fundLedger } from './ledgers/fund-ledger';
import { subsidyLedger } from './ledgers/subsidy-ledger';
import { financialLedger } from './ledgers/financial-ledger';
/** Every projection the system runs. */
export const PROJECTIONS = [businessLedger, fundLedger, subsidyLedger, financialLedger];
export * from './query';
