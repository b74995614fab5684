import { BorrowerCommand, BorrowerEvent, borrowerStream } from '../borrower/borrower';
import { FundCommand, FundEvent, fundStream } from '../fund/fund';
import { LoanEvent } from '../loan/loan.events';
import { LoanStatus } from '../loan/loan.state';
import { unreachable } from '../shared/errors';

/**
 * The rules that span streams, as data. EventStoreDB has no multi-stream transaction, so each rule has its
 * own consistency boundary (the borrower stream, the fund stream) and a two-step write:
 * - reserve first on the boundary stream, then record on the loan stream; a reservation whose loan step
 *   never happened is finished, or undone when the loan now refuses it (`undoReservation`);
 * - a loan event that closes or pays something is followed by its effect on the fund and the borrower
 *   (`followUpsOf`).
 * Every step is idempotent, so finishing a half-done write twice is harmless.
 */
export type StepCommand =
  { aggregate: 'fund'; streamName: string; command: FundCommand } | { aggregate: 'borrower'; streamName: string; command: BorrowerCommand };

const onFund = (command: FundCommand): StepCommand => ({ aggregate: 'fund', streamName: fundStream(command.fundId), command });
const onBorrower = (command: BorrowerCommand): StepCommand => ({
  aggregate: 'borrower',
  streamName: borrowerStream(command.borrowerId),
  command,
});

export function followUpsOf(e: LoanEvent): StepCommand[] {
  switch (e.type) {
    case 'LoanApplicationRejected': {
      const { loanId, fundId, borrowerId } = e.data;
      const close = onBorrower({ type: 'CloseLoan', borrowerId, loanId, outcome: 'rejected' });
      return fundId ? [onFund({ type: 'ReleaseExposure', fundId, loanId, reason: 'rejected' }), close] : [close];
    }
    case 'LoanSettled': {
      const { loanId, fundId, borrowerId } = e.data;
      return [
        onFund({ type: 'ReleaseExposure', fundId, loanId, reason: 'settled' }),
        onBorrower({ type: 'CloseLoan', borrowerId, loanId, outcome: 'settled' }),
      ];
    }
    case 'RecoveryCollected': {
      const { loanId, fundId, borrowerId, amount, remainingClaim, afterWriteOff } = e.data;
      const credit = onFund({ type: 'CreditRecovery', fundId, loanId, amount, afterWriteOff });
      // A loan written off was closed on the borrower's record then; the claim kept on file changes nothing there.
      const recovered = remainingClaim === 0 && !afterWriteOff;
      return recovered ? [credit, onBorrower({ type: 'CloseLoan', borrowerId, loanId, outcome: 'recovered' })] : [credit];
    }
    case 'LoanWrittenOff': {
      const { loanId, borrowerId } = e.data;
      return [onBorrower({ type: 'CloseLoan', borrowerId, loanId, outcome: 'written_off' })];
    }
    case 'LoanApplied':
    case 'SecondSupportGranted':
    case 'GuaranteeIssued':
    case 'Disbursed':
    case 'Repaid':
    case 'Overdue':
    case 'LoanExtended':
    case 'CompensationPaid':
    case 'StepPastDeadline':
    case 'RiskFlagged':
    case 'RiskReviewed':
      return [];
    default:
      return unreachable(e);
  }
}

const GUARANTEE_HELD: readonly LoanStatus[] = ['applied', 'guaranteed', 'disbursed'];

/**
 * How to take back a reservation whose loan step was refused. A compensation is reversed onto the fund's
 * guarantees only while the loan still holds its guarantee: a loan settled in the meantime released it.
 */
export function undoReservation(e: BorrowerEvent | FundEvent, loanStatus: LoanStatus): StepCommand | undefined {
  switch (e.type) {
    case 'BorrowerLoanOpened':
      return onBorrower({ type: 'CloseLoan', borrowerId: e.data.borrowerId, loanId: e.data.loanId, outcome: 'not_applied' });
    case 'FundExposureReserved':
      return onFund({ type: 'ReleaseExposure', fundId: e.data.fundId, loanId: e.data.loanId, reason: 'not_issued' });
    case 'FundCompensationCharged':
      return onFund({
        type: 'ReverseCompensation',
        fundId: e.data.fundId,
        loanId: e.data.loanId,
        restoreExposure: GUARANTEE_HELD.includes(loanStatus),
      });
    default:
      return undefined;
  }
}
