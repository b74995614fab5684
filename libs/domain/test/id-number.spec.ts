import { idNumberProblem, maskIdNumber, normaliseIdNumber } from '../src';

describe('resident ID numbers as clerks type them', () => {
  it('are taken with a lower-case x and stray spaces, and matched in one form', () => {
    expect(idNumberProblem(' 11010519491231002x ')).toBeUndefined();
    expect(normaliseIdNumber(' 11010519491231002x ')).toBe('11010519491231002X');
    expect(maskIdNumber(' 11010519491231002x ')).toBe('110105********002X');
  });

  it('of the first generation (15 digits, birth year in the 1900s) are taken in the 18-character form they were re-issued as', () => {
    expect(idNumberProblem('110105491231002')).toBeUndefined();
    expect(normaliseIdNumber(' 110105491231002 ')).toBe('11010519491231002X');
    expect(maskIdNumber('110105491231002')).toBe('110105********002X');
    expect(idNumberProblem('110105491331002')).toMatch(/birth date .*1949-13-31/);
    expect(idNumberProblem('1101054912310021')).toMatch(/18 characters .*or 15 digits/);
  });

  it('begin with the code of a province (GB/T 2260)', () => {
    expect(idNumberProblem('990105491231002')).toMatch(/begins with 99, which is no province's code/);
    const body = '0001051949123100';
    expect(idNumberProblem(`${body}2X`)).toMatch(/begins with 00/);
    expect(idNumberProblem('360721850101001')).toBeUndefined(); // 赣县
  });

  it('have 17 digits and a check character, nothing before or after', () => {
    for (const wrong of ['A11010519491231002X', '11010519491231002XA', '1101051949123100X2', '11010519491231002Y'])
      expect(idNumberProblem(wrong)).toMatch(/18 characters/);
  });
});
