import { Fen, MAX_COUNT, isRecordableAmount } from '../shared/money';
import { BusinessDate } from '../shared/dates';
import { Decider, DomainEvent } from '../shared/decider';
import { ensure, invalid, unreachable } from '../shared/errors';

/** The year's target for a region (目标责任状); setting it again revises it, the latest counts. */
export type AnnualTargetSet = DomainEvent<
  'AnnualTargetSet',
  {
    /** The region (GB/T 2260 code): a county, a city, or the province. */
    regionCode: string;
    year: number;
    /** Loans to make in the year. */
    loans: number;
    /** Amount to lend in the year. */
    amount: Fen;
    setOn: BusinessDate;
  }
>;
export type TargetEvent = AnnualTargetSet;
export type TargetCommand = { type: 'SetAnnualTarget'; regionCode: string; year: number; loans: number; amount: Fen };
export interface TargetState {
  loans?: number;
  amount?: Fen;
}

export const targetStream = (regionCode: string, year: number) => `target-${regionCode}-${year}`;

export const targetDecider: Decider<TargetCommand, TargetEvent, TargetState> = {
  initialState: () => ({}),
  decide(c, s, ctx) {
    ctx.reference.requireRegion(c.regionCode);
    ensure(Number.isInteger(c.year) && c.year >= 2000 && c.year <= 2100, () =>
      invalid('TARGET.BAD_YEAR', `${c.year} is not a programme year.`),
    );
    ensure(Number.isInteger(c.loans) && c.loans >= 1 && c.amount > 0, () =>
      invalid('TARGET.NOT_POSITIVE', 'A target needs a number of loans and an amount, both more than zero.'),
    );
    ensure(c.loans <= MAX_COUNT && isRecordableAmount(c.amount), () =>
      invalid('TARGET.TOO_LARGE', 'The target is larger than any programme could reach; check the number of loans and the amount.'),
    );
    if (s.loans === c.loans && s.amount === c.amount) return [];
    return [
      {
        type: 'AnnualTargetSet',
        data: { regionCode: c.regionCode, year: c.year, loans: c.loans, amount: c.amount, setOn: ctx.businessDate },
      },
    ];
  },
  evolve(_s, e) {
    switch (e.type) {
      case 'AnnualTargetSet':
        return { loans: e.data.loans, amount: e.data.amount };
      default:
        return unreachable(e.type);
    }
  },
};
