import { BasisPoints, Fen } from '../shared/money';
import { BusinessDate } from '../shared/dates';
import { LoanApplication, RecoverySource, RepaymentMethod } from './loan.events';
import { LoanStatus } from './loan.state';
import { RiskDecision, RiskFacts } from './loan.risk';

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
      /**
       * What the register of applications knows that bears on this one (risk control); none where no register runs.
       * Read for the decision, not asked for: a retry that meets other facts is the same request (see `commandFingerprint`).
       */
      riskFacts?: RiskFacts;
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
  /** The day-end run's re-check of an application still waiting for a decision against the register. */
  | { type: 'CheckRisk'; riskFacts: RiskFacts }
  /** A centre officer's decision on an application risk control flagged. */
  | { type: 'ReviewRisk'; data: { decision: RiskDecision; note: string } }
  | { type: 'ExtendLoan'; data: { newMaturity: BusinessDate; guarantorConsent: boolean } }
  /** `amount`, when given, must be what the rules compute: the fund was charged exactly that. */
  | { type: 'PayCompensation'; amount?: Fen }
  | { type: 'CollectRecovery'; data: { amount: Fen; source: RecoverySource } }
  | { type: 'WriteOffLoan'; data: { approvalRef: string } };
