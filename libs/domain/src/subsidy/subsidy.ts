import { Fen, ZERO, add, fen, formatYuan, sub } from '../shared/money';
import { BusinessDate, Quarter, quarterEnd } from '../shared/dates';
import { Decider, DomainEvent } from '../shared/decider';
import { broken, ensure, invalid, unreachable } from '../shared/errors';

/**
 * A bank's interest-subsidy claims for one quarter (贴息). A claim lists loans with the subsidy asked for;
 * each loan's claims for the quarter can never exceed what its repayments made due, which the command
 * handler reads from the loans' own streams.
 */
export interface SubsidyItem {
  loanId: string;
  central: Fen;
  local: Fen;
}
export interface LoanSubsidyFacts {
  bankCode?: string;
  central: Fen;
  local: Fen;
}

export type InterestSubsidyClaimed = DomainEvent<
  'InterestSubsidyClaimed',
  { claimId: string; bankCode: string; quarter: Quarter; items: SubsidyItem[]; central: Fen; local: Fen; claimedOn: BusinessDate }
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
    }
  | { type: 'PaySubsidy'; claimId: string; central: Fen; local: Fen };

interface Claim {
  bankCode: string;
  central: Fen;
  local: Fen;
  paidCentral: Fen;
  paidLocal: Fen;
}
export interface SubsidyState {
  claimedByLoan: Record<string, { central: Fen; local: Fen }>;
  claims: Record<string, Claim>;
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
        ensure(!s.claims[c.claimId], () => broken('SUBSIDY.CLAIM_EXISTS', `Claim ${c.claimId} has already been filed.`));
        ensure(on > quarterEnd(c.quarter), () =>
          broken('SUBSIDY.QUARTER_NOT_ENDED', `Subsidy for ${c.quarter} can be claimed only after the quarter ends.`),
        );
        ensure(c.items.length > 0, () => invalid('SUBSIDY.NO_LOANS', 'A claim must list at least one loan.'));
        const seen = new Set<string>();
        for (const item of c.items) {
          ensure(!seen.has(item.loanId), () => invalid('SUBSIDY.LOAN_TWICE', `Loan ${item.loanId} is listed twice in the claim.`));
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
        return [
          {
            type: 'InterestSubsidyClaimed',
            data: { claimId: c.claimId, bankCode: c.bankCode, quarter: c.quarter, items: c.items, central, local, claimedOn: on },
          },
        ];
      }
      case 'PaySubsidy': {
        const claim = s.claims[c.claimId];
        ensure(!!claim, () => broken('SUBSIDY.UNKNOWN_CLAIM', `There is no claim ${c.claimId} for this bank and quarter.`));
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
        const claim: Claim = {
          bankCode: e.data.bankCode,
          central: e.data.central,
          local: e.data.local,
          paidCentral: ZERO,
          paidLocal: ZERO,
        };
        return {
          ...s,
          quarter: e.data.quarter,
          bankCode: e.data.bankCode,
          claimedByLoan,
          claims: { ...s.claims, [e.data.claimId]: claim },
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
