import {
  DomainError,
  Fen,
  MAX_AMOUNT_FEN,
  add,
  bp,
  broken,
  divideHalfUp,
  fen,
  formatYuan,
  invalid,
  isRecordableAmount,
  max,
  min,
  notFound,
  sub,
  unreachable,
  yuan,
} from '../src';

const f = (n: number) => n as Fen;

describe('amounts', () => {
  it('enter the system only as whole fen within what the programme records, either sign', () => {
    expect([0, 1, MAX_AMOUNT_FEN, -MAX_AMOUNT_FEN].map(isRecordableAmount)).toEqual([true, true, true, true]);
    expect([MAX_AMOUNT_FEN + 1, -MAX_AMOUNT_FEN - 1, 1.5, Number.NaN, '100', null].filter(isRecordableAmount)).toEqual([]);
  });

  it('are whole fen: yuan convert exactly, and parts of a fen or a basis point are refused', () => {
    expect(yuan(1.23)).toBe(123);
    expect(fen(-5)).toBe(-5);
    expect(() => fen(0.5)).toThrow(RangeError);
    expect(() => fen(2 ** 53)).toThrow(RangeError);
    expect(bp(531)).toBe(531);
    expect(() => bp(5.31)).toThrow(RangeError);
  });

  it('add, subtract and compare', () => {
    expect(add()).toBe(0);
    expect(add(f(1), f(2), f(3))).toBe(6);
    expect(sub(f(1), f(3))).toBe(-2);
    expect([min(f(1), f(2)), min(f(2), f(1)), max(f(1), f(2)), max(f(2), f(1))]).toEqual([1, 1, 2, 2]);
  });

  it('round halves away from zero whatever the signs', () => {
    expect([divideHalfUp(5n, -2n), divideHalfUp(-5n, -2n), divideHalfUp(4n, -2n), divideHalfUp(-7n, 3n)]).toEqual([-3n, 3n, -2n, -2n]);
  });

  it('read as yuan with thousands separated, for the messages a clerk reads', () => {
    expect([123_456, 5, 100, 0, -123_456, 123_456_789_00].map((n) => formatYuan(f(n)))).toEqual([
      '1,234.56 yuan',
      '0.05 yuan',
      '1.00 yuan',
      '0.00 yuan',
      '-1,234.56 yuan',
      '123,456,789.00 yuan',
    ]);
  });
});

describe('domain errors', () => {
  it('carry the kind the edge answers with: bad input, unknown, a broken rule', () => {
    const kinds = [invalid('A', 'a', { x: 1 }), notFound('B', 'b'), broken('C', 'c', { y: 2 }), new DomainError('D', 'd')].map((e) => ({
      name: e.name,
      code: e.code,
      kind: e.kind,
      details: e.details,
    }));
    expect(kinds).toEqual([
      { name: 'DomainError', code: 'A', kind: 'invalid', details: { x: 1 } },
      { name: 'DomainError', code: 'B', kind: 'not_found', details: undefined },
      { name: 'DomainError', code: 'C', kind: 'rule', details: { y: 2 } },
      { name: 'DomainError', code: 'D', kind: 'rule', details: undefined },
    ]);
  });

  it('leave no unknown command or event unhandled', () => {
    expect(() => unreachable({ type: 'Unknown' } as never)).toThrow(Error);
  });
});
