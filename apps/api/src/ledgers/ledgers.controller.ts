import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Permit } from '../auth/access.guard';
import {
  ACCOUNTS,
  AsOf,
  ledgerAsOf,
  BULLETIN_COLUMNS,
  BUSINESS_LEDGER,
  LEDGER_LAYOUTS,
  PROJECTIONS,
  bulletinTable,
  lateSteps,
  named,
  FUNDS,
  FUND_MOVEMENTS,
  JOURNAL,
  LedgerQuery,
  Projection,
  ProjectionRunner,
  QueryError,
  ReadStore,
  SUBSIDY_BANK_QUARTERS,
  SUBSIDY_LOAN_QUARTERS,
  TRIAL_BALANCE,
  buildBulletin,
  bulletinFactsKnownAt,
  businessLedger,
  financialLedger,
  fundLedger,
  loadBulletinFacts,
  queryLedger,
  subsidyLedger,
} from '@app/projections';
import { BusinessDate, ReferenceData, policyInForce, stepLimits } from '@app/domain';
import { EVENT_STORE, READ_STORE } from '../tokens';
import { ReadsAfter } from '../http/read-your-writes';
import { sendTable } from './send-table';
import { CommandHandler, EventStore, PersonalData } from '@app/event-store';
import {
  BulletinExportQuery,
  BulletinQuery,
  BusinessQuery,
  JournalQuery,
  LateStepsQuery,
  LedgerExportQuery,
  MovementQuery,
  PageQuery,
  RebuildDto,
  SubsidyQuery,
  TrialBalanceQuery,
} from './ledger.dto';

/** Analysts' queries of the ledgers, with filters, sorting and paging; the projections' status and rebuild. */
@ApiTags('ledgers')
@ApiBearerAuth()
@ApiSecurity('service-key')
@Permit('ledger.read')
@Controller()
export class LedgersController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
    private readonly reference: ReferenceData,
    private readonly personalData: PersonalData,
    private readonly handler: CommandHandler,
  ) {}

  @Get('bulletin')
  @ReadsAfter()
  @ApiOperation({ summary: '每月通报: the month, year to date and cumulative figures for a region and the regions under it, ranked' })
  async bulletin(@Query() q: BulletinQuery) {
    const region = q.region ?? '360000';
    if (!this.reference.region(region))
      throw new BadRequestException({ code: 'REFERENCE.UNKNOWN_REGION', message: `There is no region with code ${region}.` });
    const status = this.runner.status().find((s) => s.name === 'bulletin');
    const facts = await (
      q.knownAt
        ? bulletinFactsKnownAt(this.store, this.readStore, q.month, new Date(q.knownAt))
        : loadBulletinFacts(this.readStore, q.month)
    ).catch((error: Error) => stillBuilding(error, 'bulletin'));
    const rows = buildBulletin(facts, this.reference, q.month).filter((r) => r.regionCode === region || r.parentCode === region);
    return { month: q.month, region, knownAt: q.knownAt ?? null, projection: status, rows };
  }

  @Get('ledgers/business')
  @ReadsAfter()
  @ApiOperation({
    summary: '担保业务管理台账: one row per loan; filter by region, centre, bank, status, kind, category, disbursement date',
  })
  business(@Query() q: BusinessQuery) {
    const { sort, order, page, pageSize, from, to, category, asOf, knownAt, ...filters } = q;
    return this.query(
      businessLedger,
      BUSINESS_LEDGER,
      { filters, sort, order, page, pageSize, range: ['disbursed_on', from, to], tag: ['categories', category] },
      { asOf, knownAt },
    );
  }

  @Get('ledgers/funds')
  @ReadsAfter()
  @ApiOperation({ summary: "担保基金管理台账: each fund's balance, guarantees outstanding and leverage" })
  funds(@Query() q: PageQuery) {
    return this.query(fundLedger, FUNDS, { sort: q.sort, order: q.order, page: q.page, pageSize: q.pageSize }, q);
  }

  @Get('ledgers/fund-movements')
  @ReadsAfter()
  @ApiOperation({ summary: 'Every movement of the funds with the running balance' })
  movements(@Query() q: MovementQuery) {
    const { sort, order, page, pageSize, from, to, asOf, knownAt, ...filters } = q;
    return this.query(
      fundLedger,
      FUND_MOVEMENTS,
      { filters, sort, order, page, pageSize, range: ['business_date', from, to] },
      { asOf, knownAt },
    );
  }

  @Get('ledgers/subsidy/loans')
  @ReadsAfter()
  @ApiOperation({ summary: '贴息资金管理台账: per loan per quarter, interest paid, subsidy due and claimed' })
  subsidyLoans(@Query() q: SubsidyQuery) {
    const { sort, order, page, pageSize, from: _f, to: _t, asOf, knownAt, ...filters } = q;
    return this.query(subsidyLedger, SUBSIDY_LOAN_QUARTERS, { filters, sort, order, page, pageSize }, { asOf, knownAt });
  }

  @Get('ledgers/subsidy/banks')
  @ReadsAfter()
  @ApiOperation({ summary: 'Per bank per quarter: subsidy due, claimed and paid, central and local' })
  subsidyBanks(@Query() q: SubsidyQuery) {
    const { sort, order, page, pageSize, bank_code, quarter } = q;
    return this.query(subsidyLedger, SUBSIDY_BANK_QUARTERS, { filters: { bank_code, quarter }, sort, order, page, pageSize }, q);
  }

  @Get('ledgers/journal')
  @ReadsAfter()
  @ApiOperation({ summary: '基本财务管理台账: the double-entry journal, by book (fund or SUBSIDY)' })
  journal(@Query() q: JournalQuery) {
    const { sort, order, page, pageSize, from, to, asOf, knownAt, ...filters } = q;
    return this.query(
      financialLedger,
      JOURNAL,
      { filters, sort, order, page, pageSize, range: ['business_date', from, to] },
      { asOf, knownAt },
    );
  }

  @Get('ledgers/trial-balance')
  @ReadsAfter()
  @ApiOperation({ summary: "A book's trial balance at the end of a month: movements in the month and balances to date" })
  async trialBalance(@Query() q: TrialBalanceQuery) {
    const rows = await this.readStore
      .query(
        `SELECT account, sum(CASE WHEN month = ? THEN debit ELSE 0 END) AS month_debit, sum(CASE WHEN month = ? THEN credit ELSE 0 END) AS month_credit,
         sum(debit) AS debit_to_date, sum(credit) AS credit_to_date FROM ${TRIAL_BALANCE} WHERE book = ? AND month <= ? GROUP BY account ORDER BY account`,
        [q.month, q.month, q.book, q.month],
      )
      .catch((error: Error) => stillBuilding(error, 'trial balance'));
    const accounts = rows.map((r) => ({
      ...r,
      name: ACCOUNTS[String(r.account).split('.')[0]],
      balance: Number(r.debit_to_date) - Number(r.credit_to_date),
    }));
    return { book: q.book, month: q.month, accounts, total: accounts.reduce((s, a) => s + a.balance, 0) };
  }

  @Get('ledgers/late-steps')
  @ReadsAfter()
  @ApiOperation({
    summary:
      '限时办结: per centre its decisions on applications, per bank branch its disbursements of guaranteed loans, begun in a period: done within the limit, done late, waiting past the deadline, mean days',
  })
  async lateSteps(@Query() q: LateStepsQuery) {
    const limits = stepLimits(policyInForce(this.handler.rules.policies, q.to as BusinessDate));
    const { centres, branches } = await lateSteps(this.readStore, q, limits).catch((error: Error) =>
      stillBuilding(error, 'business ledger'),
    );
    const withNames = <T extends { unitId: string }>(rows: T[], name: (id: string) => string | undefined) =>
      rows.map((r) => ({ ...r, unitName: name(r.unitId) ?? r.unitId }));
    return {
      from: q.from,
      to: q.to,
      limits,
      centres: withNames(centres, (id) => this.reference.centre(id)?.name),
      branches: withNames(branches, (id) => this.reference.branch(id)?.name),
    };
  }

  @Get('exports/bulletin')
  @ReadsAfter()
  @ApiOperation({ summary: 'The bulletin as CSV, XLSX (laid out like the printed bulletin), Markdown or JSON' })
  async exportBulletin(@Query() q: BulletinExportQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const { format, ...query } = q;
    const { rows } = await this.bulletin(query);
    const title = `${q.month} 小额担保贷款工作通报`;
    const region = this.reference.region(q.region ?? '360000')?.name ?? q.region ?? '360000';
    const file = { format: format ?? 'csv', name: `bulletin-${q.month}-${q.region ?? '360000'}`, title, subtitle: region };
    return sendTable(reply, this.personalData, file, BULLETIN_COLUMNS, bulletinTable(rows), rows);
  }

  @Get('exports/:ledger')
  @ReadsAfter()
  @ApiOperation({
    summary:
      "A ledger (business, funds, fund-movements, subsidy-loans, subsidy-banks, journal) as CSV, XLSX, Markdown or JSON, with the listing's filters",
  })
  async exportLedger(@Param('ledger') ledger: string, @Query() q: LedgerExportQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const layout = LEDGER_LAYOUTS[ledger];
    if (!layout)
      throw new BadRequestException({
        code: 'LEDGER.UNKNOWN',
        message: `There is no ledger ${ledger}; there are ${Object.keys(LEDGER_LAYOUTS).join(', ')}.`,
      });
    const { format, sort, order, from, to, category, asOf, knownAt, page: _p, pageSize: _s, ...filters } = q;
    const p = PROJECTIONS.find((x) => x.tables.some((t) => t.name === layout.table))!;
    const dateColumn = (
      { business: 'disbursed_on', journal: 'business_date', 'fund-movements': 'business_date' } as Record<string, string>
    )[ledger];
    const result = await this.query(
      p,
      layout.table,
      {
        filters,
        sort,
        order,
        unpaged: true,
        range: dateColumn ? [dateColumn, from, to] : undefined,
        tag: ledger === 'business' ? ['categories', category] : undefined,
      },
      { asOf, knownAt },
    );
    const subtitle =
      [asOf && `截至 ${asOf}`, knownAt && `按 ${knownAt} 所知`, from && `自 ${from}`, to && `至 ${to}`].filter(Boolean).join(' ') || '全部';
    const rows = format === 'json' ? result.rows : named(layout.columns, result.rows, this.reference);
    const file = { format: format ?? 'csv', name: ledger, title: layout.title, subtitle };
    return sendTable(reply, this.personalData, file, layout.columns, rows, result.rows);
  }

  @Get('projections')
  @Permit('projections.status')
  @ApiOperation({ summary: 'Each projection: state (rebuilding, catching up, live), position, events processed, lag and progress' })
  status() {
    return this.runner.statusWithLag();
  }

  @Post('projections/rebuild')
  @Permit('projections.rebuild')
  @HttpCode(202)
  @ApiOperation({ summary: 'Rebuild one projection or all from the first event; queries keep answering meanwhile' })
  rebuild(@Body() dto: RebuildDto) {
    if (dto.projection && !this.runner.projections.some((p) => p.name === dto.projection)) {
      throw new BadRequestException({
        code: 'PROJECTION.UNKNOWN',
        message: `There is no projection ${dto.projection}; there are ${this.runner.projections.map((p) => p.name).join(', ')}.`,
      });
    }
    void this.runner.rebuild(dto.projection).catch(() => undefined);
    return { rebuilding: dto.projection ?? this.runner.projections.map((p) => p.name) };
  }

  @Get('ledgers/business/:loanId')
  @ReadsAfter()
  @ApiOperation({ summary: "One loan's row of the business ledger; 404 LEDGER.LOAN_NOT_FOUND when the ledger has no such loan" })
  async loan(@Param('loanId') loanId: string) {
    const row = (await this.query(businessLedger, BUSINESS_LEDGER, { filters: { loan_id: loanId } })).rows[0];
    if (!row)
      throw new NotFoundException({
        code: 'LEDGER.LOAN_NOT_FOUND',
        message: 'The business ledger has no loan with that id (a loan just applied for appears once the ledger has caught up).',
      });
    return row;
  }

  /** Live tables answer by SQL; a ledger as of a point from the stored rows where they hold the answer (`ledgerAsOf`). */
  private async query(p: Projection, table: string, q: LedgerQuery, at: { asOf?: string; knownAt?: string } = {}) {
    const projection = this.runner.status().find((s) => s.name === p.name);
    try {
      if (!at.asOf && !at.knownAt) return { ...(await queryLedger(this.readStore, p, table, q)), projection };
      const asOf: AsOf = { businessDate: at.asOf, knownAt: at.knownAt ? new Date(at.knownAt) : undefined };
      const page = await ledgerAsOf(this.store, this.readStore, p, table, asOf, q);
      return { ...page, asOf: at.asOf ?? null, knownAt: at.knownAt ?? null, projection };
    } catch (error) {
      if (error instanceof QueryError) throw new BadRequestException({ code: 'LEDGER.BAD_QUERY', message: error.message });
      return stillBuilding(error as Error, `${table} ledger`);
    }
  }
}

/** A table not there yet means the projection has not built it: 503, to try again shortly. Anything else is a failure. */
function stillBuilding(error: Error, what: string): never {
  if (!/no such table|does not exist/.test(error.message)) throw error;
  throw new ServiceUnavailableException({
    code: 'LEDGER.BUILDING',
    message: `The ${what} is being built for the first time; try again shortly.`,
  });
}
