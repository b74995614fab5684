import { BorrowerEvent } from './borrower/borrower';
import { FundEvent } from './fund/fund';
import { LoanEvent } from './loan/loan.events';
import { SubsidyEvent } from './subsidy/subsidy';
import { TargetEvent } from './target/target';

/** Every event the programme records: the published contract for subscribers. */
export type ProgrammeEvent = LoanEvent | BorrowerEvent | FundEvent | SubsidyEvent | TargetEvent;
export type ProgrammeEventType = ProgrammeEvent['type'];

/** The user's six names are kept exactly; the rest are what the lifecycle and the ledgers need. */
export const EVENT_TYPES: readonly ProgrammeEventType[] = [
  'LoanApplied', 'LoanApplicationRejected', 'SecondSupportGranted', 'GuaranteeIssued', 'Disbursed', 'Repaid', 'Overdue',
  'LoanExtended', 'LoanSettled', 'CompensationPaid', 'RecoveryCollected', 'LoanWrittenOff',
  'BorrowerLoanOpened', 'BorrowerLoanClosed',
  'GuaranteeFundContributed', 'FundExposureReserved', 'FundExposureReleased', 'FundCompensationCharged', 'FundRecoveryCredited', 'FundCompensationReversed',
  'InterestSubsidyClaimed', 'InterestSubsidyPaid', 'AnnualTargetSet',
];
