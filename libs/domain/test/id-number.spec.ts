import { idNumberProblem, maskIdNumber, normaliseIdNumber } from '../src';

describe('resident ID numbers as clerks type them', () => {
  it('are taken with a lower-case x and stray spaces, and matched in one form', () => {
    expect(idNumberProblem(' 11010519491231002x ')).toBeUndefined();
    expect(normaliseIdNumber(' 11010519491231002x ')).toBe('11010519491231002X');
    expect(maskIdNumber(' 11010519491231002x ')).toBe('110105********002X');
  });

  it('have 17 digits and a check character, nothing before or after', () => {
    for (const wrong of ['A11010519491231002X', '11010519491231002XA', '1101051949123100X2', '11010519491231002Y'])
      expect(idNumberProblem(wrong)).toMatch(/18 characters/);
  });
});
