import type { FastifyReply } from 'fastify';
import { Column, Row, toCsv, toMarkdown, toXlsx } from '@app/projections';
import { PersonalData } from '@app/event-store';

export const TABLE_FORMATS = ['csv', 'xlsx', 'md', 'json'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];
/** The media types a 台账 may come as. */
export const FILE_TYPES = [
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'text/markdown',
  'application/json',
];
export const TABLE_FORMAT_MESSAGE = { message: 'format must be csv, xlsx, md or json' };

/** A 台账 as a file to download (CSV, XLSX laid out for print, Markdown) or as JSON. */
export function sendTable(
  reply: FastifyReply,
  personalData: PersonalData,
  file: { format: TableFormat; name: string; title: string; subtitle: string },
  columns: Column[],
  rows: Row[],
  json: unknown,
) {
  if (file.format === 'json') return json;
  // JSON is revealed on its way out; files are laid out here, so their rows are revealed first.
  rows = personalData.revealRows(rows);
  const attach = (ext: string, type: string) =>
    reply.header('content-type', type).header('content-disposition', `attachment; filename="${file.name}.${ext}"`);
  if (file.format === 'xlsx') {
    attach('xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    return toXlsx(file.title, file.subtitle, columns, rows);
  }
  if (file.format === 'md') {
    attach('md', 'text/markdown; charset=utf-8');
    return toMarkdown(`${file.title} ${file.subtitle}`, columns, rows);
  }
  attach('csv', 'text/csv; charset=utf-8');
  return toCsv(columns, rows);
}
