import { LoanCommand, LoanEvent, NO_RISK_FACTS, RiskFacts, RiskFlagged, loanDecider, yuan } from '../src';
import { DeciderSpecification } from './decider-spec';
import { application, applied, apply, date, guarantee, guaranteed } from './fixtures';

const given = DeciderSpecification.for(loanDecider);
const facts = (over: Partial<RiskFacts>): RiskFacts => ({ ...NO_RISK_FACTS, ...over });
const applyWith = (risk: RiskFacts): LoanCommand => ({ ...apply(), riskFacts: risk }) as LoanCommand;
const flagged = (findings: RiskFlagged['data']['findings'], foundBy: 'application' | 'day_end' = 'application', on = '2011-01-05') =>
  ({ type: 'RiskFlagged', data: { loanId: 'L1', findings, foundBy, foundOn: date(on) } }) as RiskFlagged;
const check = (riskFacts: RiskFacts): LoanCommand => ({ type: 'CheckRisk', riskFacts });
const review = (decision: 'cleared' | 'declined', note = '核实为夫妻共用电话'): LoanCommand => ({
  type: 'ReviewRisk',
  data: { decision, note },
});
const reviewed = (decision: 'cleared' | 'declined', note = '核实为夫妻共用电话'): LoanEvent => ({
  type: 'RiskReviewed',
  data: { loanId: 'L1', decision, note, reviewedOn: date('2011-01-06') },
});

describe('risk control at the application', () => {
  it('records a clean application without a flag', () => {
    given().when(applyWith(NO_RISK_FACTS), '2011-01-05').then([applied()]);
  });

  it("flags a phone, address or bank account another borrower gave, whatever became of the other's loan", () => {
    const risk = facts({
      sharing: [
        { key: 'phone', loanId: 'L7', open: false },
        { key: 'phone', loanId: 'L3', open: true },
        { key: 'bank_account', loanId: 'L3', open: true },
      ],
    });
    given()
      .when(applyWith(risk), '2011-01-05')
      .then([
        applied(),
        flagged([
          { reason: 'shared_contact', key: 'phone', loanIds: ['L3', 'L7'] },
          { reason: 'shared_contact', key: 'bank_account', loanIds: ['L3'] },
        ]),
      ]);
  });

  it("flags a business licence or project of another borrower's open loan as a loan in another person's name, not of a closed one", () => {
    const risk = facts({
      sharing: [
        { key: 'business_licence', loanId: 'L2', open: true },
        { key: 'project', loanId: 'L4', open: false },
      ],
    });
    given()
      .when(applyWith(risk), '2011-01-05')
      .then([applied(), flagged([{ reason: 'loan_in_other_name', key: 'business_licence', loanIds: ['L2'] }])]);
  });

  it('flags a guarantor who already stands behind as many open loans as the policy allows (one)', () => {
    given()
      .when(applyWith(facts({ guarantorLoans: ['L9'] })), '2011-01-05')
      .then([applied(), flagged([{ reason: 'guarantor_over_limit', loanIds: ['L9'] }])]);
  });

  it('flags a borrower refused at another centre, not one refused at this centre before', () => {
    const refusals = [
      { loanId: 'L5', centreId: 'GC-360722' },
      { loanId: 'L6', centreId: 'GC-360721' },
    ];
    given()
      .when(applyWith(facts({ refusals })), '2011-01-05')
      .then([applied(), flagged([{ reason: 'refused_elsewhere', loanIds: ['L5'] }])]);
    given()
      .when(applyWith(facts({ refusals: [refusals[1]] })), '2011-01-05')
      .then([applied()]);
  });

  it('still refuses an application that breaks the rules, flagged or not', () => {
    given()
      .when({ ...apply({ amount: yuan(50_001) }), riskFacts: facts({ guarantorLoans: ['L9'] }) } as LoanCommand, '2011-01-05')
      .thenRefuses('LOAN.CAP_EXCEEDED');
  });
});

describe('the guarantee waits for the review', () => {
  const flaggedApplication = [applied(), flagged([{ reason: 'guarantor_over_limit', loanIds: ['L9'] }])];

  it('refuses to guarantee a flagged application before an officer reviews it', () => {
    given(flaggedApplication).when(guarantee(), '2011-01-08').thenRefuses('RISK.REVIEW_PENDING');
  });

  it('guarantees once an officer cleared it, with their reasons recorded', () => {
    given(flaggedApplication)
      .when(review('cleared'), '2011-01-06')
      .then([reviewed('cleared')]);
    given([...flaggedApplication, reviewed('cleared')])
      .when(guarantee(), '2011-01-08')
      .then([guaranteed()]);
  });

  it('rejects the application when the officer declines it', () => {
    given(flaggedApplication)
      .when(review('declined', '担保人已为他人担保'), '2011-01-06')
      .then([
        reviewed('declined', '担保人已为他人担保'),
        {
          type: 'LoanApplicationRejected',
          data: { loanId: 'L1', borrowerId: 'B1', reasonCode: 'RISK_DECLINED', note: '担保人已为他人担保', rejectedOn: date('2011-01-06') },
        },
      ]);
  });

  it('refuses a review with nothing to review, or without the reasons', () => {
    given([applied()]).when(review('cleared'), '2011-01-06').thenRefuses('RISK.NOTHING_TO_REVIEW');
    given([...flaggedApplication, reviewed('cleared')])
      .when(review('cleared'), '2011-01-07')
      .thenRefuses('RISK.NOTHING_TO_REVIEW');
    given(flaggedApplication).when(review('cleared', '  '), '2011-01-06').thenRefuses('RISK.REVIEW_NEEDS_NOTE');
  });
});

describe("the day-end's re-check", () => {
  const sharedPhone = facts({ sharing: [{ key: 'phone', loanId: 'L3', open: true }] });

  it('flags what was learnt since the application, and only that', () => {
    given([applied()])
      .when(check(sharedPhone), '2011-01-09')
      .then([flagged([{ reason: 'shared_contact', key: 'phone', loanIds: ['L3'] }], 'day_end', '2011-01-09')]);
    const later = facts({ sharing: [...sharedPhone.sharing, { key: 'phone', loanId: 'L8', open: true }] });
    given([applied(), flagged([{ reason: 'shared_contact', key: 'phone', loanIds: ['L3'] }]), reviewed('cleared')])
      .when(check(later), '2011-01-09')
      .then([flagged([{ reason: 'shared_contact', key: 'phone', loanIds: ['L8'] }], 'day_end', '2011-01-09')]);
  });

  it('asks for a new review when it finds something new after a clearance', () => {
    const state = given([applied(), reviewed('cleared')])
      .when(check(facts({ refusals: [{ loanId: 'L5', centreId: 'GC-360722' }] })), '2011-01-09')
      .then([flagged([{ reason: 'refused_elsewhere', loanIds: ['L5'] }], 'day_end', '2011-01-09')]);
    expect(state.risk.pending).toBe(true);
  });

  it('records nothing for what was found before, or for a loan already guaranteed', () => {
    given([applied(), flagged([{ reason: 'shared_contact', key: 'phone', loanIds: ['L3'] }])])
      .when(check(sharedPhone), '2011-01-09')
      .thenNothingHappened();
    given([applied(), guaranteed()]).when(check(sharedPhone), '2011-01-09').thenNothingHappened();
  });
});

describe('the application records what risk control matches on', () => {
  it('keeps the keyed hashes, the guarantor and the sealed contact details as given', () => {
    const details = {
      contact: { phone: 'pii1.sealed-phone' },
      businessLicence: '91360721MA35XXXX0K',
      guarantorId: 'g-hash',
      riskKeys: { phone: 'h1', project: 'h2' },
    };
    given()
      .when({ type: 'ApplyForLoan', data: application(details) }, '2011-01-05')
      .then([applied(details)]);
  });
});
