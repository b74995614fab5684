import { BusinessDate } from '../shared/dates';
import { Decider, DomainEvent } from '../shared/decider';
import { broken } from '../shared/errors';
import { BorrowerState } from './borrower';

/**
 * Erasing a borrower's personal data (PIPL art. 47) destroys the keys their data was sealed with; the
 * history, its hashes and the ledgers stay as they are, and the person becomes unreadable in them. The
 * borrower's keyed hash stays, because the province's rules need it (one open loan per person; no second
 * guarantee after a write-off) and it names no one without the ID number and the programme's secret.
 */
export const ERASURE_BASES = {
  purpose_fulfilled: '处理目的已实现或者为实现处理目的不再必要 (PIPL art. 47(1))',
  retention_expired: '保存期限已届满 (PIPL art. 47(2))',
  consent_withdrawn: '个人撤回同意 (PIPL art. 47(3))',
  unlawful_processing: '违反法律、行政法规或者约定处理个人信息 (PIPL art. 47(4))',
  other_legal_ground: '法律、行政法规规定的其他情形 (PIPL art. 47(5))',
} as const;
export type ErasureBasis = keyof typeof ERASURE_BASES;

export type BorrowerDataErased = DomainEvent<
  'BorrowerDataErased',
  {
    borrowerId: string;
    /** The generations of the borrower's key destroyed (a borrower who applies again after an erasure gets a new one). */
    keyGenerations: number[];
    legalBasis: ErasureBasis;
    /**
     * The reference of the person's request or of the order, as filed (a file number, never a name: this record
     * is never erased). The officer's own words on the basis stay with the keyring's record of the erasure.
     */
    requestReference: string;
    /** When the keys were destroyed (ISO 8601, UTC): the event may be recorded later, after a restart. */
    erasedAt: string;
    erasedOn: BusinessDate;
  }
>;
export type ErasureEvent = BorrowerDataErased;

export interface RecordErasure {
  type: 'RecordErasure';
  data: Omit<BorrowerDataErased['data'], 'erasedOn'>;
}

export const erasureStream = (borrowerId: string) => `erasure-${borrowerId}`;

/**
 * A borrower's personal data is kept while a loan of theirs is open, and while a claim on them is kept on file
 * after a write-off (账销案存): managing the loan, or recovering the claim, needs it.
 */
export function checkErasable(borrower: BorrowerState): void {
  if (borrower.openLoanId)
    throw broken(
      'BORROWER.LOAN_OPEN',
      'This person has a loan still open; their personal data is needed to manage it and can be erased once it is closed.',
      { openLoanId: borrower.openLoanId },
    );
  if (borrower.defaulted)
    throw broken(
      'BORROWER.CLAIM_ON_FILE',
      "A loan of this person was written off and the fund's claim on them is kept on file (账销案存); their personal data is needed to recover it.",
    );
}

/** The erasures of one borrower, each key generation recorded once however often the request is sent. */
export const erasureDecider: Decider<RecordErasure, ErasureEvent, { erased: number[] }> = {
  initialState: () => ({ erased: [] }),
  decide(c, s, ctx) {
    const keyGenerations = c.data.keyGenerations.filter((g) => !s.erased.includes(g));
    if (keyGenerations.length === 0) return [];
    return [{ type: 'BorrowerDataErased', data: { ...c.data, keyGenerations, erasedOn: ctx.businessDate } }];
  },
  evolve: (s, e) => ({ erased: [...s.erased, ...e.data.keyGenerations] }),
};
