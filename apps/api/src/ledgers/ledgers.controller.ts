import { BadRequestException, Body, Controller, Get, HttpCode, Inject, Param, Post, Query, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import {
  ACCOUNTS, BUSINESS_LEDGER, FUNDS, FUND_MOVEMENTS, JOURNAL, LedgerQuery, Projection, ProjectionRunner, QueryError, ReadStore, SUBSIDY_BANK_QUARTERS,
  SUBSIDY_LOAN_QUARTERS, TRIAL_BALANCE, buildBulletin, businessLedger, financialLedger, fundLedger, loadBulletinFacts, queryLedger, subsidyLedger,
} from '@app/projections';
import { ReferenceData } from '@app/domain';
import { READ_STORE } from '../tokens';
import { dateMessage, DATE } from '../http/dto-common';

class PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() sort?: string;
  @ApiPropertyOptional({ enum: ['asc', 'desc'] }) @IsOptional() @IsIn(['asc', 'desc']) order?: 'asc' | 'desc';
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) page?: number;
  @ApiPropertyOptional({ maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) pageSize?: number;
  @ApiPropertyOptional() @IsOptional() @Matches(DATE, dateMessage) from?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(DATE, dateMessage) to?: string;
}

class BusinessQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() county_code?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() city_code?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() centre_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() bank_code?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() branch_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() status?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() kind?: string;
  @ApiPropertyOptional({ description: 'Borrower category tag' }) @IsOptional() @IsString() category?: string;
}

class MovementQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() fund_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() kind?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() loan_id?: string;
}

class SubsidyQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() bank_code?: string;
  @ApiPropertyOptional({ example: '2011-Q1' }) @IsOptional() @IsString() quarter?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() county_code?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() loan_id?: string;
}

class JournalQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'A fund id, or SUBSIDY' }) @IsOptional() @IsString() book?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() account?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() loan_id?: string;
}

class TrialBalanceQuery {
  @ApiProperty({ description: 'A fund id, or SUBSIDY' }) @IsString() book!: string;
  @ApiProperty({ example: '2011-06' }) @Matches(/^\d{4}-\d{2}$/, { message: 'month must look like 2011-06' }) month!: string;
}

class BulletinQuery {
  @ApiProperty({ example: '2011-06' }) @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must look like 2011-06' }) month!: string;
  @ApiPropertyOptional({ example: '360700', description: 'A region: it and the regions directly under it; the whole province when left out' })
  @IsOptional() @Matches(/^\d{6}$/, { message: 'region must be a six-digit region code' }) region?: string;
}

class RebuildDto {
  @ApiProperty({ required: false, description: 'One projection, or every one when left out' }) @IsOptional() @IsString() projection?: string;
}

/** Analysts' queries of the ledgers, with filters, sorting and paging; the projections' status and rebuild. */
@ApiTags('ledgers')
@Controller()
export class LedgersController {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore, private readonly runner: ProjectionRunner, private readonly reference: ReferenceData) {}

  @Get('bulletin') @ApiOperation({ summary: '每月通报: the month, year to date and cumulative figures for a region and the regions under it, ranked' })
  async bulletin(@Query() q: BulletinQuery) {
    const region = q.region ?? '360000';
    if (!this.reference.region(region)) throw new BadRequestException({ code: 'REFERENCE.UNKNOWN_REGION', message: `There is no region with code ${region}.` });
    const status = this.runner.status().find((s) => s.name === 'bulletin');
    const facts = await loadBulletinFacts(this.readStore, q.month).catch((error: Error) => {
      if (/no such table|does not exist/.test(error.message)) throw new ServiceUnavailableException({ code: 'LEDGER.BUILDING', message: 'The bulletin is being built for the first time; try again shortly.' });
      throw error;
    });
    const rows = buildBulletin(facts, this.reference, q.month).filter((r) => r.regionCode === region || r.parentCode === region);
    return { month: q.month, region, projection: status, rows };
  }

  @Get('ledgers/business') @ApiOperation({ summary: '担保业务管理台账: one row per loan; filter by region, centre, bank, status, kind, category, disbursement date' })
  business(@Query() q: BusinessQuery) {
    const { sort, order, page, pageSize, from, to, category, ...filters } = q;
    return this.query(businessLedger, BUSINESS_LEDGER, { filters, sort, order, page, pageSize, range: ['disbursed_on', from, to], tag: ['categories', category] });
  }

  @Get('ledgers/funds') @ApiOperation({ summary: '担保基金管理台账: each fund\'s balance, guarantees outstanding and leverage' })
  funds(@Query() q: PageQuery) {
    return this.query(fundLedger, FUNDS, { sort: q.sort, order: q.order, page: q.page, pageSize: q.pageSize });
  }

  @Get('ledgers/fund-movements') @ApiOperation({ summary: 'Every movement of the funds with the running balance' })
  movements(@Query() q: MovementQuery) {
    const { sort, order, page, pageSize, from, to, ...filters } = q;
    return this.query(fundLedger, FUND_MOVEMENTS, { filters, sort, order, page, pageSize, range: ['business_date', from, to] });
  }

  @Get('ledgers/subsidy/loans') @ApiOperation({ summary: '贴息资金管理台账: per loan per quarter, interest paid, subsidy due and claimed' })
  subsidyLoans(@Query() q: SubsidyQuery) {
    const { sort, order, page, pageSize, from: _f, to: _t, ...filters } = q;
    return this.query(subsidyLedger, SUBSIDY_LOAN_QUARTERS, { filters, sort, order, page, pageSize });
  }

  @Get('ledgers/subsidy/banks') @ApiOperation({ summary: 'Per bank per quarter: subsidy due, claimed and paid, central and local' })
  subsidyBanks(@Query() q: SubsidyQuery) {
    const { sort, order, page, pageSize, bank_code, quarter } = q;
    return this.query(subsidyLedger, SUBSIDY_BANK_QUARTERS, { filters: { bank_code, quarter }, sort, order, page, pageSize });
  }

  @Get('ledgers/journal') @ApiOperation({ summary: '基本财务管理台账: the double-entry journal, by book (fund or SUBSIDY)' })
  journal(@Query() q: JournalQuery) {
    const { sort, order, page, pageSize, from, to, ...filters } = q;
    return this.query(financialLedger, JOURNAL, { filters, sort, order, page, pageSize, range: ['business_date', from, to] });
  }

  @Get('ledgers/trial-balance') @ApiOperation({ summary: 'A book\'s trial balance at the end of a month: movements in the month and balances to date' })
  async trialBalance(@Query() q: TrialBalanceQuery) {
    const rows = await this.readStore.query(
      `SELECT account, sum(CASE WHEN month = ? THEN debit ELSE 0 END) AS month_debit, sum(CASE WHEN month = ? THEN credit ELSE 0 END) AS month_credit,
         sum(debit) AS debit_to_date, sum(credit) AS credit_to_date FROM ${TRIAL_BALANCE} WHERE book = ? AND month <= ? GROUP BY account ORDER BY account`,
      [q.month, q.month, q.book, q.month],
    ).catch(() => []);
    const accounts = rows.map((r) => ({ ...r, name: ACCOUNTS[String(r.account).split('.')[0]], balance: Number(r.debit_to_date) - Number(r.credit_to_date) }));
    return { book: q.book, month: q.month, accounts, total: accounts.reduce((s, a) => s + a.balance, 0) };
  }

  @Get('projections') @ApiOperation({ summary: 'Each projection: state (rebuilding, catching up, live), position, events processed' })
  status() {
    return this.runner.status();
  }

  @Post('projections/rebuild') @HttpCode(202) @ApiOperation({ summary: 'Rebuild one projection or all from the first event; queries keep answering meanwhile' })
  rebuild(@Body() dto: RebuildDto) {
    if (dto.projection && !this.runner.projections.some((p) => p.name === dto.projection)) {
      throw new BadRequestException({ code: 'PROJECTION.UNKNOWN', message: `There is no projection ${dto.projection}; there are ${this.runner.projections.map((p) => p.name).join(', ')}.` });
    }
    void this.runner.rebuild(dto.projection).catch(() => undefined);
    return { rebuilding: dto.projection ?? this.runner.projections.map((p) => p.name) };
  }

  @Get('ledgers/business/:loanId') async loan(@Param('loanId') loanId: string) {
    return (await this.query(businessLedger, BUSINESS_LEDGER, { filters: { loan_id: loanId } })).rows[0] ?? null;
  }

  private async query(p: Projection, table: string, q: LedgerQuery) {
    const status = this.runner.status().find((s) => s.name === p.name);
    try {
      return { ...(await queryLedger(this.readStore, p, table, q)), projection: status };
    } catch (error) {
      if (error instanceof QueryError) throw new BadRequestException({ code: 'LEDGER.BAD_QUERY', message: error.message });
      if (/no such table|does not exist/.test((error as Error).message)) {
        throw new ServiceUnavailableException({ code: 'LEDGER.BUILDING', message: `The ${table} ledger is being built for the first time; try again shortly.` });
      }
      throw error;
    }
  }
}
