import ExcelJS from 'exceljs';
import { LEDGER_LAYOUTS, toCsv, toMarkdown, toXlsx, yuanText } from '../src';

const layout = LEDGER_LAYOUTS.business;
const rows = [
  {
    loan_id: 'A',
    categories: ['woman', 'college_graduate'],
    project_name: 'Tea, "green"',
    disbursed_amount: 5_000_001,
    contract_rate_bp: 831,
    status: 'disbursed',
  },
  { loan_id: 'B', categories: ['other'], project_name: '养猪', disbursed_amount: 99, contract_rate_bp: null, status: 'settled' },
];

describe('exports laid out like the paper ledgers', () => {
  it('writes money as exact yuan with two decimals', () => {
    expect([yuanText(5_000_001), yuanText(99), yuanText(-5), yuanText(0)]).toEqual(['50000.01', '0.99', '-0.05', '0.00']);
  });

  it('CSV: Chinese headers, quoted fields, a BOM for Excel', () => {
    const csv = toCsv(layout.columns, rows);
    expect(csv.startsWith('\uFEFF贷款编号,身份证号,人员类别')).toBe(true);
    const [, first, second] = csv.split('\r\n');
    expect(first).toContain('A,,woman、college_graduate,,"Tea, ""green"""');
    expect(first).toContain(',50000.01,');
    expect(first).toContain(',8.31%,');
    expect(second).toContain(',0.99,');
  });

  it('XLSX: title, headers, rows and a totals row', async () => {
    const buffer = await toXlsx(layout.title, '2011-06', layout.columns, rows);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(buffer as never);
    const sheet = book.worksheets[0];
    expect(sheet.getCell(1, 1).value).toBe('担保业务管理台账');
    expect(sheet.getCell(3, 1).value).toBe('贷款编号');
    const amountColumn = layout.columns.findIndex((c) => c.key === 'disbursed_amount') + 1;
    expect(sheet.getCell(4, amountColumn).value).toBe(50_000.01);
    expect(sheet.getCell(6, 1).value).toBe('合计');
    expect(sheet.getCell(6, amountColumn).value).toBe(50_001);
  });

  it('Markdown: a table with right-aligned figures', () => {
    const md = toMarkdown(layout.title, layout.columns.slice(0, 2), rows);
    expect(md.split('\n').slice(0, 5)).toEqual(['## 担保业务管理台账', '', '| 贷款编号 | 身份证号 |', '| --- | --- |', '| A |  |']);
  });
});
