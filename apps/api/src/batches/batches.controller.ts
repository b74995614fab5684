import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { Answers } from '../http/schema';
import { BATCH } from './batch.responses';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Fen, LoanCommand, bp, loanDecider, loanStream } from '@app/domain';
import { CommandHandler } from '@app/event-store';
import { Programme } from '@app/programme';
import { Acting, Envelopes, RequestContext } from '../http/request-context';
import { IDEMPOTENCY_HEADER } from '../loans/loans.controller';
import { Jurisdiction, Permit, logDenied } from '../auth/access.guard';
import { CSV_TYPE, XLSX_TYPE, readCsv, readXlsx } from './batch-file';
import { DISBURSEMENT_COLUMNS, DisbursementLineDto, REPAYMENT_COLUMNS, RepaymentLineDto, Column } from './batch.dto';
import { LineResult, RawLine, batchIdOf, linesOfJson, linesOfTable, prepareLines, requireLines, resultsOf } from './batch-lines';

const fen = (n: number | undefined) => (n ?? 0) as Fen;
const UPLOAD_TYPES = ['application/json', CSV_TYPE, XLSX_TYPE];

/**
 * A bank's uploads: a day's or a quarter's repayments or disbursements in one request, as JSON
 * (`{ "lines": [...] }`), CSV or XLSX. Each line is decided on its own; the accepted ones are recorded in
 * one commit (on the embedded store), the refused ones come back with their line number and reason.
 * Sending the same upload again records nothing twice.
 */
@ApiTags('batches')
@ApiBearerAuth()
@ApiHeader(IDEMPOTENCY_HEADER)
@ApiConsumes(...UPLOAD_TYPES)
@Controller('batches')
export class BatchesController {
  constructor(
    private readonly programme: Programme,
    private readonly envelopes: Envelopes,
    private readonly handler: CommandHandler,
    private readonly jurisdiction: Jurisdiction,
  ) {}

  @Post('repayments')
  @Permit('loan.repay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record many repayments at once (each a Repaid, and LoanSettled when all is paid)' })
  @ApiBody({ description: uploadHelp(REPAYMENT_COLUMNS) })
  @Answers(BATCH)
  async repayments(@Acting() ctx: RequestContext, @Req() req: FastifyRequest, @Body() body: unknown) {
    return this.record('repayments', ctx, await this.linesOf(req, body, REPAYMENT_COLUMNS), body, RepaymentLineDto, (l) => ({
      type: 'RecordRepayment',
      data: { principal: fen(l.principalFen), interest: fen(l.interestFen), borrowerFees: fen(l.borrowerFeesFen) },
    }));
  }

  @Post('disbursements')
  @Permit('loan.disburse')
  @HttpCode(200)
  @ApiOperation({ summary: "Record many of the bank's disbursements at once (each a Disbursed)" })
  @ApiBody({ description: uploadHelp(DISBURSEMENT_COLUMNS) })
  @Answers(BATCH)
  async disbursements(@Acting() ctx: RequestContext, @Req() req: FastifyRequest, @Body() body: unknown) {
    return this.record('disbursements', ctx, await this.linesOf(req, body, DISBURSEMENT_COLUMNS), body, DisbursementLineDto, (l) => ({
      type: 'DisburseLoan',
      data: {
        amount: fen(l.amountFen),
        contractRate: bp(l.contractRateBp),
        repaymentMethod: l.repaymentMethod,
        bankContractNo: l.bankContractNo,
        borrowerFees: fen(l.borrowerFeesFen),
      },
    }));
  }

  private async linesOf(req: FastifyRequest, body: unknown, columns: Column[]): Promise<RawLine[]> {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const lines =
      type === CSV_TYPE
        ? linesOfTable(readCsv(body as Buffer), columns)
        : type === XLSX_TYPE
          ? linesOfTable(await readXlsx(body as Buffer), columns)
          : linesOfJson(body);
    requireLines(lines);
    return lines;
  }

  private async record<T extends { loanId: string; reference?: string; businessDate?: string }>(
    kind: string,
    ctx: RequestContext,
    lines: RawLine[],
    body: unknown,
    dto: new () => T,
    commandOf: (line: T) => LoanCommand,
  ) {
    const env = await this.envelopes.for(ctx);
    const id = batchIdOf(kind, ctx.actor.organisationId, body, ctx.keyGiven ? ctx.commandId : undefined);
    const batch = { id, kind, env, businessDate: (given?: string) => this.envelopes.businessDate(given) };
    const prepared = prepareLines(lines, dto, batch, commandOf);
    const { ready, refused } = await this.withinReach(ctx, prepared);
    const outcomes = ready.length ? await this.programme.recordLines(ready.map((r) => r.loan)) : [];
    const results = resultsOf(ready, outcomes, refused);
    const count = (o: LineResult['outcome']) => results.filter((r) => r.outcome === o).length;
    return {
      batchId: id,
      lines: results.length,
      recorded: count('recorded'),
      recordedBefore: count('recorded_before'),
      refused: count('refused'),
      results,
    };
  }

  /** Lines on loans of another bank than the uploader's are refused, each with its line number. */
  private async withinReach(ctx: RequestContext, prepared: ReturnType<typeof prepareLines>) {
    const ready: typeof prepared.ready = [];
    const refused = [...prepared.refused];
    for (const r of prepared.ready) {
      const application = (await this.handler.load(loanStream(r.loan.loanId), loanDecider)).state.application;
      const verdict = application
        ? this.jurisdiction.allows(ctx.principal, { bankCode: application.bankCode })
        : ({ allowed: true } as const);
      if (verdict.allowed) ready.push(r);
      else refused.push({ line: r.line, loanId: r.loan.loanId, outcome: 'refused', code: verdict.code, reason: verdict.message });
    }
    const outside = refused.filter((r) => r.code === 'ACCESS.OUTSIDE_JURISDICTION').map((r) => r.line);
    if (outside.length)
      logDenied(
        ctx.request,
        'ACCESS.OUTSIDE_JURISDICTION',
        `${outside.length} lines on other banks' loans (lines ${outside.slice(0, 20).join(', ')})`,
      );
    return { ready, refused };
  }
}

function uploadHelp(columns: Column[]): string {
  return (
    'JSON `{ "lines": [ { ... }, ... ] }`, or a CSV or XLSX file whose first row names the columns: ' +
    columns.map((c) => `\`${c.field}\` (${c.heading})`).join(', ') +
    '. Amounts in fen; dates YYYY-MM-DD.'
  );
}
