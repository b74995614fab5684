import { FundEvent, InterestSubsidyPaid, LoanWrittenOff, Repaid, unreachable } from '@app/domain';
import { Projection, ProjectedEvent, ProjectionTx, Row } from '../projection';

/**
 * 基本财务管理台账: a double-entry journal, one book per guarantee fund and one for the interest subsidy
 * that finance pays through the programme, with the guarantees outstanding as memorandum accounts, and
 * the monthly trial balance. Every posting balances, so every book sums to zero every month.
 */
export const JOURNAL = 'journal';
export const JOURNAL_VOUCHERS = 'journal_vouchers';
export const TRIAL_BALANCE = 'trial_balance';
export const SUBSIDY_BOOK = 'SUBSIDY';

export const ACCOUNTS: Record<string, string> = {
  '1001': '基金存款 fund deposits',
  '1131': '代偿应收款 compensation receivable',
  '1141': '应收贴息款-中央 subsidy receivable, central finance',
  '1142': '应收贴息款-地方 subsidy receivable, local finance',
  '2141': '应付贴息款 subsidy payable to banks',
  '3001': '担保基金 fund capital (by source: 3001.province_finance …)',
  '3101': '核销损失 losses written off',
  '5101': '收回已核销代偿款 recoveries of claims written off',
  '9001': '担保责任 guarantees outstanding (memorandum)',
  '9002': '担保责任对应 guarantee obligations (memorandum contra)',
  '9101': '已核销代偿款 claims written off, kept on file (memorandum; 账销案存)',
  '9102': '已核销代偿款对应 claims written off (memorandum contra)',
};

type Line = [account: string, debit: number, credit: number];

export const financialLedger: Projection = {
  name: 'financial-ledger',
  version: 5,
  tables: [
    {
      name: JOURNAL,
      // Keyed by book and month first, so that lines are inserted at the end of each book, not all over the index.
      primaryKey: ['book', 'month', 'event_id', 'line'],
      appendOnly: true,
      indexes: [['account'], ['book', 'business_date', 'voucher']],
      // A book is read by date, as its journal is kept; a voucher's lines stay together.
      order: ['book', 'business_date', 'voucher', 'line'],
      columns: {
        event_id: 'text',
        line: 'integer',
        book: 'text',
        business_date: 'text',
        voucher: 'integer',
        recorded_at: 'text',
        month: 'text',
        account: 'text',
        debit: 'fen',
        credit: 'fen',
        loan_id: 'text',
        memo: 'text',
      },
    },
    {
      // How many vouchers each book has numbered in each month.
      name: JOURNAL_VOUCHERS,
      primaryKey: ['book', 'month'],
      columns: { book: 'text', month: 'text', vouchers: 'integer' },
    },
    {
      name: TRIAL_BALANCE,
      primaryKey: ['book', 'month', 'account'],
      columns: { book: 'text', month: 'text', account: 'text', debit: 'fen', credit: 'fen' },
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
    'Repaid',
    'InterestSubsidyPaid',
  ],

  apply(e: ProjectedEvent, tx: ProjectionTx) {
    const event = { type: e.type, data: e.data } as unknown as FundEvent | LoanWrittenOff | Repaid | InterestSubsidyPaid;
    const { book, lines, loanId } = postings(event);
    const month = e.businessDate.slice(0, 7);
    const recordedAt = e.recordedAt.toISOString();
    // An event's lines are one voucher, numbered per book and month in the order vouchers are recorded.
    const numbered = tx.get<Row & { vouchers: number }>(JOURNAL_VOUCHERS, { book, month }) ?? { book, month, vouchers: 0 };
    let voucher: number | undefined;
    let n = 0;
    for (const [account, debit, credit] of lines) {
      if (debit === 0 && credit === 0) continue;
      if (voucher === undefined) {
        voucher = ++numbered.vouchers;
        tx.put(JOURNAL_VOUCHERS, numbered);
      }
      n++;
      tx.append(JOURNAL, {
        event_id: e.id,
        line: n,
        book,
        business_date: e.businessDate,
        voucher,
        recorded_at: recordedAt,
        month,
        account,
        debit,
        credit,
        loan_id: loanId ?? null,
        memo: e.type,
      });
      const key = { book, month, account };
      const tb = tx.get<Row & { debit: number; credit: number }>(TRIAL_BALANCE, key) ?? { ...key, debit: 0, credit: 0 };
      tb.debit += debit;
      tb.credit += credit;
      tx.put(TRIAL_BALANCE, tb);
    }
  },
};

/** The balanced lines each event posts. */
export function postings(e: FundEvent | LoanWrittenOff | Repaid | InterestSubsidyPaid): { book: string; lines: Line[]; loanId?: string } {
  switch (e.type) {
    case 'GuaranteeFundContributed':
      return {
        book: e.data.fundId,
        lines: [
          ['1001', e.data.amount, 0],
          [`3001.${e.data.source}`, 0, e.data.amount],
        ],
      };
    case 'FundExposureReserved':
      return {
        book: e.data.fundId,
        loanId: e.data.loanId,
        lines: [
          ['9001', e.data.amount, 0],
          ['9002', 0, e.data.amount],
        ],
      };
    case 'FundExposureReleased':
      return {
        book: e.data.fundId,
        loanId: e.data.loanId,
        lines: [
          ['9002', e.data.amount, 0],
          ['9001', 0, e.data.amount],
        ],
      };
    case 'FundCompensationCharged': {
      const { amount, exposureReleased: x } = e.data;
      return {
        book: e.data.fundId,
        loanId: e.data.loanId,
        lines: [
          ['1131', amount, 0],
          ['1001', 0, amount],
          ['9002', x, 0],
          ['9001', 0, x],
        ],
      };
    }
    case 'FundCompensationReversed': {
      const { amount, exposureRestored: x } = e.data;
      return {
        book: e.data.fundId,
        loanId: e.data.loanId,
        lines: [
          ['1001', amount, 0],
          ['1131', 0, amount],
          ['9001', x, 0],
          ['9002', 0, x],
        ],
      };
    }
    case 'FundRecoveryCredited': {
      const { amount } = e.data;
      // A claim written off is no longer a receivable: what comes back on it is income, and leaves the memorandum.
      const lines: Line[] = e.data.afterWriteOff
        ? [
            ['1001', amount, 0],
            ['5101', 0, amount],
            ['9102', amount, 0],
            ['9101', 0, amount],
          ]
        : [
            ['1001', amount, 0],
            ['1131', 0, amount],
          ];
      return { book: e.data.fundId, loanId: e.data.loanId, lines };
    }
    case 'LoanWrittenOff':
      return {
        book: e.data.fundId,
        loanId: e.data.loanId,
        lines: [
          ['3101', e.data.amount, 0],
          ['1131', 0, e.data.amount],
          // Written off the books, kept on file (账销案存): the claim stays in the memorandum until recovered.
          ['9101', e.data.amount, 0],
          ['9102', 0, e.data.amount],
        ],
      };
    case 'Repaid': {
      const { subsidyCentral: c, subsidyLocal: l } = e.data;
      return {
        book: SUBSIDY_BOOK,
        loanId: e.data.loanId,
        lines: [
          ['1141', c, 0],
          ['1142', l, 0],
          ['2141', 0, c + l],
        ],
      };
    }
    case 'InterestSubsidyPaid': {
      const { central: c, local: l } = e.data;
      return {
        book: SUBSIDY_BOOK,
        lines: [
          ['2141', c + l, 0],
          ['1141', 0, c],
          ['1142', 0, l],
        ],
      };
    }
    default:
      return unreachable(e);
  }
}
