import { BasisPoints } from '../shared/money';
import { DomainError, invalid } from '../shared/errors';

export type RegionLevel = 'province' | 'city' | 'county';
export interface Region {
  code: string;
  name: string;
  level: RegionLevel;
  parent?: string;
}
/** Each guarantee centre (担保中心) runs one guarantee fund, whose id is the centre's. */
export interface Centre {
  id: string;
  name: string;
  regionCode: string;
  compensationShare?: BasisPoints;
}
export interface Bank {
  code: string;
  name: string;
}
export interface Branch {
  id: string;
  bankCode: string;
  regionCode: string;
  name: string;
}

export interface ReferenceSet {
  regions: Region[];
  centres: Centre[];
  banks: Bank[];
  branches: Branch[];
}

/** Indexed reference data (regions with GB/T 2260 codes, centres, banks, branches), checked once at boot. */
export class ReferenceData {
  private readonly regions = new Map<string, Region>();
  private readonly centres = new Map<string, Centre>();
  private readonly banks = new Map<string, Bank>();
  private readonly branches = new Map<string, Branch>();

  constructor(readonly set: ReferenceSet) {
    for (const r of set.regions) this.regions.set(r.code, r);
    for (const c of set.centres) this.centres.set(c.id, c);
    for (const b of set.banks) this.banks.set(b.code, b);
    for (const b of set.branches) this.branches.set(b.id, b);
    const problems = this.problems();
    if (problems.length) throw new Error(`reference data is inconsistent: ${problems.slice(0, 5).join('; ')}`);
  }

  private problems(): string[] {
    const out: string[] = [];
    for (const r of this.regions.values()) {
      if (!/^\d{6}$/.test(r.code)) out.push(`region ${r.code} is not a six-digit GB/T 2260 code`);
      if (r.parent && !this.regions.has(r.parent)) out.push(`region ${r.code} has unknown parent ${r.parent}`);
    }
    for (const c of this.centres.values())
      if (!this.regions.has(c.regionCode)) out.push(`centre ${c.id} is in unknown region ${c.regionCode}`);
    for (const b of this.branches.values()) {
      if (!this.banks.has(b.bankCode)) out.push(`branch ${b.id} belongs to unknown bank ${b.bankCode}`);
      if (!this.regions.has(b.regionCode)) out.push(`branch ${b.id} is in unknown region ${b.regionCode}`);
    }
    return out;
  }

  region(code: string): Region | undefined {
    return this.regions.get(code);
  }
  centre(id: string): Centre | undefined {
    return this.centres.get(id);
  }
  bank(code: string): Bank | undefined {
    return this.banks.get(code);
  }
  branch(id: string): Branch | undefined {
    return this.branches.get(id);
  }
  allRegions(): Region[] {
    return [...this.regions.values()];
  }

  /** The region and each of its ancestors, nearest first. */
  lineage(code: string): Region[] {
    const out: Region[] = [];
    for (let r = this.regions.get(code); r; r = r.parent ? this.regions.get(r.parent) : undefined) out.push(r);
    return out;
  }

  cityOf(code: string): Region | undefined {
    return this.lineage(code).find((r) => r.level === 'city');
  }

  county(code: string): Region {
    const r = this.regions.get(code);
    if (!r || r.level !== 'county') throw unknown('REFERENCE.UNKNOWN_COUNTY', `There is no county or district with code ${code}.`);
    return r;
  }

  requireCentre(id: string): Centre {
    return this.centres.get(id) ?? throwIt(unknown('REFERENCE.UNKNOWN_CENTRE', `There is no guarantee centre ${id}.`));
  }

  requireBranch(id: string): Branch {
    return this.branches.get(id) ?? throwIt(unknown('REFERENCE.UNKNOWN_BRANCH', `There is no bank branch ${id}.`));
  }

  requireRegion(code: string): Region {
    return this.regions.get(code) ?? throwIt(unknown('REFERENCE.UNKNOWN_REGION', `There is no region with code ${code}.`));
  }

  /** A centre serves its own region and everything under it. */
  centreServes(centre: Centre, regionCode: string): boolean {
    return this.lineage(regionCode).some((r) => r.code === centre.regionCode);
  }
}

const unknown = (code: string, message: string) => invalid(code, message);
function throwIt(e: DomainError): never {
  throw e;
}
