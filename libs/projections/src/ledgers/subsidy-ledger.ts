import { InterestSubsidyClaimed, InterestSubsidyPaid, LoanApplied, Repaid, quarterOf, unreachable } from '@app/domain';
import { Projection, ProjectedEvent, ProjectionTx, Row } from '../projection';

/**
 * 贴息资金管理台账: per loan per quarter the interest paid, the part that earns subsidy and the subsidy due,
 * central and local, with what the bank has claimed; per bank per quarter the totals, claims and payments.
 * A quarter is the quarter in which the interest was paid.
 */
export const SUBSIDY_LOAN_QUARTERS = 'subsidy_loan_quarters';
export const SUBSIDY_BANK_QUARTERS = 'subsidy_bank_quarters';
const LOANS = 'subsidy_loans';

const sums = ['interest_paid', 'subsidisable_interest', 'central_due', 'local_due', 'central_claimed', 'local_claimed'] as const;
const bankSums = [...sums, 'central_paid', 'local_paid', 'claims'] as const;
type Sums = Row & Record<string, number>;

export const subsidyLedger: Projection = {
  name: 'subsidy-ledger',
  version: 4,
  tables: [
    {
      name: LOANS,
      primaryKey: ['loan_id'],
      columns: { loan_id: 'text', bank_code: 'text', county_code: 'text', city_code: 'text', centre_id: 'text' },
    },
    {
      name: SUBSIDY_LOAN_QUARTERS,
      primaryKey: ['quarter', 'loan_id'], // quarter first: a quarter's rows are written together
      indexes: [['bank_code', 'quarter'], ['county_code']],
      columns: {
        loan_id: 'text',
        quarter: 'text',
        bank_code: 'text',
        county_code: 'text',
        city_code: 'text',
        ...Object.fromEntries(sums.map((s) => [s, 'fen' as const])),
      },
    },
    {
      name: SUBSIDY_BANK_QUARTERS,
      primaryKey: ['bank_code', 'quarter'],
      columns: {
        bank_code: 'text',
        quarter: 'text',
        ...Object.fromEntries(bankSums.map((s) => [s, s === 'claims' ? ('integer' as const) : ('fen' as const)])),
      },
    },
  ],
  eventTypes: ['LoanApplied', 'Repaid', 'InterestSubsidyClaimed', 'InterestSubsidyPaid'],

  apply(e: ProjectedEvent, tx: ProjectionTx) {
    const event = { type: e.type, data: e.data } as unknown as LoanApplied | Repaid | InterestSubsidyClaimed | InterestSubsidyPaid;
    switch (event.type) {
      case 'LoanApplied': {
        const d = event.data;
        return tx.put(LOANS, {
          loan_id: d.loanId,
          bank_code: d.bankCode,
          county_code: d.countyCode,
          city_code: d.cityCode,
          centre_id: d.centreId,
        });
      }
      case 'Repaid': {
        const d = event.data;
        if (d.interest === 0) return;
        const loan = tx.get<Row>(LOANS, { loan_id: d.loanId });
        if (!loan) return;
        const quarter = quarterOf(d.paidOn);
        const add = {
          interest_paid: d.interest,
          subsidisable_interest: d.subsidisableInterest,
          central_due: d.subsidyCentral,
          local_due: d.subsidyLocal,
        };
        addTo(
          tx,
          SUBSIDY_LOAN_QUARTERS,
          { loan_id: d.loanId, quarter, bank_code: loan.bank_code, county_code: loan.county_code, city_code: loan.city_code },
          sums,
          add,
        );
        return addTo(tx, SUBSIDY_BANK_QUARTERS, { bank_code: loan.bank_code, quarter }, bankSums, add);
      }
      case 'InterestSubsidyClaimed': {
        const d = event.data;
        for (const item of d.items) {
          const loan = tx.get<Row>(LOANS, { loan_id: item.loanId });
          addTo(
            tx,
            SUBSIDY_LOAN_QUARTERS,
            {
              loan_id: item.loanId,
              quarter: d.quarter,
              bank_code: d.bankCode,
              county_code: loan?.county_code ?? null,
              city_code: loan?.city_code ?? null,
            },
            sums,
            { central_claimed: item.central, local_claimed: item.local },
          );
        }
        // A claim recorded in parts is one claim: counted with its first part, its amounts part by part.
        return addTo(tx, SUBSIDY_BANK_QUARTERS, { bank_code: d.bankCode, quarter: d.quarter }, bankSums, {
          central_claimed: d.central,
          local_claimed: d.local,
          claims: d.part === 1 ? 1 : 0,
        });
      }
      case 'InterestSubsidyPaid': {
        const d = event.data;
        return addTo(tx, SUBSIDY_BANK_QUARTERS, { bank_code: d.bankCode, quarter: d.quarter }, bankSums, {
          central_paid: d.central,
          local_paid: d.local,
        });
      }
      default:
        return unreachable(event);
    }
  },
};

/** Adds amounts to a row of sums, creating it (all zeros) the first time. */
function addTo(tx: ProjectionTx, table: string, key: Row, columns: readonly string[], amounts: Record<string, number>) {
  const row = tx.get<Sums>(table, key) ?? ({ ...key, ...Object.fromEntries(columns.map((c) => [c, 0])) } as Sums);
  for (const [c, v] of Object.entries(amounts)) row[c] = (row[c] as number) + v;
  tx.put(table, row);
}
