import { DomainError, JIANGXI_REFERENCE, ReferenceData, ReferenceSet } from '../src';

/** A province, a city and a county under it; a centre and a bank branch in the county. */
const small = (over: Partial<ReferenceSet> = {}): ReferenceSet => ({
  regions: [
    { code: '360000', name: '江西省', level: 'province' },
    { code: '360700', name: '赣州市', level: 'city', parent: '360000' },
    { code: '360721', name: '赣县', level: 'county', parent: '360700' },
  ],
  centres: [{ id: 'GC-360721', name: '赣县中心', regionCode: '360721' }],
  banks: [{ code: 'ABC', name: '农行' }],
  branches: [{ id: 'ABC-360721', bankCode: 'ABC', regionCode: '360721', name: '农行赣县支行' }],
  ...over,
});

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return error instanceof DomainError ? error.code : String(error);
  }
  return 'no error';
};

describe('reference data', () => {
  it("loads Jiangxi's regions, centres, banks and branches", () => {
    expect(() => new ReferenceData(JIANGXI_REFERENCE)).not.toThrow();
    expect(() => new ReferenceData(small())).not.toThrow();
  });

  it.each<[string, Partial<ReferenceSet>, RegExp]>([
    ['a region code of five digits', { regions: [{ code: '36000', name: 'x', level: 'province' }] }, /36000/],
    ['a region code of seven digits', { regions: [{ code: '3600000', name: 'x', level: 'province' }] }, /3600000/],
    ['a region code with letters', { regions: [{ code: '36O000', name: 'x', level: 'province' }] }, /36O000/],
    ['a region under an unknown parent', { regions: [{ code: '360700', name: 'x', level: 'city', parent: '350000' }] }, /350000/],
    ['a centre in an unknown region', { centres: [{ id: 'GC-X', name: 'x', regionCode: '999999' }] }, /GC-X/],
    ['a branch of an unknown bank', { branches: [{ id: 'BR-1', bankCode: 'XYZ', regionCode: '360721', name: 'x' }] }, /XYZ/],
    ['a branch in an unknown region', { branches: [{ id: 'BR-2', bankCode: 'ABC', regionCode: '999999', name: 'x' }] }, /BR-2/],
  ])('refuses to start with %s, naming it', (_, over, named) => {
    const set = small();
    const merged: ReferenceSet = {
      regions: [...set.regions, ...(over.regions ?? [])],
      centres: [...set.centres, ...(over.centres ?? [])],
      banks: set.banks,
      branches: [...set.branches, ...(over.branches ?? [])],
    };
    expect(() => new ReferenceData(merged)).toThrow(named);
  });

  describe('lookups', () => {
    const reference = new ReferenceData(small());

    it('finds a county, and refuses a city or an unknown code where a county is needed', () => {
      expect(reference.county('360721').name).toBe('赣县');
      expect(codeOf(() => reference.county('360700'))).toBe('REFERENCE.UNKNOWN_COUNTY');
      expect(codeOf(() => reference.county('999999'))).toBe('REFERENCE.UNKNOWN_COUNTY');
    });

    it('finds centres, branches and regions, and refuses unknown ones as bad input', () => {
      expect(reference.requireCentre('GC-360721').regionCode).toBe('360721');
      expect(reference.requireBranch('ABC-360721').bankCode).toBe('ABC');
      expect(reference.requireRegion('360700').level).toBe('city');
      const refusals = [
        () => reference.requireCentre('GC-1'),
        () => reference.requireBranch('BR-1'),
        () => reference.requireRegion('1'),
      ].map((f) => {
        try {
          f();
        } catch (error) {
          return [(error as DomainError).code, (error as DomainError).kind];
        }
      });
      expect(refusals).toEqual([
        ['REFERENCE.UNKNOWN_CENTRE', 'invalid'],
        ['REFERENCE.UNKNOWN_BRANCH', 'invalid'],
        ['REFERENCE.UNKNOWN_REGION', 'invalid'],
      ]);
    });

    it("traces a region's lineage nearest first, and finds its city", () => {
      expect(reference.lineage('360721').map((r) => r.code)).toEqual(['360721', '360700', '360000']);
      expect(reference.lineage('999999')).toEqual([]);
      expect(reference.cityOf('360721')?.code).toBe('360700');
      expect(reference.cityOf('360700')?.code).toBe('360700');
      expect(reference.cityOf('360000')).toBeUndefined();
      expect(reference.allRegions().map((r) => r.code)).toEqual(['360000', '360700', '360721']);
      expect([reference.region('360700')?.name, reference.bank('ABC')?.name, reference.branch('ABC-360721')?.name]).toEqual([
        '赣州市',
        '农行',
        '农行赣县支行',
      ]);
    });

    it('lets a centre serve its own region and everything under it, nothing beside or above', () => {
      const county = { id: 'C', name: 'c', regionCode: '360721' };
      const city = { id: 'C', name: 'c', regionCode: '360700' };
      expect([reference.centreServes(county, '360721'), reference.centreServes(city, '360721')]).toEqual([true, true]);
      expect([reference.centreServes(county, '360700'), reference.centreServes(county, '360000')]).toEqual([false, false]);
    });
  });
});
