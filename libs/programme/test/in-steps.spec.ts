import { DomainError, bp, fen, fundStream, loanStream, yuan } from '@app/domain';
import { SqliteEventStore, WrongExpectedVersionError } from '@app/event-store';
import { applicationData, envelope, guaranteeData, inSteps, programmeOn } from '../../../test/support/programme';

/**
 * What only happens between the steps of a cross-stream command, as on EventStoreDB (on the embedded
 * store the steps are one commit and nothing lands between them).
 */
describe('cross-stream commands in steps', () => {
  let sqlite: SqliteEventStore;
  let p: ReturnType<typeof programmeOn>['programme'];
  const types = async (stream: string) => (await sqlite.readStream(stream)).map((e) => e.type);
  const code = (work: Promise<unknown>) =>
    work.then(
      () => 'accepted',
      (e: unknown) => (e instanceof DomainError ? e.code : String(e)),
    );
  beforeEach(async () => {
    sqlite = new SqliteEventStore({ path: ':memory:' });
    p = programmeOn(inSteps(sqlite)).programme;
    await p.contribute('GC-360721', { source: 'county_finance', amount: yuan(1_000_000), reference: 'r' }, envelope('f', '2011-01-02'));
    await p.applyForLoan(applicationData('L1', 'P1'), envelope('apply', '2011-01-05'));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    return sqlite.close();
  });

  it('takes back a guarantee whose loan stays too busy, and refuses its retry as cancelled', async () => {
    const append = sqlite.appendToStream.bind(sqlite);
    jest
      .spyOn(sqlite, 'appendToStream')
      .mockImplementation((name, events, options) =>
        name === loanStream('L1')
          ? Promise.reject(new WrongExpectedVersionError(name, options.expectedRevision, 99n))
          : append(name, events, options),
      );
    expect(await code(p.issueGuarantee('L1', guaranteeData(), envelope('g-1', '2011-01-08')))).toBe('COMMAND.TOO_MUCH_CONTENTION');
    jest.restoreAllMocks();
    expect((await types(fundStream('GC-360721'))).slice(-2)).toEqual(['FundExposureReserved', 'FundExposureReleased']);
    expect(await code(p.issueGuarantee('L1', guaranteeData(), envelope('g-1', '2011-01-08')))).toBe('COMMAND.CANCELLED');
    expect(await code(p.issueGuarantee('L1', guaranteeData(), envelope('g-2', '2011-01-08')))).toBe('accepted');
  });

  it('refuses a compensation when a repayment lands between charging the fund and recording it on the loan, and reverses the charge', async () => {
    await p.issueGuarantee('L1', guaranteeData(), envelope('g', '2011-01-08'));
    const terms = { contractRate: bp(600), repaymentMethod: 'interest_quarterly_principal_at_maturity' as const, borrowerFees: fen(0) };
    await p.disburse('L1', { amount: yuan(50_000), bankContractNo: 'C1', ...terms }, envelope('d', '2011-01-10'));
    const append = sqlite.appendToStream.bind(sqlite);
    let repaid: string | undefined;
    jest.spyOn(sqlite, 'appendToStream').mockImplementation(async (name, events, options) => {
      const result = await append(name, events, options);
      if (events.some((e) => e.type === 'FundCompensationCharged') && !repaid)
        repaid = await code(p.repay('L1', { principal: fen(0), interest: fen(10_000), borrowerFees: fen(0) }, envelope('r', '2011-06-19')));
      return result;
    });
    expect(await code(p.payCompensation('L1', envelope('c-1', '2011-06-19')))).toBe('LOAN.COMPENSATION_CHANGED');
    jest.restoreAllMocks();
    expect(repaid).toBe('accepted');
    expect(await types(loanStream('L1'))).toEqual(['LoanApplied', 'GuaranteeIssued', 'Disbursed', 'Repaid']);
    expect((await types(fundStream('GC-360721'))).slice(-2)).toEqual(['FundCompensationCharged', 'FundCompensationReversed']);
    expect(await code(p.payCompensation('L1', envelope('c-2', '2011-06-19')))).toBe('accepted');
  });
});
