import {
  BusinessDate,
  Quarter,
  addDays,
  businessDate,
  isBusinessDate,
  isQuarter,
  quarterEnd,
  quarterOf,
  settlementDatesBetween,
} from '../src';

const d = (s: string) => s as BusinessDate;

describe('business dates', () => {
  it('are real calendar days written YYYY-MM-DD, and nothing else', () => {
    expect(['2011-01-05', '2012-02-29', '2011-12-31'].map(isBusinessDate)).toEqual([true, true, true]);
    const notDates = [
      '2011-02-29',
      '2011-13-01',
      '2011-00-10',
      '2011-04-31',
      '2011-1-05',
      '2011-01-5',
      ' 2011-01-05',
      '2011-01-05 ',
      '20110105',
    ];
    expect(notDates.filter(isBusinessDate)).toEqual([]);
    // JavaScript reads the years 0–99 as 19xx: such a "date" is not the day it says.
    expect(isBusinessDate('0050-06-15')).toBe(false);
    expect([20110105, null, undefined, new Date(2011, 0, 5)].filter(isBusinessDate)).toEqual([]);
  });

  it('refuses what is not one, as a figure out of range', () => {
    expect(businessDate('2011-01-05')).toBe('2011-01-05');
    expect(() => businessDate('2011-02-29')).toThrow(RangeError);
  });

  it('move by days across month and year ends', () => {
    expect(addDays(d('2011-12-31'), 1)).toBe('2012-01-01');
    expect(addDays(d('2012-03-01'), -1)).toBe('2012-02-29');
    expect(addDays(d('2011-01-10'), 0)).toBe('2011-01-10');
  });
});

describe('quarters', () => {
  it('are written YYYY-Qn, n from 1 to 4, in a year with calendar dates', () => {
    expect(['2011-Q1', '2011-Q4'].map(isQuarter)).toEqual([true, true]);
    expect(['2011-Q0', '2011-Q5', '2011-q1', '2011Q1', ' 2011-Q1', '2011-Q1 ', '0050-Q1', 2011].filter(isQuarter)).toEqual([]);
  });

  it('hold the months they name, and end on their last day', () => {
    expect(['2011-01-01', '2011-03-31', '2011-04-01', '2011-09-30', '2011-10-01', '2011-12-31'].map((x) => quarterOf(d(x)))).toEqual([
      '2011-Q1',
      '2011-Q1',
      '2011-Q2',
      '2011-Q3',
      '2011-Q4',
      '2011-Q4',
    ]);
    expect((['2012-Q1', '2011-Q2', '2011-Q3'] as Quarter[]).map(quarterEnd)).toEqual(['2012-03-31', '2011-06-30', '2011-09-30']);
  });
});

describe('interest settlement days', () => {
  it('are the 20th of March, June, September and December, both ends of the period included', () => {
    expect(settlementDatesBetween(d('2011-03-20'), d('2012-03-20'))).toEqual([
      '2011-03-20',
      '2011-06-20',
      '2011-09-20',
      '2011-12-20',
      '2012-03-20',
    ]);
    expect(settlementDatesBetween(d('2011-03-21'), d('2011-06-19'))).toEqual([]);
    expect(settlementDatesBetween(d('2011-06-20'), d('2011-06-20'))).toEqual(['2011-06-20']);
  });
});
