import { ErasureEvent, RecordErasure, borrowerDecider, checkErasable, erasureDecider } from '../src';
import { DeciderSpecification } from './decider-spec';
import { date } from './fixtures';

const given = DeciderSpecification.for(erasureDecider);
const request = { borrowerId: 'B1', legalBasis: 'consent_withdrawn' as const, requestReference: 'R-1', erasedAt: '2026-12-03T10:00:00Z' };
const erase = (...keyGenerations: number[]): RecordErasure => ({ type: 'RecordErasure', data: { ...request, keyGenerations } });
const erased = (keyGenerations: number[], on = '2011-02-01'): ErasureEvent => ({
  type: 'BorrowerDataErased',
  data: { ...request, keyGenerations, erasedOn: date(on) },
});

describe("erasure: a borrower's personal data, erased on a recorded legal basis", () => {
  it('records the keys destroyed, with the basis and the request', () => {
    const state = given()
      .when(erase(1), '2011-02-01')
      .then([erased([1])]);
    expect(state).toEqual({ erased: [1] });
  });

  it('records each key generation once, however often the request is sent', () => {
    given([erased([1])])
      .when(erase(1), '2011-02-02')
      .thenNothingHappened();
    given([erased([1])])
      .when(erase(1, 2), '2012-03-01')
      .then([erased([2], '2012-03-01')]);
  });

  it('is refused while a loan of the person is open or a claim on them is kept on file, and allowed once the loan is closed', () => {
    const opened = borrowerDecider.evolve(borrowerDecider.initialState(), {
      type: 'BorrowerLoanOpened',
      data: { borrowerId: 'B1', loanId: 'L1', openedOn: date('2011-01-05') },
    });
    expect(() => checkErasable(opened)).toThrow(expect.objectContaining({ code: 'BORROWER.LOAN_OPEN' }));
    const closed = borrowerDecider.evolve(opened, {
      type: 'BorrowerLoanClosed',
      data: { borrowerId: 'B1', loanId: 'L1', outcome: 'settled', closedOn: date('2012-01-10') },
    });
    expect(() => checkErasable(closed)).not.toThrow();
    const writtenOff = borrowerDecider.evolve(opened, {
      type: 'BorrowerLoanClosed',
      data: { borrowerId: 'B1', loanId: 'L1', outcome: 'written_off', closedOn: date('2012-01-10') },
    });
    expect(() => checkErasable(writtenOff)).toThrow(expect.objectContaining({ code: 'BORROWER.CLAIM_ON_FILE' }));
  });
});
