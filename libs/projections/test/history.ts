import { BusinessDate, JIANGXI_POLICIES, JIANGXI_REFERENCE, ReferenceData, SYSTEM_ACTOR, bp, yuan } from '@app/domain';
import { CommandHandler, EventStore } from '@app/event-store';
import { Programme } from '@app/programme';

const env = (commandId: string, businessDate: string) => ({ commandId, actor: SYSTEM_ACTOR, businessDate: businessDate as BusinessDate });
const application = (loanId: string, borrowerId: string, countyCode = '360721', amount = yuan(50_000)) => ({
  loanId,
  borrowerId,
  maskedIdNumber: '360721********0000',
  categories: ['woman' as const],
  kind: 'individual' as const,
  project: { name: 'p', industry: 'i' },
  microProfit: true,
  amount,
  termMonths: 12,
  countyCode,
  centreId: `GC-${countyCode}`,
  branchId: `ABC-${countyCode}`,
  counterGuarantee: { mode: 'third_party_guarantor' as const },
  personsSupported: 1,
  jobsPlanned: 2,
});
const disbursement = {
  amount: yuan(50_000),
  contractRate: bp(600),
  repaymentMethod: 'interest_quarterly_principal_at_maturity' as const,
  bankContractNo: 'C',
  borrowerFees: yuan(0),
};

/**
 * A small programme through the real command path: two counties, one loan settled, one compensated and
 * partly recovered then written off, one rejected, one running.
 */
export async function smallProgramme(store: EventStore) {
  const p = new Programme(new CommandHandler(store, { policies: JIANGXI_POLICIES, reference: new ReferenceData(JIANGXI_REFERENCE) }));
  await p.contribute('GC-360721', { source: 'county_finance', amount: yuan(100_000), reference: 'r1' }, env('f1', '2011-01-02'));
  await p.contribute('GC-360722', { source: 'city_finance', amount: yuan(40_000), reference: 'r2' }, env('f2', '2011-01-02'));
  for (const [id, county] of [
    ['A', '360721'],
    ['B', '360721'],
    ['C', '360722'],
    ['D', '360722'],
  ] as const) {
    await p.applyForLoan(application(id, `P${id}`, county), env(`apply-${id}`, '2011-01-05'));
  }
  await p.reject('D', { reasonCode: 'INCOMPLETE_FILE' }, env('reject-D', '2011-01-06'));
  for (const id of ['A', 'B', 'C']) {
    await p.issueGuarantee(id, { guaranteedAmount: yuan(50_000), feeRate: bp(100), feePaidBy: 'finance' }, env(`g-${id}`, '2011-01-08'));
    await p.disburse(id, disbursement, env(`d-${id}`, '2011-01-10'));
  }
  await p.repay('A', { principal: yuan(50_000), interest: 18_333 as never, borrowerFees: yuan(0) }, env('pay-A', '2011-02-01'));
  await p.repay('C', { principal: yuan(0), interest: 58_333 as never, borrowerFees: yuan(0) }, env('pay-C', '2011-03-20'));
  await p.markOverdue('B', { actor: SYSTEM_ACTOR, businessDate: '2011-03-21' as BusinessDate });
  await p.payCompensation('B', env('comp-B', '2011-06-19'));
  await p.collectRecovery('B', { amount: yuan(10_000), source: 'borrower' }, env('rec-B', '2011-07-01'));
  await p.writeOff('B', { approvalRef: 'W-1' }, env('wo-B', '2011-12-01'));
  const items = [
    { loanId: 'A', central: 18_333 as never, local: 0 as never },
    { loanId: 'C', central: 58_333 as never, local: 0 as never },
  ];
  await p.claimSubsidy({ claimId: 'ABC-Q1', bankCode: 'ABC', quarter: '2011-Q1' as never, items }, env('claim', '2011-04-05'));
  await p.paySubsidy(
    'ABC',
    '2011-Q1' as never,
    { claimId: 'ABC-Q1', central: 50_000 as never, local: 0 as never },
    env('pay', '2011-05-10'),
  );
  return p;
}
