import { Quarter, SubsidyCommand, SubsidyEvent, SubsidyItem, subsidyDecider } from '../src';
import { DeciderSpecification } from './decider-spec';
import { date, money } from './fixtures';

/**
 * A claim too long for one write is recorded in parts, each its own command and event; the rules hold over
 * the whole claim, and it is paid only once every part is in.
 */
const given = DeciderSpecification.for(subsidyDecider);
const quarter = '2011-Q1' as Quarter;
const dueByLoan = {
  L1: { bankCode: 'ABC', central: money(1_000), local: money(0) },
  L2: { bankCode: 'ABC', central: money(2_000), local: money(500) },
  L3: { bankCode: 'ABC', central: money(3_000), local: money(0) },
  L4: { bankCode: 'CCB', central: money(4_000), local: money(0) },
};
const item = (loanId: string, central: number, local = 0): SubsidyItem => ({ loanId, central: money(central), local: money(local) });
const part = (part: number, parts: number, items: SubsidyItem[], claimId = 'C1'): SubsidyCommand => ({
  type: 'ClaimSubsidy',
  claimId,
  bankCode: 'ABC',
  quarter,
  items,
  dueByLoan,
  part,
  parts,
});
const partClaimed = (part: number, parts: number, items: SubsidyItem[], claimId = 'C1'): SubsidyEvent => ({
  type: 'InterestSubsidyClaimed',
  data: {
    claimId,
    bankCode: 'ABC',
    quarter,
    items,
    central: money(items.reduce((t, i) => t + i.central, 0)),
    local: money(items.reduce((t, i) => t + i.local, 0)),
    claimedOn: date('2011-04-05'),
    part,
    parts,
  },
});
const pay = (central: number, local: number): SubsidyCommand => ({
  type: 'PaySubsidy',
  claimId: 'C1',
  central: money(central),
  local: money(local),
});
const [first, second, third] = [[item('L1', 1_000)], [item('L2', 2_000, 500)], [item('L3', 3_000)]];
const on = '2011-04-05';

describe('a subsidy claim recorded in parts', () => {
  it("records the parts in order, each with its own loans and totals, and adds them up into one claim's totals", () => {
    given()
      .when(part(1, 3, first), on)
      .then([partClaimed(1, 3, first)]);
    given([partClaimed(1, 3, first)])
      .when(part(2, 3, second), on)
      .then([partClaimed(2, 3, second)]);
    const state = given([partClaimed(1, 3, first), partClaimed(2, 3, second)])
      .when(part(3, 3, third), on)
      .then([partClaimed(3, 3, third)]);
    expect(state.claims.C1).toEqual({
      bankCode: 'ABC',
      central: 6_000,
      local: 500,
      paidCentral: 0,
      paidLocal: 0,
      parts: 3,
      partsRecorded: 3,
    });
    expect(state.claimedByLoan).toEqual({
      L1: { central: 1_000, local: 0 },
      L2: { central: 2_000, local: 500 },
      L3: { central: 3_000, local: 0 },
    });
  });

  it('refuses a part out of order: before part 1, after a gap, twice, or of another number of parts', () => {
    given()
      .when(part(2, 3, second), on)
      .thenRefuses('SUBSIDY.PART_OUT_OF_ORDER');
    given([partClaimed(1, 3, first)])
      .when(part(3, 3, third), on)
      .thenRefuses('SUBSIDY.PART_OUT_OF_ORDER');
    given([partClaimed(1, 3, first), partClaimed(2, 3, second)])
      .when(part(2, 3, [item('L3', 1)]), on)
      .thenRefuses('SUBSIDY.PART_OUT_OF_ORDER');
    given([partClaimed(1, 3, first)])
      .when(part(2, 2, second), on)
      .thenRefuses('SUBSIDY.PART_OUT_OF_ORDER');
    const error = given([partClaimed(1, 3, first)])
      .when(part(3, 3, third), on)
      .thenRefuses('SUBSIDY.PART_OUT_OF_ORDER');
    expect(error.message).toBe('Part 3 of claim C1 cannot be recorded before part 2: parts are recorded in order.');
    given([partClaimed(1, 3, first)])
      .when(part(1, 3, first), on)
      .thenRefuses('SUBSIDY.CLAIM_EXISTS');
  });

  it('refuses parts that are not parts: numbered from 1 to the number of parts, at least 2', () => {
    for (const [p, of] of [
      [0, 2],
      [3, 2],
      [1, 1],
      [1.5, 2],
    ])
      given()
        .when(part(p, of, first), on)
        .thenRefuses('SUBSIDY.BAD_PART');
  });

  it('applies every rule of a loan over the whole claim: listed once in all its parts, within what is due, lent by the bank', () => {
    given([partClaimed(1, 2, first)])
      .when(part(2, 2, [item('L2', 1), item('L1', 0)]), on)
      .thenRefuses('SUBSIDY.LOAN_TWICE');
    given([partClaimed(1, 2, [item('L1', 600)])])
      .when(part(2, 2, [item('L1', 400)]), on)
      .thenRefuses('SUBSIDY.LOAN_TWICE');
    given([partClaimed(1, 2, first)])
      .when(part(2, 2, [item('L2', 2_001)]), on)
      .thenRefuses('SUBSIDY.EXCEEDS_DUE');
    given([partClaimed(1, 2, first)])
      .when(part(2, 2, [item('L4', 1)]), on)
      .thenRefuses('SUBSIDY.NOT_THIS_BANKS_LOAN');
    given([partClaimed(1, 2, first)])
      .when(part(2, 2, []), on)
      .thenRefuses('SUBSIDY.NO_LOANS');
    given([partClaimed(1, 2, first)])
      .when(part(2, 2, second), '2011-03-31')
      .thenRefuses('SUBSIDY.QUARTER_NOT_ENDED');
  });

  it('files no other claim of the bank and quarter while the parts of one are still coming', () => {
    const other: SubsidyCommand = { type: 'ClaimSubsidy', claimId: 'C2', bankCode: 'ABC', quarter, items: third, dueByLoan };
    const error = given([partClaimed(1, 2, first)])
      .when(other, on)
      .thenRefuses('SUBSIDY.CLAIM_IN_PROGRESS');
    expect(error.message).toMatch(/^Claim C1 for this bank and quarter has 1 of its 2 parts recorded; another claim can be filed once/);
    given([partClaimed(1, 2, first)])
      .when(part(1, 2, third, 'C2'), on)
      .thenRefuses('SUBSIDY.CLAIM_IN_PROGRESS');
    given([partClaimed(1, 2, first), partClaimed(2, 2, second)])
      .when(other, on)
      .then([
        {
          type: 'InterestSubsidyClaimed',
          data: {
            claimId: 'C2',
            bankCode: 'ABC',
            quarter,
            items: third,
            central: money(3_000),
            local: money(0),
            claimedOn: date(on),
            part: 1,
            parts: 1,
          },
        },
      ]);
  });

  it('pays a claim only once every part is in, and then up to the whole claim', () => {
    const error = given([partClaimed(1, 2, first)])
      .when(pay(1_000, 0), '2011-05-01')
      .thenRefuses('SUBSIDY.CLAIM_INCOMPLETE');
    expect(error.message).toMatch(/^Claim C1 was sent in 2 parts and only 1 have been recorded; it can be paid once all are in/);
    const complete = [partClaimed(1, 2, first), partClaimed(2, 2, second)];
    given(complete).when(pay(3_001, 500), '2011-05-01').thenRefuses('SUBSIDY.PAYMENT_EXCEEDS_CLAIM');
    given(complete)
      .when(pay(3_000, 500), '2011-05-01')
      .then([
        {
          type: 'InterestSubsidyPaid',
          data: { claimId: 'C1', bankCode: 'ABC', quarter, central: money(3_000), local: money(500), paidOn: date('2011-05-01') },
        },
      ]);
  });
});
