import { riskKeysOf } from './risk-keys';

const keys = (d: Parameters<typeof riskKeysOf>[0], secret = 's1') => riskKeysOf(d, secret);

describe("risk control's blind indexes", () => {
  it('match the same detail however the clerk typed it', () => {
    const a = keys({
      phone: '138-0795-1234',
      address: '丰城市 龙津路18号',
      bankAccount: '6228 4800 1234',
      businessLicence: '91360721ma35l2xb4q',
      projectName: '脐橙 种植',
    });
    const b = keys({
      phone: '+86 138 0795 1234',
      address: '丰城市龙津路１８号。',
      bankAccount: '622848001234',
      businessLicence: ' 91360721MA35L2XB4Q',
      projectName: '脐橙种植',
    });
    expect(a).toEqual(b);
    expect(Object.keys(a).sort()).toEqual(['address', 'bank_account', 'business_licence', 'phone', 'project']);
  });

  it('tell different details apart, never hold the detail itself, and depend on the secret', () => {
    const a = keys({ phone: '13807951234', projectName: 'p' });
    expect(a.phone).not.toEqual(keys({ phone: '13807951235', projectName: 'p' }).phone);
    expect(a.phone).not.toEqual(keys({ phone: '13807951234', projectName: 'p' }, 's2').phone);
    expect(a.phone).not.toContain('1380795');
    // The same digits as a phone and as an account are different details.
    expect(keys({ bankAccount: '13807951234', projectName: 'p' }).bank_account).not.toEqual(a.phone);
  });

  it('match a project only at its address: a name alone names no business', () => {
    expect(keys({ projectName: '脐橙种植' }).project).toBeUndefined();
    const here = keys({ projectName: '脐橙种植', address: '龙津路18号' }).project;
    expect(keys({ projectName: '脐橙种植', address: '龙津路20号' }).project).not.toEqual(here);
    expect(keys({ projectName: '脐橙种植', address: '龙津路 18 号' }).project).toEqual(here);
  });
});
