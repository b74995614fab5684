import { FundEvent, LoanWrittenOff, unreachable } from '@app/domain';
import { Projection, ProjectedEvent, ProjectionTx, Row } from '../projection';

/**
 * 担保基金管理台账: every movement of every fund with its running cash balance, and per fund the
 * guarantees outstanding and the leverage against the cap. A write-off moves no cash: it records the
 * loss against the fund's capital.
 */
export const FUND_MOVEMENTS = 'fund_movements';
export const FUNDS = 'funds';
/** Every change of a fund's guarantees outstanding, so that a fund as of a date is a sum of stored rows. */
export const FUND_EXPOSURE_CHANGES = 'fund_exposure_changes';

export type Fund = Row & {
  fund_id: string;
  balance: number;
  exposure: number;
  guarantees_open: number;
  movements: number;
  contributed: number;
  contributed_by_source: Record<string, number>;
  compensation_paid: number;
  recovered: number;
  written_off: number;
};

export const fundLedger: Projection = {
  name: 'fund-ledger',
  version: 3,
  tables: [
    {
      name: FUND_MOVEMENTS,
      primaryKey: ['fund_id', 'seq'],
      appendOnly: true,
      indexes: [['business_date'], ['loan_id']],
      columns: {
        fund_id: 'text',
        seq: 'integer',
        event_id: 'text',
        business_date: 'text',
        recorded_at: 'text',
        kind: 'text',
        source: 'text',
        reference: 'text',
        loan_id: 'text',
        cash_in: 'fen',
        cash_out: 'fen',
        written_off: 'fen',
        balance_after: 'fen',
      },
    },
    {
      name: FUND_EXPOSURE_CHANGES,
      primaryKey: ['fund_id', 'business_date', 'event_id'],
      appendOnly: true,
      columns: {
        fund_id: 'text',
        business_date: 'text',
        event_id: 'text',
        recorded_at: 'text',
        loan_id: 'text',
        exposure: 'fen',
        guarantees: 'integer',
      },
    },
    {
      name: FUNDS,
      primaryKey: ['fund_id'],
      columns: {
        fund_id: 'text',
        balance: 'fen',
        exposure: 'fen',
        guarantees_open: 'integer',
        leverage_bp: 'integer',
        movements: 'integer',
        contributed: 'fen',
        contributed_by_source: 'json',
        compensation_paid: 'fen',
        recovered: 'fen',
        written_off: 'fen',
      },
    },
  ],
  eventTypes: [
    'GuaranteeFundContributed',
    'FundExposureReserved',
    'FundExposureReleased',
    'FundCompensationCharged',
    'FundCompensationReversed',
    'FundRecoveryCredited',
    'LoanWrittenOff',
  ],

  apply(e: ProjectedEvent, tx: ProjectionTx) {
    const event = { type: e.type, data: e.data } as unknown as FundEvent | LoanWrittenOff;
    const fundId = event.data.fundId;
    const fund = tx.get<Fund>(FUNDS, { fund_id: fundId }) ?? emptyFund(fundId);
    const move = (kind: string, cashIn: number, cashOut: number, extra: Row = {}) => {
      fund.balance += cashIn - cashOut;
      fund.movements += 1;
      tx.append(FUND_MOVEMENTS, {
        fund_id: fundId,
        seq: fund.movements,
        event_id: e.id,
        business_date: e.businessDate,
        recorded_at: e.recordedAt.toISOString(),
        kind,
        source: null,
        reference: null,
        loan_id: null,
        cash_in: cashIn,
        cash_out: cashOut,
        written_off: 0,
        balance_after: fund.balance,
        ...extra,
      });
    };
    const exposed = (exposure: number, guarantees: number, loanId: string) => {
      if (exposure === 0 && guarantees === 0) return;
      fund.exposure += exposure;
      fund.guarantees_open += guarantees;
      tx.append(FUND_EXPOSURE_CHANGES, {
        fund_id: fundId,
        business_date: e.businessDate,
        event_id: e.id,
        recorded_at: e.recordedAt.toISOString(),
        loan_id: loanId,
        exposure,
        guarantees,
      });
    };
    switch (event.type) {
      case 'GuaranteeFundContributed': {
        const { amount, source, reference } = event.data;
        fund.contributed += amount;
        fund.contributed_by_source = { ...fund.contributed_by_source, [source]: (fund.contributed_by_source[source] ?? 0) + amount };
        move('contribution', amount, 0, { source, reference });
        break;
      }
      case 'FundExposureReserved':
        exposed(event.data.amount, 1, event.data.loanId);
        break;
      case 'FundExposureReleased':
        exposed(-event.data.amount, -1, event.data.loanId);
        break;
      case 'FundCompensationCharged':
        exposed(-event.data.exposureReleased, event.data.exposureReleased > 0 ? -1 : 0, event.data.loanId);
        fund.compensation_paid += event.data.amount;
        move('compensation', 0, event.data.amount, { loan_id: event.data.loanId });
        break;
      case 'FundCompensationReversed':
        exposed(event.data.exposureRestored, event.data.exposureRestored > 0 ? 1 : 0, event.data.loanId);
        fund.compensation_paid -= event.data.amount;
        move('compensation_reversed', event.data.amount, 0, { loan_id: event.data.loanId });
        break;
      case 'FundRecoveryCredited':
        fund.recovered += event.data.amount;
        move('recovery', event.data.amount, 0, { loan_id: event.data.loanId });
        break;
      case 'LoanWrittenOff':
        fund.written_off += event.data.amount;
        move('write_off', 0, 0, { loan_id: event.data.loanId, written_off: event.data.amount });
        break;
      default:
        unreachable(event);
    }
    fund.leverage_bp = fund.balance > 0 ? Math.round((fund.exposure * 10_000) / fund.balance) : null;
    tx.put(FUNDS, fund);
  },
};

export const emptyFund = (fundId: string): Fund => ({
  fund_id: fundId,
  balance: 0,
  exposure: 0,
  guarantees_open: 0,
  leverage_bp: null,
  movements: 0,
  contributed: 0,
  contributed_by_source: {},
  compensation_paid: 0,
  recovered: 0,
  written_off: 0,
});
