import { BadRequestException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { createHash } from 'node:crypto';
import { LoanCommand } from '@app/domain';
import { CommandEnvelope, nameBasedUuid } from '@app/event-store';
import { LineOutcome, LoanLine } from '@app/programme';
import { flatten } from '../http/validation';
import { Column } from './batch.dto';
import { UploadedTable } from './batch-file';

/** The most lines one upload may hold: a quarter's repayments of the largest bank branch fit many times. */
export const MAX_LINES = 50_000;

/** A line as read: its number in the upload and its fields. */
export interface RawLine {
  line: number;
  fields: Record<string, unknown>;
}

/** A line's answer, in the words of the single-line endpoints' errors. */
export interface LineResult {
  line: number;
  loanId?: string;
  outcome: 'recorded' | 'recorded_before' | 'refused';
  code?: string;
  reason?: string;
  eventIds?: string[];
}

/** The lines of a JSON body `{ "lines": [...] }`, numbered from 1. */
export function linesOfJson(body: unknown): RawLine[] {
  const lines = (body as { lines?: unknown } | null)?.lines;
  if (!Array.isArray(lines))
    throw new BadRequestException({ code: 'BATCH.NO_LINES', message: 'Send the lines as { "lines": [ ... ] }, or as a CSV or XLSX file.' });
  return lines.map((fields, i) => ({ line: i + 1, fields: typeof fields === 'object' && fields !== null ? fields : { value: fields } }));
}

/** The lines of an uploaded table, read by its columns' names (the field's, or the Chinese heading). */
export function linesOfTable(table: UploadedTable, columns: Column[]): RawLine[] {
  const byHeading = new Map(columns.flatMap((c) => [[c.field.toLowerCase(), c] as const, [c.heading, c] as const]));
  const header = table.header.map((h) => {
    const column = byHeading.get(h) ?? byHeading.get(h.toLowerCase());
    if (!column)
      throw new BadRequestException({
        code: 'BATCH.UNKNOWN_COLUMN',
        message: `The column "${h.slice(0, 64)}" is not one this upload takes; use ${columns.map((c) => `${c.field} (${c.heading})`).join(', ')}.`,
      });
    return column;
  });
  return table.rows.map(({ line, cells }) => {
    const fields: Record<string, unknown> = {};
    header.forEach((column, i) => {
      const value = cellOf(cells[i], column);
      if (value !== undefined) fields[column.field] = value;
    });
    return { line, fields };
  });
}

function cellOf(cell: unknown, column: Column): unknown {
  const text = typeof cell === 'string' ? cell.trim() : cell;
  if (text === '' || text === undefined || text === null) return undefined;
  if (column.kind === 'integer' && typeof text === 'string' && /^-?\d+$/.test(text)) return Number(text);
  if (column.kind === 'text' && typeof text === 'number') return String(text);
  return text;
}

export function requireLines(lines: RawLine[]): void {
  if (lines.length === 0)
    throw new BadRequestException({ code: 'BATCH.NO_LINES', message: 'The upload has no lines; nothing was recorded.' });
  if (lines.length > MAX_LINES)
    throw new BadRequestException({
      code: 'BATCH.TOO_MANY_LINES',
      message: `The upload has ${lines.length} lines; send at most ${MAX_LINES} at a time. Nothing was recorded.`,
    });
}

/** The upload's id: the Idempotency-Key's command id, or one derived from what was sent, so that the same file sent twice is one upload. */
export function batchIdOf(kind: string, organisationId: string, body: unknown, keyCommandId?: string): string {
  if (keyCommandId) return keyCommandId;
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  return nameBasedUuid(`batch|${kind}|${organisationId}|${createHash('sha256').update(bytes).digest('hex')}`);
}

/**
 * Each line validated as the single-line endpoint validates its body, then turned into a loan command
 * with a command id of its own: from the bank's reference when it has one, else from the upload and
 * the line's number. A line that fails here is refused and never reaches the domain.
 */
export function prepareLines<T extends { loanId: string; reference?: string; businessDate?: string }>(
  lines: RawLine[],
  dto: new () => T,
  batch: { id: string; kind: string; env: CommandEnvelope; businessDate: (given?: string) => CommandEnvelope['businessDate'] },
  commandOf: (line: T) => LoanCommand,
): { ready: Array<{ line: number; loan: LoanLine }>; refused: LineResult[] } {
  const ready: Array<{ line: number; loan: LoanLine }> = [];
  const refused: LineResult[] = [];
  for (const { line, fields } of lines) {
    const dtoLine = plainToInstance(dto, fields);
    const errors = validateSync(dtoLine, { whitelist: true, forbidNonWhitelisted: true });
    const loanId = typeof fields.loanId === 'string' ? fields.loanId : undefined;
    if (errors.length) {
      refused.push({
        line,
        loanId,
        outcome: 'refused',
        code: 'REQUEST.INVALID',
        reason: flatten(errors)
          .map((e) => e.message)
          .join('; '),
      });
      continue;
    }
    let businessDate: CommandEnvelope['businessDate'];
    try {
      businessDate = batch.businessDate(dtoLine.businessDate);
    } catch (error) {
      const { code, message } = (error as BadRequestException).getResponse() as { code: string; message: string };
      refused.push({ line, loanId, outcome: 'refused', code, reason: message });
      continue;
    }
    const commandId = dtoLine.reference
      ? nameBasedUuid(`bank-reference|${batch.kind}|${batch.env.actor.organisationId}|${dtoLine.reference}`)
      : nameBasedUuid(`${batch.id}|line ${line}`);
    ready.push({
      line,
      loan: {
        loanId: dtoLine.loanId,
        command: commandOf(dtoLine),
        env: { ...batch.env, commandId, businessDate, correlationId: batch.env.correlationId ?? batch.id, causationId: batch.id },
      },
    });
  }
  return { ready, refused };
}

export function resultsOf(ready: Array<{ line: number; loan: LoanLine }>, outcomes: LineOutcome[], refused: LineResult[]): LineResult[] {
  const decided = ready.map(({ line, loan }, i): LineResult => {
    const o = outcomes[i];
    if (o.outcome === 'refused') return { line, loanId: loan.loanId, outcome: 'refused', code: o.error.code, reason: o.error.message };
    return o.outcome === 'recorded'
      ? { line, loanId: loan.loanId, outcome: 'recorded', eventIds: o.eventIds }
      : { line, loanId: loan.loanId, outcome: 'recorded_before' };
  });
  return [...decided, ...refused].sort((a, b) => a.line - b.line);
}
