import ExcelJS from 'exceljs';
import { Row } from '../projection';
import { Column, cellText } from './columns';

/**
 * CSV (RFC 4180) with a byte-order mark, so that Excel opens the Chinese headers as UTF-8. Text that a
 * spreadsheet would take for a formula is neutralised (see `csvText`); figures are written as they are.
 */
export function toCsv(columns: Column[], rows: Row[]): string {
  const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [
    columns.map((c) => quote(c.label)).join(','),
    ...rows.map((r) => columns.map((c) => quote(csvText(c, r[c.key]))).join(',')),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A CSV cell's text. A text value that begins with `=`, `+`, `-`, `@`, a tab or a carriage return would be
 * read by Excel or LibreOffice as a formula (`=HYPERLINK(…)` in a project name), so it gets a leading
 * single quote, as OWASP advises for CSV injection. Money, counts and rates are numbers we format
 * ourselves (a negative one starts with `-`) and stay as they are, as does a number in a text column.
 */
export function csvText(column: Column, value: unknown): string {
  const text = cellText(column, value);
  return column.format === 'text' && typeof value !== 'number' && FORMULA_START.test(text) ? `'${text}` : text;
}

/** A Markdown table, for the terminal and for pasting into a report. */
export function toMarkdown(title: string, columns: Column[], rows: Row[]): string {
  const cells = (values: string[]) => `| ${values.map((v) => v.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [
    `## ${title}`,
    '',
    cells(columns.map((c) => c.label)),
    cells(columns.map((c) => (c.format === 'text' ? '---' : '---:'))),
    ...rows.map((r) => cells(columns.map((c) => cellText(c, r[c.key])))),
    '',
  ].join('\n');
}

/**
 * An XLSX sheet laid out like the paper ledger: a title across the columns, a subtitle (the period, the
 * region, the unit), bold bordered headers, the rows, a 合计 row of the columns that add up (none for a table
 * whose rows hold their own totals, such as the bulletin's province, cities and counties), and the line the
 * preparer and the reviewer sign. The headers stay in view when scrolling and are printed on every page, A4
 * landscape, fitted to the page's width, with page numbers. Text goes in as it
 * is: exceljs writes a string as a shared string (`t="s"`, never a `<f>` formula), which a spreadsheet
 * shows as text however it begins, so a quote there would only be a stray character in the ledger.
 */
export async function toXlsx(
  title: string,
  subtitle: string,
  columns: Column[],
  rows: Row[],
  preparedOn = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }),
): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(title.slice(0, 31), {
    views: [{ state: 'frozen', xSplit: 1, ySplit: 3 }],
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '3:3',
      horizontalCentered: true,
    },
    headerFooter: { oddFooter: '&C第 &P 页，共 &N 页' },
  });
  if (columns.some((c) => c.format === 'money')) subtitle = `${subtitle}${WIDE_SPACE.repeat(2)}单位：元`;
  sheet.mergeCells(1, 1, 1, columns.length);
  Object.assign(sheet.getCell(1, 1), { value: title, font: { bold: true, size: 16 }, alignment: { horizontal: 'center' } });
  sheet.mergeCells(2, 1, 2, columns.length);
  Object.assign(sheet.getCell(2, 1), { value: subtitle, alignment: { horizontal: 'center' } });
  const header = sheet.getRow(3);
  columns.forEach((c, i) => {
    Object.assign(header.getCell(i + 1), {
      value: c.label,
      font: { bold: true },
      alignment: { horizontal: 'center', wrapText: true },
      border: thin,
    });
    sheet.getColumn(i + 1).width = Math.max(10, c.label.length * 2 + 2);
  });
  rows.forEach((r, n) => {
    const row = sheet.getRow(4 + n);
    columns.forEach((c, i) => Object.assign(row.getCell(i + 1), cell(c, r[c.key])));
  });
  if (columns.some((c, i) => c.sum && i > 0)) {
    const totals = sheet.getRow(4 + rows.length);
    totals.getCell(1).value = '合计';
    totals.getCell(1).font = { bold: true };
    columns.forEach((c, i) => {
      if (!c.sum || i === 0) return;
      const total = rows.reduce((s, r) => s + ((r[c.key] as number) ?? 0), 0);
      Object.assign(totals.getCell(i + 1), { ...cell(c, total), font: { bold: true } });
    });
  }
  const signed = sheet.lastRow!.number + 2;
  sheet.mergeCells(signed, 1, signed, columns.length);
  sheet.getCell(signed, 1).value = ['制表单位：', '制表人：', '审核人：', `制表日期：${preparedOn}`].join(WIDE_SPACE.repeat(6));
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The ideographic space (U+3000) that spaces a Chinese form's blanks. */
const WIDE_SPACE = '\u3000';

const thin = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } } as const;

function cell(c: Column, v: unknown) {
  if (v === null || v === undefined) return { value: null, border: thin };
  if (c.format === 'money') return { value: (v as number) / 100, numFmt: '#,##0.00', border: thin };
  if (c.format === 'bp') return { value: (v as number) / 10_000, numFmt: '0.00%', border: thin };
  if (c.format === 'count') return { value: v as number, border: thin };
  return { value: cellText(c, v), border: thin };
}
