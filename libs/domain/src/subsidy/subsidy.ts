import { Fen, ZERO, add, fen, formatYuan, sub } from '../shared/money';
import { BusinessDate, Quarter, quarterEnd } from '../shared/dates';
import { Decider, DomainEvent } from '../shared/decider';
import { broken, ensure, invalid, unreachable } from '../shared/errors';
import { checkPart, withPart } from './claim-parts';

/**
 * A bank's interest-subsidy claims for one quarter (贴息). A claim lists loans with the subsidy asked for;
 * each loan's claims for the quarter can never exceed what its repayments made due, which the command
 * handler reads from the loans' own streams.
 *
 * A claim listing more loans than one write to the event store can carry is recorded in parts (`part` of
 * `parts`, from 1), each its own command and event with its own loans and totals. The rules hold over the
 * whole claim: parts come in order, a loan is listed once in all of them, and the claim is paid only once
 * every part is in. A claim in one part is recorded as part 1 of 1 (version 1 of the event left both out).
 */
export interface SubsidyItem {
  loanId: string;
  /** Subsidy claimed on the loan for the quarter from central finance. */
  central: Fen;
  /** Subsidy claimed on the loan for the quarter from local finance. */
  local: Fen;
}
export interface LoanSubsidyFacts {
  bankCode?: string;
  central: Fen;
  local: Fen;
}

export type InterestSubsidyClaimed = DomainEvent<
  'InterestSubsidyClaimed',
  {
    claimId: string;
    bankCode: string;
    quarter: Quarter;
    items: SubsidyItem[];
    central: Fen;
    local: Fen;
    claimedOn: BusinessDate;
    /** This part of the claim, from 1; `items`, `central` and `local` are this part's. */
    part: number;
    /** How many parts the claim was recorded in: 1 for a claim that fits in one write. */
    parts: number;
  }
>;
export type InterestSubsidyPaid = DomainEvent<
  'InterestSubsidyPaid',
  { claimId: string; bankCode: string; quarter: Quarter; central: Fen; local: Fen; paidOn: BusinessDate }
>;
export type SubsidyEvent = InterestSubsidyClaimed | InterestSubsidyPaid;

export type SubsidyCommand =
  | {
      type: 'ClaimSubsidy';
      claimId: string;
      bankCode: string;
      quarter: Quarter;
      items: SubsidyItem[];
      dueByLoan: Record<string, LoanSubsidyFacts>;
      /** Only for a claim recorded in parts: which part this is (from 1), and how many there are (at least 2). */
      part?: number;
      parts?: number;
    }
  | { type: 'PaySubsidy'; claimId: string; central: Fen; local: Fen };

export interface SubsidyClaim {
  bankCode: string;
  /** The whole claim's totals: every part recorded so far. */
  central: Fen;
  local: Fen;
  paidCentral: Fen;
  paidLocal: Fen;
  /** How many parts the claim has and how many are recorded (1 and 1 for a claim in one event). */
  parts: number;
  partsRecorded: number;
  /** While parts are still to come: the loans listed so far, so that no loan is listed in two parts. */
  loanIds?: ReadonlySet<string>;
}
export interface SubsidyState {
  claimedByLoan: Record<string, { central: Fen; local: Fen }>;
  claims: Record<string, SubsidyClaim>;
  quarter?: Quarter;
  bankCode?: string;
}

export const subsidyStream = (bankCode: string, quarter: Quarter) => `subsidy-${bankCode}-${quarter}`;

export const subsidyDecider: Decider<SubsidyCommand, SubsidyEvent, SubsidyState> = {
  initialState: () => ({ claimedByLoan: {}, claims: {} }),
  decide(c, s, ctx) {
    const on = ctx.businessDate;
    switch (c.type) {
      case 'ClaimSubsidy': {
        const listedBefore = checkPart(c, s);
        ensure(on > quarterEnd(c.quarter), () =>
          broken('SUBSIDY.QUARTER_NOT_ENDED', `Subsidy for ${c.quarter} can be claimed only after the quarter ends.`),
        );
        ensure(c.items.length > 0, () => invalid('SUBSIDY.NO_LOANS', 'A claim must list at least one loan.'));
        const seen = new Set<string>();
        for (const item of c.items) {
          ensure(!seen.has(item.loanId) && !listedBefore?.has(item.loanId), () =>
            invalid('SUBSIDY.LOAN_TWICE', `Loan ${item.loanId} is listed twice in the claim.`),
          );
          seen.add(item.loanId);
          const due = c.dueByLoan[item.loanId];
          ensure(due?.bankCode === c.bankCode, () =>
            broken('SUBSIDY.NOT_THIS_BANKS_LOAN', `Loan ${item.loanId} was not lent by ${c.bankCode}.`),
          );
          const before = s.claimedByLoan[item.loanId] ?? { central: ZERO, local: ZERO };
          ensure(
            item.central >= 0 &&
              item.local >= 0 &&
              add(before.central, item.central) <= due.central &&
              add(before.local, item.local) <= due.local,
            () =>
              broken(
                'SUBSIDY.EXCEEDS_DUE',
                `For loan ${item.loanId} the ledger shows ${formatYuan(due.central)} central and ${formatYuan(due.local)} local subsidy due in ${c.quarter}, ` +
                  `of which ${formatYuan(before.central)} and ${formatYuan(before.local)} were already claimed.`,
              ),
          );
        }
        const central = fen(c.items.reduce((t, i) => t + i.central, 0));
        const local = fen(c.items.reduce((t, i) => t + i.local, 0));
        const { part = 1, parts = 1 } = c;
        return [
          {
            type: 'InterestSubsidyClaimed',
            data: {
              claimId: c.claimId,
              bankCode: c.bankCode,
              quarter: c.quarter,
              items: c.items,
              central,
              local,
              claimedOn: on,
              part,
              parts,
            },
          },
        ];
      }
      case 'PaySubsidy': {
        const claim = s.claims[c.claimId];
        ensure(!!claim, () => broken('SUBSIDY.UNKNOWN_CLAIM', `There is no claim ${c.claimId} for this bank and quarter.`));
        ensure(claim.partsRecorded === claim.parts, () =>
          broken(
            'SUBSIDY.CLAIM_INCOMPLETE',
            `Claim ${c.claimId} was sent in ${claim.parts} parts and only ${claim.partsRecorded} have been recorded; it can be paid once ` +
              'all are in. The bank completes it by sending the claim again with the same request key.',
          ),
        );
        const openCentral = sub(claim.central, claim.paidCentral);
        const openLocal = sub(claim.local, claim.paidLocal);
        ensure(c.central >= 0 && c.local >= 0 && c.central + c.local > 0 && c.central <= openCentral && c.local <= openLocal, () =>
          broken(
            'SUBSIDY.PAYMENT_EXCEEDS_CLAIM',
            `The claim has ${formatYuan(openCentral)} central and ${formatYuan(openLocal)} local subsidy unpaid.`,
          ),
        );
        return [
          {
            type: 'InterestSubsidyPaid',
            data: { claimId: c.claimId, bankCode: claim.bankCode, quarter: s.quarter!, central: c.central, local: c.local, paidOn: on },
          },
        ];
      }
      default:
        return unreachable(c);
    }
  },
  evolve(s, e) {
    switch (e.type) {
      case 'InterestSubsidyClaimed': {
        const claimedByLoan = { ...s.claimedByLoan };
        for (const i of e.data.items) {
          const b = claimedByLoan[i.loanId] ?? { central: ZERO, local: ZERO };
          claimedByLoan[i.loanId] = { central: add(b.central, i.central), local: add(b.local, i.local) };
        }
        return {
          ...s,
          quarter: e.data.quarter,
          bankCode: e.data.bankCode,
          claimedByLoan,
          claims: { ...s.claims, [e.data.claimId]: withPart(s.claims[e.data.claimId], e.data) },
        };
      }
      case 'InterestSubsidyPaid': {
        const c = s.claims[e.data.claimId];
        const paid = { ...c, paidCentral: add(c.paidCentral, e.data.central), paidLocal: add(c.paidLocal, e.data.local) };
        return { ...s, claims: { ...s.claims, [e.data.claimId]: paid } };
      }
      default:
        return unreachable(e);
    }
  },
};
