import {
  ACCESS,
  ACTIONS,
  JIANGXI_REFERENCE,
  PERSON_ROLES,
  Principal,
  ReferenceData,
  Role,
  SERVICE_SCOPES,
  mayDo,
  reaches,
} from '@app/domain';

const reference = new ReferenceData(JIANGXI_REFERENCE);
const person = (role: Role, organisationId: string): Principal => ({ kind: 'person', userId: 'u', role, organisationId, scopes: [] });
const allowed = (p: Principal, target: Parameters<typeof reaches>[1]) => reaches(p, target, reference).allowed;

describe('who reaches which loans, funds and banks', () => {
  it('a county centre reaches its county; a city centre its counties; the province centre every county', () => {
    expect(allowed(person('centre_clerk', 'GC-360721'), { regionCode: '360721' })).toBe(true);
    expect(allowed(person('centre_clerk', 'GC-360721'), { regionCode: '360781' })).toBe(false);
    expect(allowed(person('centre_manager', 'GC-360700'), { regionCode: '360781' })).toBe(true);
    expect(allowed(person('centre_manager', 'GC-360700'), { regionCode: '360102' })).toBe(false);
    expect(allowed(person('centre_manager', 'GC-360000'), { regionCode: '360102' })).toBe(true);
    // A county centre does not reach up to its city.
    expect(allowed(person('centre_clerk', 'GC-360721'), { regionCode: '360700' })).toBe(false);
  });

  it('a bank clerk reaches their own institution at any branch, from a branch or the head office, and no other bank', () => {
    expect(allowed(person('bank_clerk', 'ABC-360721'), { bankCode: 'ABC', regionCode: '360102' })).toBe(true);
    expect(allowed(person('bank_clerk', 'ABC'), { bankCode: 'ABC' })).toBe(true);
    expect(allowed(person('bank_clerk', 'ABC-360721'), { bankCode: 'CCB', regionCode: '360721' })).toBe(false);
    // A record whose bank is not known (its branch gone from the reference data, or none named) is no bank's.
    expect(allowed(person('bank_clerk', 'ABC-360721'), { regionCode: '360721' })).toBe(false);
  });

  it('an organisation that is not one the role can belong to reaches nothing', () => {
    expect(allowed(person('centre_clerk', 'ABC-360721'), { regionCode: '360721' })).toBe(false);
    expect(allowed(person('bank_clerk', 'GC-360721'), { bankCode: 'ABC' })).toBe(false);
    expect(allowed(person('finance_officer', 'FIN-999999'), { regionCode: '360721' })).toBe(false);
    expect(reaches(person('centre_clerk', 'GC-360781'), { regionCode: '360721' }, reference)).toMatchObject({
      code: 'ACCESS.OUTSIDE_JURISDICTION',
      message: expect.stringContaining('A centre clerk of GC-360781 acts only in region 360781; this is outside it'),
    });
  });

  it('finance reaches the funds of its region, by FIN- code or bare region code', () => {
    expect(allowed(person('finance_officer', 'FIN-360700'), { regionCode: '360721' })).toBe(true);
    expect(allowed(person('finance_officer', '360721'), { regionCode: '360721' })).toBe(true);
    expect(allowed(person('finance_officer', 'FIN-360100'), { regionCode: '360721' })).toBe(false);
  });
});

describe('what each role may do at all', () => {
  it('gives the system role nothing a request could ask for, and no person role every action', () => {
    for (const action of ACTIONS) expect(mayDo(person('system', 'system'), action).allowed).toBe(false);
    for (const role of PERSON_ROLES) expect(ACTIONS.every((a) => mayDo(person(role, 'x'), a).allowed)).toBe(false);
  });

  it('auditors change nothing: every action they may take is a read', () => {
    const theirs = ACTIONS.filter((a) => mayDo(person('auditor', 'AUDIT'), a).allowed);
    expect(theirs.every((a) => /\.(read|status)$/.test(a))).toBe(true);
    expect(theirs).toEqual(expect.arrayContaining(['loan.read', 'stream.read', 'ledger.read', 'borrower.read']));
  });

  it('a service may do only what its key names, and only read', () => {
    const service: Principal = {
      kind: 'service',
      userId: 'service:feed',
      role: 'service',
      organisationId: 'feed',
      scopes: ['stream.read'],
    };
    expect(ACTIONS.filter((a) => mayDo(service, a).allowed)).toEqual(['stream.read']);
    expect(SERVICE_SCOPES.every((a) => a.endsWith('.read'))).toBe(true);
    expect(mayDo({ ...service, role: 'centre_clerk' }, 'loan.apply').allowed).toBe(false);
  });

  it('says in words who may not do what', () => {
    expect(mayDo(person('auditor', 'AUDIT'), 'loan.disburse')).toEqual({
      allowed: false,
      code: 'ACCESS.DENIED',
      message: `An auditor may not ${ACCESS['loan.disburse'].does}. Nothing was recorded.`,
    });
  });
});
