import ExcelJS from 'exceljs';
import { JIANGXI_REFERENCE, ReferenceData } from '@app/domain';
import { Api, application, caughtUp, contribution, disbursement, guarantee, startApi } from './support/api';

const reference = new ReferenceData(JIANGXI_REFERENCE);

/** The 台账 as the staff keep them: words instead of codes, the paper layout, and totals that add only what adds. */
describe('the ledgers as files staff read', () => {
  let api: Api;
  const loans: string[] = [];

  beforeAll(async () => {
    api = await startApi();
    await api.post('/funds/GC-360721/contributions', contribution(100_000_000));
    for (const n of [1, 2, 3]) {
      const { loanId } = (await api.post('/loans', application(n, { kind: n === 3 ? 'partnership' : 'individual', personsSupported: 2 })))
        .body;
      loans.push(loanId);
      await api.post(`/loans/${loanId}/guarantee`, guarantee());
      if (n < 3) await api.post(`/loans/${loanId}/disbursement`, disbursement());
    }
    await api.post(`/loans/${loans[0]}/repayments`, { principalFen: 0, interestFen: 58_333, businessDate: '2011-03-20' });
    await caughtUp(api);
  });
  afterAll(() => api.stop());

  async function workbook(path: string) {
    const res = await api.raw(path);
    expect(res.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await res.arrayBuffer()) as never);
    return book.worksheets[0];
  }
  const values = (sheet: ExcelJS.Worksheet, row: number) => (sheet.getRow(row).values as unknown[]).slice(1);

  it('the business ledger in XLSX: the paper layout, words for codes, and a 合计 row equal to the JSON figures', async () => {
    const sheet = await workbook('/exports/business?format=xlsx');
    const json = (await api.get('/exports/business?format=json')).body as Array<Record<string, number>>;
    expect(sheet.getCell(1, 1).value).toBe('担保业务管理台账');
    expect(String(sheet.getCell(2, 1).value)).toContain('单位：元');
    const header = values(sheet, 3) as string[];
    expect(header.slice(0, 4)).toEqual(['贷款编号', '身份证号', '人员类别', '贷款类型']);
    // Frozen under the header and beside the loan number; A4 landscape, the header repeated on every page.
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', xSplit: 1, ySplit: 3 });
    expect(sheet.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', printTitlesRow: '3:3', fitToWidth: 1 });

    const rows = json.map((_, i) => Object.fromEntries(header.map((h, c) => [h, sheet.getCell(4 + i, c + 1).value])));
    const first = rows.find((r) => r['贷款编号'] === loans[0])!;
    expect(first).toMatchObject({
      人员类别: '返乡农民工、妇女',
      贷款类型: '个人',
      '县(区)': '赣县',
      担保中心: reference.centre('GC-360721')!.name,
      经办银行: '中国农业银行',
      经办网点: reference.branch('ABC-360721')!.name,
      反担保方式: '第三方保证',
      状态: '已发放',
    });
    expect(rows.find((r) => r['贷款编号'] === loans[2])).toMatchObject({ 贷款类型: '合伙经营', 状态: '已担保' });

    const totals = Object.fromEntries(header.map((h, c) => [h, sheet.getCell(4 + json.length, c + 1).value]));
    const sum = (key: string) => json.reduce((s, r) => s + r[key], 0) / 100;
    expect(totals).toMatchObject({
      贷款编号: '合计',
      '发放金额(元)': sum('disbursedAmountFen'),
      '贷款余额(元)': sum('outstandingPrincipalFen'),
      '已付利息(元)': sum('interestPaidFen'),
      扶持人数: 6,
    });
    expect(totals['发放金额(元)']).toBe(100_000);
    // No total for what does not add: the interest rate.
    expect(totals['合同利率']).toBeNull();
    expect(String(sheet.getCell(4 + json.length + 2, 1).value)).toMatch(/制表人：.*审核人：.*制表日期：\d{4}-\d{2}-\d{2}/);
  });

  it('the fund movements: the running balance is not added up, and each movement and source is in words', async () => {
    const sheet = await workbook('/exports/fund-movements?format=xlsx');
    const header = values(sheet, 3) as string[];
    const at = (row: number, label: string) => sheet.getCell(row, header.indexOf(label) + 1).value;
    expect([at(4, '摘要'), at(4, '资金来源'), at(4, '担保基金')]).toEqual(['筹集', '县级财政', reference.centre('GC-360721')!.name]);
    const last = sheet.lastRow!.number - 2;
    expect(at(last, '担保基金')).toBe('合计');
    expect(at(last, '收入(元)')).toBe(1_000_000);
    expect(at(last, '余额(元)')).toBeNull();
  });

  it("the journal: each book's vouchers numbered per month in the order recorded, and listed by date", async () => {
    // A contribution of 3 January recorded after the guarantees of the 8th: the next voucher of January, listed before them.
    await api.post('/funds/GC-360721/contributions', contribution(500_000, '2011-01-03'));
    await caughtUp(api);
    const lines = (await api.get('/ledgers/journal?book=GC-360721&pageSize=1000')).body.rows as Array<Record<string, unknown>>;
    const vouchers = lines.filter((l) => l.line === 1).map((l) => [l.businessDate, l.voucher, l.memo]);
    expect(vouchers).toEqual([
      ['2011-01-02', 1, 'GuaranteeFundContributed'],
      ['2011-01-03', 5, 'GuaranteeFundContributed'],
      ['2011-01-08', 2, 'FundExposureReserved'],
      ['2011-01-08', 3, 'FundExposureReserved'],
      ['2011-01-08', 4, 'FundExposureReserved'],
    ]);
    const subsidy = (await api.get('/ledgers/journal?book=SUBSIDY')).body.rows as Array<Record<string, unknown>>;
    expect(subsidy.map((l) => [l.month, l.voucher])).toEqual(subsidy.map(() => ['2011-03', 1]));
  });

  it('the journal and the CSV and Markdown exports use the same words; JSON keeps the codes for programs', async () => {
    const csv = await (await api.raw('/exports/journal?format=csv')).text();
    expect(csv).toContain('基金筹集');
    expect(csv).toContain('1001 基金存款');
    expect(csv).not.toContain('GuaranteeFundContributed');
    const md = await (await api.raw('/exports/business?format=md')).text();
    expect(md).toContain('| 返乡农民工、妇女 |');
    const json = (await api.get('/exports/business?format=json')).body;
    expect(json[0]).toMatchObject({ kind: expect.stringMatching(/^(individual|partnership)$/), countyCode: '360721' });
    const bulletin = await workbook('/exports/bulletin?month=2011-01&format=xlsx');
    expect(String(bulletin.getCell(2, 1).value)).toContain('江西省');
  });
});
