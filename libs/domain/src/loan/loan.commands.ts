import { BasisPoints, Fen } from '../shared/money';
import { BusinessDate } from '../shared/dates';
import { LoanApplication, RecoverySource, RepaymentMethod } from './loan.events';
import { LoanStatus } from './loan.state';

/** What the command handler reads from the first loan's stream for a second-support decision. */
export interface PreviousLoanFacts {
  loanId: string;
  exists: boolean;
  borrowerId?: string;
  status?: LoanStatus;
  everOverdue?: boolean;
  projectName?: string;
}

export type LoanCommand =
  | {
      type: 'ApplyForLoan';
      data: Omit<LoanApplication, 'appliedOn' | 'cityCode' | 'bankCode'>;
      previousLoan?: PreviousLoanFacts;
      /** For second support in one request: the people the first loan's project employs, so that it is granted at once. */
      jobsCreated?: number;
    }
  | { type: 'RejectLoanApplication'; data: { reasonCode: string; note?: string } }
  | { type: 'GrantSecondSupport'; data: { jobsCreated: number }; previousLoan: PreviousLoanFacts }
  | { type: 'IssueGuarantee'; data: { guaranteedAmount: Fen; feeRate: BasisPoints; feePaidBy: 'finance' | 'borrower' } }
  | {
      type: 'DisburseLoan';
      data: { amount: Fen; contractRate: BasisPoints; repaymentMethod: RepaymentMethod; bankContractNo: string; borrowerFees: Fen };
    }
  | { type: 'RecordRepayment'; data: { principal: Fen; interest: Fen; borrowerFees: Fen } }
  | { type: 'MarkOverdue' }
  /** The day-end run's check of the step the loan waits in against its deadline. */
  | { type: 'CheckTimeLimits' }
  | { type: 'ExtendLoan'; data: { newMaturity: BusinessDate; guarantorConsent: boolean } }
  /** `amount`, when given, must be what the rules compute: the fund was charged exactly that. */
  | { type: 'PayCompensation'; amount?: Fen }
  | { type: 'CollectRecovery'; data: { amount: Fen; source: RecoverySource } }
  | { type: 'WriteOffLoan'; data: { approvalRef: string } };
