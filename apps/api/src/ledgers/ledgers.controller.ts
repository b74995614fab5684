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
import { Answers, AnswersFile, arr } from '../http/schema';
import {
  BULLETIN,
  BULLETIN_ROW,
  BUSINESS_PAGE,
  BUSINESS_ROW,
  FUNDS_PAGE,
  JOURNAL_PAGE,
  LATE_STEPS,
  LEDGER_ROWS,
  MOVEMENTS_PAGE,
  PROJECTION_STATUSES,
  REBUILDING,
  SUBSIDY_BANKS_PAGE,
  SUBSIDY_LOANS_PAGE,
  TRIAL_BALANCE_ANSWER,
} from './ledger.responses';
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
import { FILE_TYPES, sendTable } from './send-table';
import { apiBulletinRow, apiRow, columnOf, filtersOf } from '../http/api-names';
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
  @Answers(BULLETIN)
  async bulletin(@Query() q: BulletinQuery) {
    const { rows, ...bulletin } = await this.bulletinRows(q);
    return { ...bulletin, rows: rows.map(apiBulletinRow) };
  }

  private async bulletinRows(q: BulletinQuery) {
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
  @Answers(BUSINESS_PAGE)
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
  @Answers(FUNDS_PAGE)
  funds(@Query() q: PageQuery) {
    return this.query(fundLedger, FUNDS, { sort: q.sort, order: q.order, page: q.page, pageSize: q.pageSize }, q);
  }

  @Get('ledgers/fund-movements')
  @ReadsAfter()
  @ApiOperation({ summary: 'Every movement of the funds with the running balance' })
  @Answers(MOVEMENTS_PAGE)
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
  @Answers(SUBSIDY_LOANS_PAGE)
  subsidyLoans(@Query() q: SubsidyQuery) {
    const { sort, order, page, pageSize, from: _f, to: _t, asOf, knownAt, ...filters } = q;
    return this.query(subsidyLedger, SUBSIDY_LOAN_QUARTERS, { filters, sort, order, page, pageSize }, { asOf, knownAt });
  }

  @Get('ledgers/subsidy/banks')
  @ReadsAfter()
  @ApiOperation({ summary: 'Per bank per quarter: subsidy due, claimed and paid, central and local' })
  @Answers(SUBSIDY_BANKS_PAGE)
  subsidyBanks(@Query() q: SubsidyQuery) {
    const { sort, order, page, pageSize, bankCode, quarter } = q;
    return this.query(subsidyLedger, SUBSIDY_BANK_QUARTERS, { filters: { bankCode, quarter }, sort, order, page, pageSize }, q);
  }

  @Get('ledgers/journal')
  @ReadsAfter()
  @ApiOperation({ summary: '基本财务管理台账: the double-entry journal, by book (fund or SUBSIDY)' })
  @Answers(JOURNAL_PAGE)
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
  @Answers(TRIAL_BALANCE_ANSWER)
  async trialBalance(@Query() q: TrialBalanceQuery) {
    const rows = await this.readStore
      .query(
        `SELECT account, sum(CASE WHEN month = ? THEN debit ELSE 0 END) AS month_debit, sum(CASE WHEN month = ? THEN credit ELSE 0 END) AS month_credit,
         sum(debit) AS debit_to_date, sum(credit) AS credit_to_date FROM ${TRIAL_BALANCE} WHERE book = ? AND month <= ? GROUP BY account ORDER BY account`,
        [q.month, q.month, q.book, q.month],
      )
      .catch((error: Error) => stillBuilding(error, 'trial balance'));
    const accounts = rows.map((r) => ({
      account: r.account as string,
      name: ACCOUNTS[String(r.account).split('.')[0]],
      monthDebitFen: Number(r.month_debit),
      monthCreditFen: Number(r.month_credit),
      debitToDateFen: Number(r.debit_to_date),
      creditToDateFen: Number(r.credit_to_date),
      balanceFen: Number(r.debit_to_date) - Number(r.credit_to_date),
    }));
    return { book: q.book, month: q.month, accounts, totalFen: accounts.reduce((s, a) => s + a.balanceFen, 0) };
  }

  @Get('ledgers/late-steps')
  @ReadsAfter()
  @ApiOperation({
    summary:
      '限时办结: per centre its decisions on applications, per bank branch its disbursements of guaranteed loans, begun in a period: done within the limit, done late, waiting past the deadline, mean days',
  })
  @Answers(LATE_STEPS)
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
  @AnswersFile(FILE_TYPES, arr(BULLETIN_ROW))
  async exportBulletin(@Query() q: BulletinExportQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const { format, ...query } = q;
    const { rows } = await this.bulletinRows(query);
    const title = `${q.month} 小额担保贷款工作通报`;
    const region = this.reference.region(q.region ?? '360000')?.name ?? q.region ?? '360000';
    const file = { format: format ?? 'csv', name: `bulletin-${q.month}-${q.region ?? '360000'}`, title, subtitle: region };
    return sendTable(reply, this.personalData, file, BULLETIN_COLUMNS, bulletinTable(rows), rows.map(apiBulletinRow));
  }

  @Get('exports/:ledger')
  @ReadsAfter()
  @ApiOperation({
    summary:
      "A ledger (business, funds, fund-movements, subsidy-loans, subsidy-banks, journal) as CSV, XLSX, Markdown or JSON, with the listing's filters",
  })
  @AnswersFile(FILE_TYPES, LEDGER_ROWS)
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
    const result = await this.stored(
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
    const spec = specOf(p, layout.table);
    const file = { format: format ?? 'csv', name: ledger, title: layout.title, subtitle };
    const inWords = file.format === 'json' ? [] : named(layout.columns, result.rows, this.reference);
    return sendTable(
      reply,
      this.personalData,
      file,
      layout.columns,
      inWords,
      result.rows.map((r) => apiRow(spec, r)),
    );
  }

  @Get('projections')
  @Permit('projections.status')
  @ApiOperation({ summary: 'Each projection: state (rebuilding, catching up, live), position, events processed, lag and progress' })
  @Answers(PROJECTION_STATUSES)
  status() {
    return this.runner.statusWithLag();
  }

  @Post('projections/rebuild')
  @Permit('projections.rebuild')
  @HttpCode(202)
  @ApiOperation({ summary: 'Rebuild one projection or all from the first event; queries keep answering meanwhile' })
  @Answers(REBUILDING, 202)
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
  @Answers(BUSINESS_ROW)
  async loan(@Param('loanId') loanId: string) {
    const row = (await this.query(businessLedger, BUSINESS_LEDGER, { filters: { loanId } })).rows[0];
    if (!row)
      throw new NotFoundException({
        code: 'LEDGER.LOAN_NOT_FOUND',
        message: 'The business ledger has no loan with that id (a loan just applied for appears once the ledger has caught up).',
      });
    return row;
  }

  /** A page of a ledger in the API's names (`apiRow`). */
  private async query(p: Projection, table: string, asked: LedgerQuery, at: { asOf?: string; knownAt?: string } = {}) {
    const page = await this.stored(p, table, asked, at);
    return { ...page, rows: page.rows.map((r) => apiRow(specOf(p, table), r)) };
  }

  /**
   * A page of a ledger's rows as stored, asked for in the API's names. Live tables answer by SQL; a ledger as of
   * a point from the stored rows where they hold the answer (`ledgerAsOf`).
   */
  private async stored(p: Projection, table: string, asked: LedgerQuery, at: { asOf?: string; knownAt?: string }) {
    const projection = this.runner.status().find((s) => s.name === p.name);
    const spec = specOf(p, table);
    const q = {
      ...asked,
      filters: filtersOf(spec, asked.filters ?? {}),
      sort: asked.sort === undefined ? undefined : columnOf(spec, asked.sort, 'field to sort by'),
    };
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

const specOf = (p: Projection, table: string) => p.tables.find((t) => t.name === table)!;

/** A table not there yet means the projection has not built it: 503, to try again shortly. Anything else is a failure. */
function stillBuilding(error: Error, what: string): never {
  if (!/no such table|does not exist/.test(error.message)) throw error;
  throw new ServiceUnavailableException({
    code: 'LEDGER.BUILDING',
    message: `The ${what} is being built for the first time; try again shortly.`,
  });
}
