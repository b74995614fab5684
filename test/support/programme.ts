import { BusinessDate, JIANGXI_POLICIES, JIANGXI_REFERENCE, LoanCommand, ReferenceData, SYSTEM_ACTOR, bp, fen, yuan } from '@app/domain';
import { CommandEnvelope, CommandHandler, EventStore, SqliteEventStore } from '@app/event-store';
import { LoanLine, Programme } from '@app/programme';

/** The use cases over a store, as the API wires them, for tests that work below HTTP. */
export function programmeOn(store: EventStore) {
  const handler = new CommandHandler(store, { policies: JIANGXI_POLICIES, reference: new ReferenceData(JIANGXI_REFERENCE) });
  return { handler, programme: new Programme(handler) };
}

export const openFile = (path: string) => new SqliteEventStore({ path, pollIntervalMs: 20 });

export const envelope = (commandId: string, businessDate: string): CommandEnvelope => ({
  commandId,
  actor: { ...SYSTEM_ACTOR, userId: 'test', role: 'centre_clerk' },
  businessDate: businessDate as BusinessDate,
});

export const applicationData = (
  loanId: string,
  borrowerId: string,
  amountYuan = 50_000,
): Extract<LoanCommand, { type: 'ApplyForLoan' }>['data'] => ({
  loanId,
  borrowerId,
  maskedIdNumber: '360721********0000',
  categories: ['woman'],
  kind: 'individual',
  project: { name: 'p', industry: 'i' },
  microProfit: true,
  amount: yuan(amountYuan),
  termMonths: 12,
  countyCode: '360721',
  centreId: 'GC-360721',
  branchId: 'ABC-360721',
  counterGuarantee: { mode: 'third_party_guarantor' },
  personsSupported: 1,
  jobsPlanned: 1,
});

export const guaranteeData = (amountYuan = 50_000) => ({
  guaranteedAmount: yuan(amountYuan),
  feeRate: bp(100),
  feePaidBy: 'finance' as const,
});

/**
 * The store as EventStoreDB takes writes, one stream at a time (no `appendToStreams`): cross-stream
 * commands take their steps, so what only happens between steps can be made to happen on SQLite.
 */
export function inSteps<S extends EventStore>(store: S): S {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'appendToStreams') return undefined;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** What each loan of `loansWithSubsidyDue` pays in interest on 2011-03-20, all of it subsidy due from central finance. */
export const QUARTER_SUBSIDY_DUE = fen(11_667);

/**
 * Loans of bank ABC, each with QUARTER_SUBSIDY_DUE of central subsidy due in 2011-Q1, as a bank's claim would list
 * them: applied for 500 at a time, guaranteed, disbursed and repaid in batches, so that thousands take seconds.
 */
export async function loansWithSubsidyDue(p: Programme, ids: string[]): Promise<void> {
  const amount = yuan(10_000);
  await p.contribute(
    'GC-360721',
    { source: 'county_finance', amount: fen(amount * ids.length), reference: 'r' },
    envelope('fund', '2011-01-02'),
  );
  const terms = { contractRate: bp(600), repaymentMethod: 'interest_quarterly_principal_at_maturity' as const, borrowerFees: fen(0) };
  const lines = async (loanIds: string[], command: LoanLine['command'], on: string) => {
    const outcomes = await p.recordLines(loanIds.map((loanId) => ({ loanId, command, env: envelope(`${on}:${loanId}`, on) })));
    const refused = outcomes.find((o) => o.outcome === 'refused');
    if (refused) throw refused.error;
  };
  for (let i = 0; i < ids.length; i += 500) {
    const some = ids.slice(i, i + 500);
    await Promise.all(some.map((id) => p.applyForLoan(applicationData(id, `P-${id}`, 10_000), envelope(`apply:${id}`, '2011-01-05'))));
    await lines(some, { type: 'IssueGuarantee', data: guaranteeData(10_000) }, '2011-01-08');
  }
  await lines(ids, { type: 'DisburseLoan', data: { amount, ...terms, bankContractNo: 'C' } }, '2011-01-10');
  await lines(
    ids,
    { type: 'RecordRepayment', data: { principal: fen(0), interest: QUARTER_SUBSIDY_DUE, borrowerFees: fen(0) } },
    '2011-03-20',
  );
}

/** Applies (5 January 2011), guarantees (8th) and pays out (10th) a 50,000-yuan loan at 6 %, interest quarterly. */
export async function disbursedLoan(programme: Programme, loanId: string, borrowerId = `P-${loanId}`) {
  await programme.applyForLoan(applicationData(loanId, borrowerId), envelope(`apply-${loanId}`, '2011-01-05'));
  await programme.issueGuarantee(loanId, guaranteeData(), envelope(`guarantee-${loanId}`, '2011-01-08'));
  const terms = {
    amount: yuan(50_000),
    contractRate: bp(600),
    repaymentMethod: 'interest_quarterly_principal_at_maturity' as const,
    bankContractNo: `C-${loanId}`,
    borrowerFees: fen(0),
  };
  await programme.disburse(loanId, terms, envelope(`disburse-${loanId}`, '2011-01-10'));
}
