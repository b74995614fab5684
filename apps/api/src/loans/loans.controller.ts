import { BadRequestException, Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Req } from '@nestjs/common';
import { Answers, STREAM } from '../http/schema';
import { APPLIED, LOAN, LOAN_COMMAND, PAYOFF_QUOTE, REPAYMENT_SCHEDULE } from './loan.responses';
import type { FastifyRequest } from 'fastify';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BusinessDate, Fen, LoanApplication, LoanState, bp, loanDecider, loanStream, payoffQuote, repaymentSchedule } from '@app/domain';
import { CommandHandler, EventStore, PersonalData } from '@app/event-store';
import { Programme } from '@app/programme';
import { Acting, Envelopes, RequestContext } from '../http/request-context';
import { commandView, streamView } from '../http/views';
import { BorrowerIdentity } from '../programme/borrower-identity';
import { API_CONFIG, EVENT_STORE } from '../tokens';
import { ApiConfig, today } from '../config';
import { Jurisdiction, Permit } from '../auth/access.guard';
import {
  ApplyForLoanDto,
  BusinessDateOnlyDto,
  DisburseDto,
  ExtensionDto,
  GuaranteeDto,
  LoanDayQuery,
  RecoveryDto,
  RejectDto,
  RepaymentDto,
  RiskReviewDto,
  SecondSupportDto,
  WriteOffDto,
} from './loan.dto';

export const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Send the same key when retrying: the request is then recorded once.',
};
const fen = (n: number | undefined) => (n ?? 0) as Fen;

/** The contact details given, each sealed with the borrower's key. */
function contactOf(dto: ApplyForLoanDto, sealed: (text: string) => string): { contact?: LoanApplication['contact'] } {
  const given = { phone: dto.phone?.trim(), address: dto.address, bankAccount: dto.bankAccount?.trim() };
  const contact = Object.fromEntries(Object.entries(given).flatMap(([k, v]) => (v ? [[k, sealed(v)]] : [])));
  return Object.keys(contact).length ? { contact } : {};
}

@ApiTags('loans')
@ApiBearerAuth()
@ApiHeader(IDEMPOTENCY_HEADER)
@Controller('loans')
export class LoansController {
  constructor(
    private readonly programme: Programme,
    private readonly handler: CommandHandler,
    private readonly envelopes: Envelopes,
    private readonly identity: BorrowerIdentity,
    private readonly jurisdiction: Jurisdiction,
    private readonly personalData: PersonalData,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Post()
  @Permit('loan.apply')
  @ApiOperation({
    summary: 'Take an application (LoanApplied; with jobsCreated, a second-support application granted at once: SecondSupportGranted)',
  })
  @Answers(APPLIED, 201)
  async apply(@Acting() ctx: RequestContext, @Body() dto: ApplyForLoanDto) {
    // An unknown county is the application's to refuse, saying so (REFERENCE.UNKNOWN_COUNTY), not a refusal of access.
    if (this.jurisdiction.isRegion(dto.countyCode)) this.jurisdiction.check(ctx.request, { regionCode: dto.countyCode });
    const env = await this.envelopes.for(ctx, dto.businessDate);
    const { borrowerId, maskedIdNumber } = this.identity.identify(dto.idNumber);
    const guarantorId =
      dto.guarantorIdNumber === undefined ? undefined : this.identity.identify(dto.guarantorIdNumber, 'guarantor').borrowerId;
    if (guarantorId === borrowerId)
      throw new BadRequestException({ code: 'LOAN.OWN_GUARANTOR', message: 'The borrower cannot be their own guarantor.' });
    const riskKeys = this.identity.riskKeys({ ...dto, projectName: dto.project.name });
    const loanId = dto.loanId ?? this.envelopes.derivedId(ctx, 'loan');
    // Personal data is sealed with the borrower's key before it is decided on and recorded (docs/privacy.md),
    // and no erasure of the person runs meanwhile.
    const handled = await this.personalData.exclusive(borrowerId, async () => {
      const sealed = await this.personalData.sealerFor(borrowerId);
      return this.programme.applyForLoan(
        {
          loanId,
          borrowerId,
          maskedIdNumber: sealed(maskedIdNumber),
          categories: dto.categories,
          kind: dto.kind,
          // The name comes trimmed (Text), so second support's "same project" compares the same sealed text.
          project: { name: sealed(dto.project.name), industry: dto.project.industry },
          microProfit: dto.microProfit,
          amount: fen(dto.amountFen),
          termMonths: dto.termMonths,
          countyCode: dto.countyCode,
          centreId: dto.centreId,
          branchId: dto.branchId,
          counterGuarantee: { ...dto.counterGuarantee },
          personsSupported: dto.personsSupported,
          jobsPlanned: dto.jobsPlanned,
          previousLoanId: dto.previousLoanId,
          ...contactOf(dto, sealed),
          ...(dto.businessLicence ? { businessLicence: sealed(dto.businessLicence.trim().toUpperCase()) } : {}),
          ...(guarantorId ? { guarantorId } : {}),
          ...(Object.keys(riskKeys).length ? { riskKeys } : {}),
        },
        env,
        dto.jobsCreated,
      );
    });
    return { loanId, borrowerId, ...commandView(handled) };
  }

  @Post(':loanId/rejection')
  @Permit('loan.reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject an application (LoanApplicationRejected)' })
  @Answers(LOAN_COMMAND)
  async reject(@Acting() ctx: RequestContext, @Param('loanId') loanId: string, @Body() dto: RejectDto) {
    return this.view(
      loanId,
      await this.programme.reject(loanId, { reasonCode: dto.reasonCode, note: dto.note }, await this.onLoan(ctx, loanId, dto.businessDate)),
    );
  }

  @Post(':loanId/risk-review')
  @Permit('loan.risk-review')
  @HttpCode(200)
  @ApiOperation({
    summary: "A centre officer's decision on an application risk control flagged (RiskReviewed; declined, also LoanApplicationRejected)",
  })
  @Answers(LOAN_COMMAND)
  async reviewRisk(@Acting() ctx: RequestContext, @Param('loanId') loanId: string, @Body() dto: RiskReviewDto) {
    return this.view(
      loanId,
      await this.programme.reviewRisk(loanId, { decision: dto.decision, note: dto.note }, await this.onLoan(ctx, loanId, dto.businessDate)),
    );
  }

  @Post(':loanId/second-support')
  @Permit('loan.second-support')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm second support (SecondSupportGranted)' })
  @Answers(LOAN_COMMAND)
  async grantSecondSupport(@Acting() ctx: RequestContext, @Param('loanId') loanId: string, @Body() dto: SecondSupportDto) {
    return this.view(
      loanId,
      await this.programme.grantSecondSupport(loanId, dto.jobsCreated, await this.onLoan(ctx, loanId, dto.businessDate)),
    );
  }

  @Post(':loanId/guarantee')
  @Permit('loan.guarantee')
  @HttpCode(200)
  @ApiOperation({ summary: "Issue the guarantee (GuaranteeIssued), within the fund's 5× leverage" })
  @Answers(LOAN_COMMAND)
  async guarantee(@Acting() ctx: RequestContext, @Param('loanId') loanId: string, @Body() dto: GuaranteeDto) {
    const data = { guaranteedAmount: fen(dto.guaranteedAmountFen), feeRate: bp(dto.feeRateBp), feePaidBy: dto.feePaidBy };
    return this.view(loanId, await this.programme.issueGuarantee(loanId, data, await this.onLoan(ctx, loanId, dto.businessDate)));
  }

  @Post(':loanId/disbursement')
  @Permit('loan.disburse')
  @HttpCode(200)
  @ApiOperation({ summary: "Record the bank's disbursement (Disbursed)" })
  @Answers(LOAN_COMMAND)
  async disburse(@Acting() ctx: RequestContext, @Param('loanId') loanId: string, @Body() dto: DisburseDto) {
    const data = {
      amount: fen(dto.amountFen),
      contractRate: bp(dto.contractRateBp),
      repaymentMethod: dto.repaymentMethod,
      bankContractNo: dto.bankContractNo,
      borrowerFees: fen(dto.borrowerFeesFen),
    };
    return this.view(loanId, await this.programme.disburse(loanId, data, await this.onLoan(ctx, loanId, dto.businessDate)));
  }

  @Post(':loanId/repayments')
  @Permit('loan.repay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record a repayment (Repaid, and LoanSettled when all is paid)' })
  @Answers(LOAN_COMMAND)
  async repay(@Acting() ctx: RequestContext, @Param('loanId') loanId: string, @Body() dto: RepaymentDto) {
    const data = { principal: fen(dto.principalFen), interest: fen(dto.interestFen), borrowerFees: fen(dto.borrowerFeesFen) };
    return this.view(loanId, await this.programme.repay(loanId, data, await this.onLoan(ctx, loanId, dto.businessDate)));
  }

  @Post(':loanId/extension')
  @Permit('loan.extend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Extend the loan once (LoanExtended)' })
  @Answers(LOAN_COMMAND)
  async extend(@Acting() ctx: RequestContext, @Param('loanId') loanId: string, @Body() dto: ExtensionDto) {
    const data = { newMaturity: dto.newMaturity as BusinessDate, guarantorConsent: dto.guarantorConsent };
    return this.view(loanId, await this.programme.extend(loanId, data, await this.onLoan(ctx, loanId, dto.businessDate)));
  }

  @Post(':loanId/compensation')
  @Permit('loan.compensate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pay compensation from the fund (CompensationPaid)' })
  @Answers(LOAN_COMMAND)
  async compensate(@Acting() ctx: RequestContext, @Param('loanId') loanId: string, @Body() dto: BusinessDateOnlyDto) {
    return this.view(loanId, await this.programme.payCompensation(loanId, await this.onLoan(ctx, loanId, dto.businessDate)));
  }

  @Post(':loanId/recoveries')
  @Permit('loan.recover')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record money recovered after compensation (RecoveryCollected)' })
  @Answers(LOAN_COMMAND)
  async recover(@Acting() ctx: RequestContext, @Param('loanId') loanId: string, @Body() dto: RecoveryDto) {
    return this.view(
      loanId,
      await this.programme.collectRecovery(
        loanId,
        { amount: fen(dto.amountFen), source: dto.source },
        await this.onLoan(ctx, loanId, dto.businessDate),
      ),
    );
  }

  @Post(':loanId/write-off')
  @Permit('loan.write-off')
  @HttpCode(200)
  @ApiOperation({ summary: 'Write off what cannot be recovered (LoanWrittenOff)' })
  @Answers(LOAN_COMMAND)
  async writeOff(@Acting() ctx: RequestContext, @Param('loanId') loanId: string, @Body() dto: WriteOffDto) {
    return this.view(
      loanId,
      await this.programme.writeOff(loanId, { approvalRef: dto.approvalRef }, await this.onLoan(ctx, loanId, dto.businessDate)),
    );
  }

  @Get(':loanId')
  @Permit('loan.read')
  @ApiOperation({ summary: 'The loan as its events make it now' })
  @Answers(LOAN)
  async get(@Req() request: FastifyRequest, @Param('loanId') loanId: string) {
    const { state, revision } = await this.reachLoan(request, loanId);
    if (state.status === 'none') throw new NotFoundException({ code: 'LOAN.NOT_FOUND', message: 'There is no loan with that id.' });
    return { ...summary(loanId, state), revision: revision?.toString() };
  }

  @Get(':loanId/events')
  @Permit('loan.read')
  @ApiOperation({ summary: 'Every event of the loan with its metadata' })
  @Answers(STREAM)
  async events(@Req() request: FastifyRequest, @Param('loanId') loanId: string) {
    await this.reachLoan(request, loanId);
    return streamView(loanStream(loanId), await this.store.readStream(loanStream(loanId)), 'loan');
  }

  @Get(':loanId/payoff-quote')
  @Permit('loan.read')
  @ApiOperation({
    summary: 'What pays the loan off on a day: principal, interest to the day, what is overdue, and the subsidy that payment earns',
    description:
      'Reckoned as a repayment recorded that day would be: paying `totalFen` that day is accepted to the fen and settles the loan.',
  })
  @Answers(PAYOFF_QUOTE)
  async payoffQuote(@Req() request: FastifyRequest, @Param('loanId') loanId: string, @Query() q: LoanDayQuery) {
    return payoffQuote(await this.existingLoan(request, loanId), this.day(q));
  }

  @Get(':loanId/repayment-schedule')
  @Permit('loan.read')
  @ApiOperation({
    summary:
      "The loan's repayment schedule on a day: what fell due and was paid or is overdue, and what falls due if every payment is made on its date",
  })
  @Answers(REPAYMENT_SCHEDULE)
  async schedule(@Req() request: FastifyRequest, @Param('loanId') loanId: string, @Query() q: LoanDayQuery) {
    return { loanId, asOf: this.day(q), lines: repaymentSchedule(await this.existingLoan(request, loanId), this.day(q)) };
  }

  private async existingLoan(request: FastifyRequest, loanId: string): Promise<LoanState> {
    const { state } = await this.reachLoan(request, loanId);
    if (state.status === 'none') throw new NotFoundException({ code: 'LOAN.NOT_FOUND', message: 'There is no loan with that id.' });
    return state;
  }

  private day(q: LoanDayQuery): BusinessDate {
    return (q.date ?? today(this.config.timeZone)) as BusinessDate;
  }

  /** The envelope of a command on a loan the actor reaches (a loan that does not exist is the command's to refuse). */
  private async onLoan(ctx: RequestContext, loanId: string, businessDate?: string) {
    await this.reachLoan(ctx.request, loanId);
    return this.envelopes.for(ctx, businessDate);
  }

  /** The loan, once the principal is found to reach it: its county for centre staff, its bank for bank staff. */
  private async reachLoan(request: FastifyRequest, loanId: string) {
    const loan = await this.handler.load(loanStream(loanId), loanDecider);
    const application = loan.state.application;
    if (application)
      this.jurisdiction.check(request, {
        regionCode: application.countyCode,
        bankCode: application.bankCode,
      });
    return loan;
  }

  private view(loanId: string, handled: Parameters<typeof commandView>[0] & { state: LoanState }) {
    return { loanId, status: handled.state.status, ...commandView(handled) };
  }
}

function summary(loanId: string, s: LoanState) {
  const account = s.account;
  return {
    loanId,
    status: s.status,
    application: s.application && (({ amount, ...rest }) => ({ ...rest, amountFen: amount }))(s.application),
    guarantee: s.guarantee && { fundId: s.guarantee.fundId, amountFen: s.guarantee.amount, issuedOn: s.guarantee.issuedOn },
    disbursement: s.disbursement && disbursementView(s.disbursement),
    outstandingPrincipalFen: account?.outstanding,
    maturityDate: account?.maturity,
    extended: s.extended,
    everOverdue: s.everOverdue,
    markedOverdue: { principalFen: s.marked.principal, interestFen: s.marked.interest },
    compensationFen: s.claim,
    recoveredFen: s.recovered,
  };
}

/** The disbursement's terms, each amount and rate named with its unit. */
function disbursementView({ amount, subsidy, ...dates }: NonNullable<LoanState['disbursement']>) {
  const { scheme, centralShare, principalCap } = subsidy;
  return { amountFen: amount, ...dates, subsidy: { scheme, centralShareBp: centralShare, principalCapFen: principalCap } };
}
