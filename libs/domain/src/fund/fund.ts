import { Fen, MAX_AMOUNT_FEN, ZERO, add, fen, formatYuan, sub } from '../shared/money';
import { BusinessDate } from '../shared/dates';
import { Decider, DomainEvent } from '../shared/decider';
import { broken, ensure, invalid, unreachable } from '../shared/errors';

/**
 * A centre's guarantee fund (担保基金): its cash balance and the guarantees it stands behind.
 * Exposure is reserved here before a guarantee is issued, so that guarantees outstanding stay within
 * leverage × balance whatever the concurrency; it is released when the loan closes. A guarantee counts
 * at its full amount until then: conservative, and the same figure in every ledger.
 */
export const FUND_SOURCES = [
  'province_finance',
  'city_finance',
  'county_finance',
  'central_reward',
  'deposit_interest',
  'guarantee_fee',
] as const;
/** The sources that set a fund up (筹集): finance's money, not what the fund earns (interest, guarantee fees). */
export const CAPITAL_SOURCES: readonly FundSource[] = ['province_finance', 'city_finance', 'county_finance', 'central_reward'];
export type FundSource = (typeof FUND_SOURCES)[number];
export type ExposureReleaseReason = 'settled' | 'rejected' | 'not_issued';

export type FundEvent =
  | DomainEvent<
      'GuaranteeFundContributed',
      {
        /** The centre's fund: its record is `fund-<fundId>`. */
        fundId: string;
        source: FundSource;
        amount: Fen;
        /** The payer's reference for the payment (an allocation or voucher number). */
        reference: string;
        contributedOn: BusinessDate;
      }
    >
  | DomainEvent<'FundExposureReserved', { fundId: string; loanId: string; amount: Fen; reservedOn: BusinessDate }>
  | DomainEvent<
      'FundExposureReleased',
      { fundId: string; loanId: string; amount: Fen; reason: ExposureReleaseReason; releasedOn: BusinessDate }
    >
  | DomainEvent<
      'FundCompensationCharged',
      {
        fundId: string;
        loanId: string;
        amount: Fen;
        /** The loan's guarantee released from the fund's exposure. */
        exposureReleased: Fen;
        chargedOn: BusinessDate;
      }
    >
  | DomainEvent<
      'FundRecoveryCredited',
      {
        fundId: string;
        loanId: string;
        amount: Fen;
        /** Recovered on a claim written off and kept on file (账销案存): income, not a repaid receivable. */
        afterWriteOff: boolean;
        creditedOn: BusinessDate;
      }
    >
  /** A compensation charged to the fund whose payment on the loan could not be recorded: put back. */
  | DomainEvent<
      'FundCompensationReversed',
      {
        fundId: string;
        loanId: string;
        amount: Fen;
        /** The guarantee put back on the fund's exposure (none when the loan settled meanwhile). */
        exposureRestored: Fen;
        reversedOn: BusinessDate;
      }
    >;

export type FundCommand =
  | { type: 'ContributeToFund'; fundId: string; source: FundSource; amount: Fen; reference: string }
  | { type: 'ReserveExposure'; fundId: string; loanId: string; amount: Fen }
  | { type: 'ReleaseExposure'; fundId: string; loanId: string; reason: ExposureReleaseReason }
  | { type: 'ChargeCompensation'; fundId: string; loanId: string; amount: Fen }
  | { type: 'CreditRecovery'; fundId: string; loanId: string; amount: Fen; afterWriteOff: boolean }
  /** `restoreExposure` is false when the loan no longer holds its guarantee (it settled meanwhile). */
  | { type: 'ReverseCompensation'; fundId: string; loanId: string; restoreExposure: boolean };

/**
 * A busy fund has tens of thousands of guarantees, so evolve updates these maps in place instead of copying
 * them per event: the fold owns its state, and nothing keeps an earlier state of a fund.
 */
export interface FundState {
  balance: Fen;
  exposure: Fen;
  reservations: Map<string, Fen>;
  compensated: Map<string, { amount: Fen; exposureReleased: Fen }>;
}

export const fundStream = (fundId: string) => `fund-${fundId}`;

/** A fund never holds more than MAX_AMOUNT_FEN, so the ledgers' sums over every fund stay exact. */
function ensureBalanceWithinLimit(s: FundState, incoming: Fen) {
  ensure(s.balance + incoming <= MAX_AMOUNT_FEN, () =>
    invalid(
      'FUND.BALANCE_LIMIT',
      `The fund would hold ${formatYuan(fen(s.balance + incoming))}, more than the ${formatYuan(fen(MAX_AMOUNT_FEN))} a fund may hold; check the amount.`,
    ),
  );
}

export const fundDecider: Decider<FundCommand, FundEvent, FundState> = {
  initialState: () => ({ balance: ZERO, exposure: ZERO, reservations: new Map(), compensated: new Map() }),
  decide(c, s, ctx) {
    const on = ctx.businessDate;
    const fundId = c.fundId;
    switch (c.type) {
      case 'ContributeToFund':
        ensure(c.amount > 0, () => invalid('FUND.AMOUNT_NOT_POSITIVE', 'A contribution must be more than zero.'));
        ensureBalanceWithinLimit(s, c.amount);
        return [
          {
            type: 'GuaranteeFundContributed',
            data: { fundId, source: c.source, amount: c.amount, reference: c.reference, contributedOn: on },
          },
        ];
      case 'ReserveExposure': {
        if (s.reservations.has(c.loanId)) return [];
        const limit = fen(s.balance * ctx.policy.leverageMultiple);
        const after = add(s.exposure, c.amount);
        ensure(after <= limit, () =>
          broken(
            'FUND.LEVERAGE_EXCEEDED',
            `The fund's guarantees would reach ${formatYuan(after)}, more than ${ctx.policy.leverageMultiple} times its balance of ${formatYuan(s.balance)}.`,
            { exposureFen: s.exposure, balanceFen: s.balance, requestedFen: c.amount },
          ),
        );
        return [{ type: 'FundExposureReserved', data: { fundId, loanId: c.loanId, amount: c.amount, reservedOn: on } }];
      }
      case 'ReleaseExposure': {
        const amount = s.reservations.get(c.loanId);
        if (amount === undefined) return [];
        return [{ type: 'FundExposureReleased', data: { fundId, loanId: c.loanId, amount, reason: c.reason, releasedOn: on } }];
      }
      case 'ChargeCompensation':
        if (s.compensated.has(c.loanId)) return [];
        ensure(c.amount <= s.balance, () =>
          broken(
            'FUND.INSUFFICIENT_BALANCE',
            `The fund holds ${formatYuan(s.balance)}, not enough to pay ${formatYuan(c.amount)} in compensation.`,
          ),
        );
        return [
          {
            type: 'FundCompensationCharged',
            data: { fundId, loanId: c.loanId, amount: c.amount, exposureReleased: s.reservations.get(c.loanId) ?? ZERO, chargedOn: on },
          },
        ];
      case 'CreditRecovery':
        ensureBalanceWithinLimit(s, c.amount);
        return [
          {
            type: 'FundRecoveryCredited',
            data: { fundId, loanId: c.loanId, amount: c.amount, afterWriteOff: c.afterWriteOff, creditedOn: on },
          },
        ];
      case 'ReverseCompensation': {
        const charged = s.compensated.get(c.loanId);
        if (!charged) return [];
        return [
          {
            type: 'FundCompensationReversed',
            data: {
              fundId,
              loanId: c.loanId,
              amount: charged.amount,
              exposureRestored: c.restoreExposure ? charged.exposureReleased : ZERO,
              reversedOn: on,
            },
          },
        ];
      }
      default:
        return unreachable(c);
    }
  },
  evolve(s, e) {
    switch (e.type) {
      case 'GuaranteeFundContributed':
        return { ...s, balance: add(s.balance, e.data.amount) };
      case 'FundExposureReserved':
        s.reservations.set(e.data.loanId, e.data.amount);
        return { ...s, exposure: add(s.exposure, e.data.amount) };
      case 'FundExposureReleased':
        s.reservations.delete(e.data.loanId);
        return { ...s, exposure: sub(s.exposure, e.data.amount) };
      case 'FundCompensationCharged':
        s.reservations.delete(e.data.loanId);
        s.compensated.set(e.data.loanId, { amount: e.data.amount, exposureReleased: e.data.exposureReleased });
        return { ...s, balance: sub(s.balance, e.data.amount), exposure: sub(s.exposure, e.data.exposureReleased) };
      case 'FundRecoveryCredited':
        return { ...s, balance: add(s.balance, e.data.amount) };
      case 'FundCompensationReversed':
        s.compensated.delete(e.data.loanId);
        if (e.data.exposureRestored > 0) s.reservations.set(e.data.loanId, e.data.exposureRestored);
        return { ...s, balance: add(s.balance, e.data.amount), exposure: add(s.exposure, e.data.exposureRestored) };
      default:
        return unreachable(e);
    }
  },
};
