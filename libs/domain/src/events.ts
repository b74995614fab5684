import { AuditEvent } from './audit/history-digest';
import { BorrowerEvent } from './borrower/borrower';
import { ErasureEvent } from './borrower/erasure';
import { FundEvent } from './fund/fund';
import { LoanEvent } from './loan/loan.events';
import { SubsidyEvent } from './subsidy/subsidy';
import { TargetEvent } from './target/target';

/** Every event the programme records: the published contract for subscribers. */
export type ProgrammeEvent = LoanEvent | BorrowerEvent | FundEvent | SubsidyEvent | TargetEvent | AuditEvent | ErasureEvent;
export type ProgrammeEventType = ProgrammeEvent['type'];
