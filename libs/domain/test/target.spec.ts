import { TargetCommand, TargetEvent, targetDecider, yuan } from '../src';
import { DeciderSpecification } from './decider-spec';
import { date } from './fixtures';

const given = DeciderSpecification.for(targetDecider);
const set = (over: Partial<TargetCommand> = {}): TargetCommand => ({
  type: 'SetAnnualTarget',
  regionCode: '360700',
  year: 2011,
  loans: 3000,
  amount: yuan(150_000_000),
  ...over,
});
const targetSet = (loans: number, amount: number, setOn: string): TargetEvent => ({
  type: 'AnnualTargetSet',
  data: { regionCode: '360700', year: 2011, loans, amount: yuan(amount), setOn: date(setOn) },
});

describe('annual targets (目标责任状)', () => {
  it("sets a region's target, and revises it; the latest counts", () => {
    given()
      .when(set(), '2011-01-02')
      .then([targetSet(3000, 150_000_000, '2011-01-02')]);
    const state = given([targetSet(3000, 150_000_000, '2011-01-02')])
      .when(set({ loans: 3500 }), '2011-07-01')
      .then([targetSet(3500, 150_000_000, '2011-07-01')]);
    expect(state).toEqual({ loans: 3500, amount: yuan(150_000_000) });
  });

  it('ignores a target set again unchanged', () => {
    given([targetSet(3000, 150_000_000, '2011-01-02')])
      .when(set(), '2011-01-03')
      .thenNothingHappened();
  });

  it('refuses an unknown region, a year outside the programme, and targets of nothing or beyond reach', () => {
    given()
      .when(set({ regionCode: '990000' }), '2011-01-02')
      .thenRefuses('REFERENCE.UNKNOWN_REGION');
    given()
      .when(set({ year: 1999 }), '2011-01-02')
      .thenRefuses('TARGET.BAD_YEAR');
    given()
      .when(set({ loans: 0 }), '2011-01-02')
      .thenRefuses('TARGET.NOT_POSITIVE');
    given()
      .when(set({ amount: yuan(0) }), '2011-01-02')
      .thenRefuses('TARGET.NOT_POSITIVE');
    given()
      .when(set({ loans: 10_000_001 }), '2011-01-02')
      .thenRefuses('TARGET.TOO_LARGE');
  });
});
