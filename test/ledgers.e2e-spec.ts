import { API_READ_STORES, Api, application, contribution, disbursement, guarantee, startApi, caughtUp, until } from './support/api';

/** Analysts query the ledgers the API keeps up to date in the embedded setup. */
describe.each(API_READ_STORES)('ledger queries over HTTP, read store on %s', (_, readStoreEnv) => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi(await readStoreEnv());
    await api.post('/funds/GC-360721/contributions', contribution(100_000_000));
    await api.post('/funds/GC-360781/contributions', contribution(100_000_000));
    for (let i = 1; i <= 6; i++) {
      const county = i <= 4 ? '360721' : '360781';
      const body = application(i, {
        countyCode: county,
        centreId: `GC-${county}`,
        branchId: `${i % 2 ? 'ABC' : 'CCB'}-${county}`,
        categories: i % 3 ? ['woman'] : ['college_graduate'],
        amountFen: 500_000 * i,
      });
      const { loanId } = (await api.post('/loans', body)).body;
      if (i === 6) continue;
      await api.post(`/loans/${loanId}/guarantee`, guarantee(500_000 * i));
      await api.post(`/loans/${loanId}/disbursement`, disbursement(`2011-01-${10 + i}`, 500_000 * i));
    }
    await caughtUp(api);
  });
  afterAll(async () => api.stop());

  it('filters by county, bank, status and category, sorts and pages', async () => {
    const gan = (await api.get('/ledgers/business?countyCode=360721&sort=disbursedAmountFen&order=desc')).body;
    expect(gan.rows.map((r: any) => r.disbursedAmountFen)).toEqual([2_000_000, 1_500_000, 1_000_000, 500_000]);
    expect((await api.get('/ledgers/business?bankCode=CCB')).body.total).toBe(3);
    expect((await api.get('/ledgers/business?status=applied')).body.rows.map((r: any) => r.amountAppliedFen)).toEqual([3_000_000]);
    expect((await api.get('/ledgers/business?category=college_graduate')).body.total).toBe(2);
    expect((await api.get('/ledgers/business?from=2011-01-12&to=2011-01-13')).body.total).toBe(2);
    const page2 = (await api.get('/ledgers/business?sort=amountAppliedFen&pageSize=4&page=2')).body;
    expect(page2).toMatchObject({ total: 6, page: 2, pageSize: 4 });
    expect(page2.rows.map((r: any) => r.amountAppliedFen)).toEqual([2_500_000, 3_000_000]);
    expect(page2.rows[0].categories).toEqual(['woman']);
  });

  it('names fields and filters in camelCase with amounts in fen, and says so to a caller who uses the columns’ names', async () => {
    const [row] = (await api.get('/ledgers/business?pageSize=1')).body.rows;
    expect(Object.keys(row).every((k) => /^[a-z][a-zA-Z0-9]*$/.test(k))).toBe(true);
    expect(row).toHaveProperty('amountAppliedFen');
    const snake = await api.get('/ledgers/business?county_code=360721');
    expect(snake).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
    expect(snake.body.detail).toContain('county_code is not known here: names are in camelCase (countyCode)');
    const sort = await api.get('/ledgers/business?sort=disbursed_amount');
    expect(sort).toMatchObject({ status: 400, body: { code: 'LEDGER.BAD_QUERY' } });
    expect(sort.body.detail).toMatch(/no field to sort by disbursed_amount; it has loanId, .*disbursedAmountFen/);
  });

  it('shows each fund with its guarantees outstanding and leverage, and its movements', async () => {
    const funds = (await api.get('/ledgers/funds?sort=fundId')).body.rows;
    expect(funds.map((f: any) => [f.fundId, f.balanceFen, f.exposureFen, f.guaranteesOpen])).toEqual([
      ['GC-360721', 100_000_000, 5_000_000, 4],
      ['GC-360781', 100_000_000, 2_500_000, 1],
    ]);
    expect((await api.get('/ledgers/fund-movements?fundId=GC-360721')).body.rows).toHaveLength(1);
  });

  it("keeps the fund's books in double entry: the trial balance sums to zero", async () => {
    await until(async () => (await api.get('/ledgers/journal?book=GC-360721&account=9001')).body?.total === 4);
    const tb = (await api.get('/ledgers/trial-balance?book=GC-360721&month=2011-01')).body;
    expect(tb.totalFen).toBe(0);
    const balances = Object.fromEntries(tb.accounts.map((a: any) => [a.account, a.balanceFen]));
    expect(balances).toEqual({ '1001': 100_000_000, '3001.county_finance': -100_000_000, '9001': 5_000_000, '9002': -5_000_000 });
    expect((await api.get('/ledgers/trial-balance?book=GC-360721&month=June')).status).toBe(400);
  });

  it('publishes the monthly bulletin for a city and its counties', async () => {
    await until(async () => (await api.get('/bulletin?month=2011-01&region=360700')).body.rows[0].disbursed.month.loans === 5);
    const reply = (await api.get('/bulletin?month=2011-01&region=360700')).body;
    const byCode = Object.fromEntries(reply.rows.map((r: any) => [r.regionCode, r]));
    expect(byCode['360700'].disbursed.month).toEqual({ loans: 5, amountFen: 7_500_000, persons: 5, jobs: 15 });
    expect(byCode['360721'].disbursed.month.loans).toBe(4);
    expect(byCode['360781'].disbursed.month.loans).toBe(1);
    expect(reply.rows.every((r: any) => r.regionCode === '360700' || r.parentCode === '360700')).toBe(true);
    expect((await api.get('/bulletin?month=2011-13')).status).toBe(400);
  });

  it("shows a ledger as of a past business date, from the stored rows and the loans' own events", async () => {
    const asOf = (await api.get('/ledgers/business?asOf=2011-01-11&sort=amountAppliedFen')).body;
    expect(asOf.rows.map((r: any) => r.status)).toEqual(['disbursed', 'guaranteed', 'guaranteed', 'guaranteed', 'guaranteed', 'applied']);
    expect(asOf.asOf).toBe('2011-01-11');
  });

  it('exports a ledger as CSV with Chinese headers and as an XLSX workbook', async () => {
    const res = await api.raw(`/exports/business?countyCode=360781&format=csv`);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain('business.csv');
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toContain('贷款编号');
    expect(lines).toHaveLength(3); // the header and 瑞金's two loans
    const xlsx = await api.raw(`/exports/bulletin?month=2011-01&region=360700&format=xlsx`);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect(
      Buffer.from(await xlsx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    expect((await api.get('/exports/nonsense')).body.code).toBe('LEDGER.UNKNOWN');
  });

  it('refuses a sort on a column the ledger does not have', async () => {
    const reply = await api.get('/ledgers/business?sort=password');
    expect(reply).toMatchObject({ status: 400, body: { code: 'LEDGER.BAD_QUERY' } });
  });

  it("answers one loan's row, and 404 with a stable code for a loan the ledger does not have", async () => {
    const [first] = (await api.get('/ledgers/business?sort=loanId&pageSize=1')).body.rows;
    expect(await api.get(`/ledgers/business/${first.loanId}`)).toMatchObject({ status: 200, body: first });
    const unknown = await api.get('/ledgers/business/no-such-loan');
    expect(unknown).toMatchObject({ status: 404, body: { status: 404, code: 'LEDGER.LOAN_NOT_FOUND' } });
    expect(unknown.contentType).toContain('application/problem+json');
    expect(unknown.body.detail).toMatch(/no loan with that id/);
  });

  it("reports each projection's state and rebuilds on request to the same rows", async () => {
    const before = (await api.get('/ledgers/business?sort=loanId')).body.rows;
    expect((await api.get('/projections')).body.map((s: any) => [s.name, s.state])).toEqual([
      ['business-ledger', 'live'],
      ['fund-ledger', 'live'],
      ['subsidy-ledger', 'live'],
      ['financial-ledger', 'live'],
      ['assessment', 'live'],
      ['bulletin', 'live'],
    ]);
    const live = (await api.get('/projections')).body;
    expect(live.every((s: any) => s.lag === 0 && s.progress === 100)).toBe(true);
    expect((await api.post('/projections/rebuild', { projection: 'business-ledger' })).status).toBe(202);
    await until(
      async () => (await api.get('/projections')).body[0].state === 'live' && (await api.get('/projections')).body[0].generation === 2,
    );
    expect((await api.get('/ledgers/business?sort=loanId')).body.rows).toEqual(before);
    expect((await api.post('/projections/rebuild', { projection: 'nonsense' })).body.code).toBe('PROJECTION.UNKNOWN');
  });
});
