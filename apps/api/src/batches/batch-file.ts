import { BadRequestException } from '@nestjs/common';
import ExcelJS from 'exceljs';

/** A table read from an upload: its header row and its data rows, each with its line number in the file. */
export interface UploadedTable {
  header: string[];
  rows: Array<{ line: number; cells: unknown[] }>;
}

export const CSV_TYPE = 'text/csv';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * A CSV file as banks' systems and spreadsheets write it (RFC 4180: quoted fields, doubled quotes, CRLF or
 * LF), in UTF-8 with or without a byte-order mark, or in GB18030 (what a Chinese Excel saves).
 */
export function readCsv(bytes: Buffer): UploadedTable {
  const records = parseCsv(decodeText(bytes));
  return tableOf(records.map((cells, i) => ({ line: i + 1, cells })).filter((r) => r.cells.some((c) => c.trim() !== '')));
}

/** The first worksheet of an XLSX workbook; a date cell becomes YYYY-MM-DD. */
export async function readXlsx(bytes: Buffer): Promise<UploadedTable> {
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw unreadable('The file is not an XLSX workbook that can be read.');
  }
  const sheet = book.worksheets[0];
  if (!sheet) throw unreadable('The workbook has no worksheet.');
  const rows: UploadedTable['rows'] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    const cells: unknown[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => (cells[col - 1] = cellValue(cell.value)));
    rows.push({ line, cells: Array.from(cells, (c) => c ?? '') });
  });
  return tableOf(rows);
}

function tableOf(rows: UploadedTable['rows']): UploadedTable {
  const [head, ...data] = rows;
  if (!head) throw unreadable('The file is empty: it needs a header row naming the columns, then one row per line.');
  return { header: head.cells.map((c) => String(c).trim()), rows: data };
}

function cellValue(v: ExcelJS.CellValue): unknown {
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (v && typeof v === 'object') {
    if ('result' in v) return cellValue(v.result as ExcelJS.CellValue);
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return v.text;
  }
  return v ?? '';
}

function decodeText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') field += text[++i];
      else quoted = false;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw unreadable('A quoted field is never closed: check the quotes in the file.');
  if (field !== '' || record.length) records.push([...record, field]);
  return records;
}

const unreadable = (message: string) => new BadRequestException({ code: 'BATCH.UNREADABLE', message: `${message} Nothing was recorded.` });
