import {
  addMonths,
  applyRate,
  bp,
  daysBetween,
  divideHalfUp,
  idNumberProblem,
  interestOn,
  maskIdNumber,
  quarterEnd,
  yuan,
  Quarter,
} from '../src';

describe('money', () => {
  it('rounds half-up to the fen, exactly, at any size', () => {
    expect(divideHalfUp(5n, 2n)).toBe(3n);
    expect(divideHalfUp(-5n, 2n)).toBe(-3n);
    expect(divideHalfUp(4n, 3n)).toBe(1n);
    expect(interestOn(5_000_000 * 70, bp(600))).toBe(58_333);
    expect(interestOn(1 * 60, bp(600))).toBe(0); // 0.01 fen
    expect(interestOn(3_000 * 1, bp(600))).toBe(1); // 0.5 fen → 1
    expect(applyRate(yuan(1), bp(2500))).toBe(25);
  });

  it('refuses fractions of a fen', () => {
    expect(() => yuan(0.001)).toThrow(RangeError);
  });
});

describe('dates', () => {
  it('adds months to the same day, clamped to the month end, and counts days', () => {
    expect(addMonths('2011-01-31' as never, 1)).toBe('2011-02-28');
    expect(addMonths('2011-01-10' as never, 24)).toBe('2013-01-10');
    expect(daysBetween('2011-01-10' as never, '2011-03-21' as never)).toBe(70);
    expect(quarterEnd('2011-Q1' as Quarter)).toBe('2011-03-31');
    expect(quarterEnd('2011-Q4' as Quarter)).toBe('2011-12-31');
  });
});

describe('ID numbers (GB 11643)', () => {
  it('accepts a number with a correct check character and refuses a wrong one', () => {
    expect(idNumberProblem('11010519491231002X')).toBeUndefined();
    expect(idNumberProblem('110105194912310021')).toMatch(/check digit/);
    expect(idNumberProblem('11010519491331002X')).toMatch(/birth date/);
    expect(idNumberProblem('1101051949123100')).toMatch(/18 characters/);
  });

  it('masks all but the region and the last four', () => {
    expect(maskIdNumber('11010519491231002x')).toBe('110105********002X');
  });
});
