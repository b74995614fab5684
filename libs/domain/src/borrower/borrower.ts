import { BusinessDate } from '../shared/dates';
import { Decider, DomainEvent } from '../shared/decider';
import { broken, unreachable } from '../shared/errors';

/**
 * The borrower's consistency boundary for "one open guaranteed loan per person across the province".
 * Its stream is keyed by the hashed ID number, so every centre and bank meets the same stream.
 */
/** `not_applied`: the application that opened it was never recorded (a half-done write undone). */
export type LoanOutcome = 'rejected' | 'settled' | 'recovered' | 'written_off' | 'not_applied';

export type BorrowerEvent =
  | DomainEvent<'BorrowerLoanOpened', { borrowerId: string; loanId: string; openedOn: BusinessDate }>
  | DomainEvent<'BorrowerLoanClosed', { borrowerId: string; loanId: string; outcome: LoanOutcome; closedOn: BusinessDate }>;

export type BorrowerCommand =
  | { type: 'OpenLoan'; borrowerId: string; loanId: string }
  | { type: 'CloseLoan'; borrowerId: string; loanId: string; outcome: LoanOutcome };

export interface BorrowerState {
  openLoanId?: string;
  defaulted: boolean;
  loans: string[];
}

export const borrowerStream = (borrowerId: string) => `borrower-${borrowerId}`;

export const borrowerDecider: Decider<BorrowerCommand, BorrowerEvent, BorrowerState> = {
  initialState: () => ({ defaulted: false, loans: [] }),
  decide(c, s, ctx) {
    switch (c.type) {
      case 'OpenLoan':
        if (s.openLoanId === c.loanId) return [];
        if (s.openLoanId)
          throw broken(
            'BORROWER.HAS_OPEN_LOAN',
            'This person already has a guaranteed loan that is not yet repaid; only one open loan per person is allowed in the province.',
            { openLoanId: s.openLoanId },
          );
        if (s.defaulted)
          throw broken('BORROWER.DEFAULTED', 'A loan of this person was written off after compensation; they cannot be guaranteed again.');
        return [{ type: 'BorrowerLoanOpened', data: { borrowerId: c.borrowerId, loanId: c.loanId, openedOn: ctx.businessDate } }];
      case 'CloseLoan':
        if (s.openLoanId !== c.loanId) return [];
        return [
          {
            type: 'BorrowerLoanClosed',
            data: { borrowerId: c.borrowerId, loanId: c.loanId, outcome: c.outcome, closedOn: ctx.businessDate },
          },
        ];
      default:
        return unreachable(c);
    }
  },
  evolve(s, e) {
    switch (e.type) {
      case 'BorrowerLoanOpened':
        return { ...s, openLoanId: e.data.loanId, loans: [...s.loans, e.data.loanId] };
      case 'BorrowerLoanClosed':
        return { ...s, openLoanId: undefined, defaulted: s.defaulted || e.data.outcome === 'written_off' };
      default:
        return unreachable(e);
    }
  },
};
