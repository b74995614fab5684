import { bp, yuan } from '../src';
import { apply, disburse, given, guarantee, history, repay, runningLoan } from './fixtures';

describe('applying for a loan', () => {
  it('accepts a complete application and records its city, bank and date', () => {
    const [e] = given().when(apply(), '2011-01-05');
    expect(e.type).toBe('LoanApplied');
    expect(e.data).toMatchObject({ loanId: 'L1', cityCode: '360700', bankCode: 'ABC', appliedOn: '2011-01-05', amount: 5_000_000 });
  });

  it.each([
    ['an individual loan above 50,000 yuan in 2011', apply({ amount: yuan(50_001) }), '2011-01-05'],
    ['an individual loan above 20,000 yuan under the 2002 pilot policy', apply({ amount: yuan(30_000) }), '2004-06-01'],
    ['a partnership above 200,000 yuan', apply({ kind: 'partnership', personsSupported: 4, amount: yuan(200_001) }), '2011-01-05'],
    ['an enterprise loan above 2,000,000 yuan', apply({ kind: 'enterprise', amount: yuan(2_000_001) }), '2011-01-05'],
  ])('refuses %s as over the cap', (_, command, on) => {
    expect(given().refuses(command, on)).toBe('LOAN.CAP_EXCEEDED');
  });

  it.each([
    ['a term over 24 months', apply({ termMonths: 25 }), 'LOAN.TERM_TOO_LONG'],
    ['an unknown county', apply({ countyCode: '999999' }), 'REFERENCE.UNKNOWN_COUNTY'],
    ['a centre that does not serve the county', apply({ centreId: 'GC-360100' }), 'LOAN.CENTRE_NOT_RESPONSIBLE'],
    ['an unknown centre', apply({ centreId: 'GC-999999' }), 'REFERENCE.UNKNOWN_CENTRE'],
    ['a branch in another city', apply({ branchId: 'ABC-360102' }), 'LOAN.BRANCH_OUTSIDE_AREA'],
    ['no category', apply({ categories: [] }), 'LOAN.NO_CATEGORY'],
    [
      'a joint guarantee of two households',
      apply({ counterGuarantee: { mode: 'joint_households', households: 2 } }),
      'LOAN.JOINT_GUARANTEE_TOO_FEW',
    ],
    ['a partnership of one', apply({ kind: 'partnership', personsSupported: 1 }), 'LOAN.PARTNERSHIP_NEEDS_PARTNERS'],
    ['a first loan naming a previous loan', apply({ previousLoanId: 'L0' }), 'LOAN.PREVIOUS_LOAN_NOT_EXPECTED'],
  ])('refuses %s', (_, command, code) => {
    expect(given().refuses(command, '2011-01-05')).toBe(code);
  });

  it('lets the provincial and city centres guarantee anywhere below them', () => {
    expect(given().when(apply({ centreId: 'GC-360000' }), '2011-01-05')).toHaveLength(1);
    expect(given().when(apply({ centreId: 'GC-360700', branchId: 'BOCOM-360700' }), '2011-01-05')).toHaveLength(1);
  });

  it('refuses a second application on the same loan id', () => {
    expect(given(...history([[apply(), '2011-01-05']])).refuses(apply(), '2011-01-06')).toBe('LOAN.ALREADY_APPLIED');
  });
});

describe('rejecting an application', () => {
  it('rejects an open application, naming the borrower for the follow-up', () => {
    const [e] = given(...history([[apply(), '2011-01-05']])).when(
      { type: 'RejectLoanApplication', data: { reasonCode: 'INCOMPLETE_FILE' } },
      '2011-01-07',
    );
    expect(e).toMatchObject({ type: 'LoanApplicationRejected', data: { borrowerId: 'B1', reasonCode: 'INCOMPLETE_FILE' } });
  });

  it('refuses to reject a disbursed loan', () => {
    expect(given(...runningLoan()).refuses({ type: 'RejectLoanApplication', data: { reasonCode: 'X' } }, '2011-02-01')).toBe(
      'LOAN.CANNOT_REJECT',
    );
  });
});

describe('guaranteeing', () => {
  const applied = () => given(...history([[apply(), '2011-01-05']]));

  it("issues a guarantee on the centre's fund under the policy in force", () => {
    const [e] = applied().when(guarantee(), '2011-01-08');
    expect(e).toMatchObject({
      type: 'GuaranteeIssued',
      data: { fundId: 'GC-360721', guaranteedAmount: 5_000_000, policyVersion: 'JX-2008', feePaidBy: 'finance' },
    });
  });

  it('refuses a fee charged to the borrower, a fee above 1 % and a guarantee above the application', () => {
    expect(
      applied().refuses(
        { type: 'IssueGuarantee', data: { guaranteedAmount: yuan(50_000), feeRate: bp(100), feePaidBy: 'borrower' } },
        '2011-01-08',
      ),
    ).toBe('LOAN.FEES_FORBIDDEN');
    expect(
      applied().refuses(
        { type: 'IssueGuarantee', data: { guaranteedAmount: yuan(50_000), feeRate: bp(101), feePaidBy: 'finance' } },
        '2011-01-08',
      ),
    ).toBe('LOAN.GUARANTEE_FEE_TOO_HIGH');
    expect(applied().refuses(guarantee(yuan(50_001)), '2011-01-08')).toBe('LOAN.GUARANTEE_EXCEEDS_APPLICATION');
  });
});

describe('disbursing', () => {
  it('refuses to disburse a loan without a guarantee', () => {
    expect(given(...history([[apply(), '2011-01-05']])).refuses(disburse(), '2011-01-10')).toBe('LOAN.NOT_GUARANTEED');
  });

  it('refuses to disburse twice', () => {
    expect(given(...runningLoan()).refuses(disburse(), '2011-01-11')).toBe('LOAN.ALREADY_DISBURSED');
  });

  it('fixes maturity, plan, benchmark and subsidy terms at disbursement', () => {
    const events = runningLoan();
    expect(events[2]).toMatchObject({
      type: 'Disbursed',
      data: {
        maturityDate: '2012-01-10',
        benchmarkRate: 581,
        contractRate: 600,
        plan: [{ dueDate: '2012-01-10', principal: 5_000_000 }],
        subsidy: { scheme: 'central_full', centralShare: 10_000 },
      },
    });
  });

  it('splits equal instalments over the quarterly 20ths, the rest at maturity', () => {
    const steps = history([
      [apply(), '2011-01-05'],
      [guarantee(), '2011-01-08'],
    ]);
    const [e] = given(...steps).when(
      {
        type: 'DisburseLoan',
        data: {
          amount: yuan(50_000),
          contractRate: bp(600),
          repaymentMethod: 'equal_principal_quarterly',
          bankContractNo: 'C',
          borrowerFees: 0 as never,
        },
      },
      '2011-01-10',
    );
    const plan = (e.data as { plan: Array<{ dueDate: string; principal: number }> }).plan;
    expect(plan.map((p) => p.dueDate)).toEqual(['2011-03-20', '2011-06-20', '2011-09-20', '2011-12-20', '2012-01-10']);
    expect(plan.reduce((s, p) => s + p.principal, 0)).toBe(5_000_000);
  });

  it('refuses a rate above benchmark plus 3 points, more than the guarantee, and any fee', () => {
    const guaranteed = given(
      ...history([
        [apply(), '2011-01-05'],
        [guarantee(), '2011-01-08'],
      ]),
    );
    expect(guaranteed.refuses(disburse(yuan(50_000), 882), '2011-01-10')).toBe('LOAN.RATE_TOO_HIGH');
    expect(guaranteed.when(disburse(yuan(50_000), 881), '2011-01-10')).toHaveLength(1);
    expect(guaranteed.refuses(disburse(yuan(50_001)), '2011-01-10')).toBe('LOAN.DISBURSEMENT_EXCEEDS_GUARANTEE');
    const withFee = { type: 'DisburseLoan' as const, data: { ...(disburse() as { data: object }).data, borrowerFees: 100 } };
    expect(guaranteed.refuses(withFee as never, '2011-01-10')).toBe('LOAN.FEES_FORBIDDEN');
  });
});

describe('repaying', () => {
  // 5,000,000 fen × 6 % × 70 days (10 Jan – 20 Mar inclusive) / 360 = 58,333.33 → 58,333 fen
  it('owes interest to the quarterly settlement day, rounded half-up to the fen, and subsidises it in full', () => {
    const [e] = given(...runningLoan()).when(repay(0, 58_333), '2011-03-20');
    expect(e).toMatchObject({
      type: 'Repaid',
      data: { interest: 58_333, subsidisableInterest: 58_333, subsidyCentral: 58_333, subsidyLocal: 0 },
    });
    expect(given(...runningLoan()).refuses(repay(0, 58_334), '2011-03-20')).toBe('LOAN.INTEREST_EXCEEDS_OWED');
  });

  it('refuses more principal than is outstanding, an empty repayment and a fee', () => {
    expect(given(...runningLoan()).refuses(repay(5_000_001, 0), '2011-03-20')).toBe('LOAN.REPAYMENT_EXCEEDS_OUTSTANDING');
    expect(given(...runningLoan()).refuses(repay(0, 0), '2011-03-20')).toBe('LOAN.REPAYMENT_EMPTY');
    const fee = { type: 'RecordRepayment' as const, data: { principal: 0, interest: 100, borrowerFees: 1 } };
    expect(given(...runningLoan()).refuses(fee as never, '2011-03-20')).toBe('LOAN.FEES_FORBIDDEN');
  });

  it('settles the loan, on time, when principal and interest are all paid', () => {
    // Early payoff on 1 Feb: 22 days × 5,000,000 × 6 % / 360 = 18,333.33 → 18,333 fen
    const events = given(...runningLoan()).when(repay(5_000_000, 18_333), '2011-02-01');
    expect(events.map((e) => e.type)).toEqual(['Repaid', 'LoanSettled']);
    expect(events[1].data).toMatchObject({ onTime: true, fundId: 'GC-360721', borrowerId: 'B1' });
  });

  it('subsidises enterprise interest a quarter from central and three quarters from local finance', () => {
    const big = yuan(2_000_000);
    const steps = history([
      [apply({ kind: 'enterprise', amount: big, personsSupported: 30, jobsPlanned: 40 }), '2011-01-05'],
      [guarantee(big), '2011-01-08'],
      [disburse(big), '2011-01-10'],
    ]);
    // 200,000,000 fen × 6 % × 22 / 360 = 733,333.33 → 733,333; central 25 % = 183,333.25 → 183,333
    const [e] = given(...steps).when(repay(0, 733_333), '2011-02-01');
    expect(e.data).toMatchObject({ subsidisableInterest: 733_333, subsidyCentral: 183_333, subsidyLocal: 550_000 });
  });
});
