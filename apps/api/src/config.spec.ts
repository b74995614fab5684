import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JIANGXI_POLICIES } from '@app/domain';
import { loadConfig, loadRules } from './config';

describe('configuration checked at boot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loans-config-'));
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(content));
    return path;
  };

  it('refuses a bad port, a bad day-end time and a production run without its own ID-number key', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DAY_END_AT: '25:00' })).toThrow(/DAY_END_AT/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/BORROWER_KEY_SECRET/);
  });

  it('uses the Jiangxi reference data and policies unless files replace them', () => {
    const rules = loadRules(loadConfig({}));
    expect(rules.reference.allRegions()).toHaveLength(112);
    expect(rules.reference.set.centres).toHaveLength(129);
    expect(rules.reference.set.banks).toHaveLength(21);
    expect(rules.policies).toBe(JIANGXI_POLICIES);
  });

  it("loads another province's reference data from a file, checking it is consistent", () => {
    const regions = [
      { code: '420000', name: '湖北省', level: 'province' },
      { code: '420100', name: '武汉市', level: 'city', parent: '420000' },
    ];
    const good = file('good.json', { regions, centres: [{ id: 'GC-420100', name: 'c', regionCode: '420100' }], banks: [], branches: [] });
    expect(loadRules(loadConfig({ REFERENCE_DATA_FILE: good })).reference.centre('GC-420100')).toBeDefined();
    const bad = file('bad.json', { regions, centres: [{ id: 'GC-1', name: 'c', regionCode: '999999' }], banks: [], branches: [] });
    expect(() => loadRules(loadConfig({ REFERENCE_DATA_FILE: bad }))).toThrow(/centre GC-1 is in unknown region/);
  });

  it('refuses a policy file with a cap that is not whole fen', () => {
    const broken = [{ ...JIANGXI_POLICIES[1], caps: { ...JIANGXI_POLICIES[1].caps, individual: 50_000.5 } }];
    expect(() => loadRules(loadConfig({ POLICY_FILE: file('policy.json', broken) }))).toThrow(/caps.individual/);
  });

  it('refuses a policy that lets a fund stand behind more than ten times its balance', () => {
    const leverage = (leverageMultiple: number) => file(`policy-${leverageMultiple}.json`, [{ ...JIANGXI_POLICIES[1], leverageMultiple }]);
    expect(() => loadRules(loadConfig({ POLICY_FILE: leverage(11) }))).toThrow(/leverageMultiple must be at most 10/);
    expect(loadRules(loadConfig({ POLICY_FILE: leverage(10) })).policies[0].leverageMultiple).toBe(10);
  });
});
