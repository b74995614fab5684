export * from './projection';
export * from './read-store';
export * from './runner';
export { SqliteReadStore } from './sqlite/sqlite-read-store';
export { businessLedger, BUSINESS_LEDGER } from './ledgers/business-ledger';
export { fundLedger, FUNDS, FUND_MOVEMENTS } from './ledgers/fund-ledger';
export { MemoryTx } from './memory-tx';

import { businessLedger } from './ledgers/business-ledger';
import { fundLedger } from './ledgers/fund-ledger';
/** Every projection the system runs. */
export const PROJECTIONS = [businessLedger, fundLedger];
export * from './query';
