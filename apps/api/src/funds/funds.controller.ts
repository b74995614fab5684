import { Body, Controller, Get, Inject, Logger, Param, Post, Put, Req } from '@nestjs/common';
import { Answers, STREAM } from '../http/schema';
import { BORROWER, CLAIM_COMMAND, CONTRIBUTED, FUND, TARGET_SET } from './fund.responses';
import type { FastifyRequest } from 'fastify';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsIn, Matches, ValidateNested } from 'class-validator';
import {
  BusinessDate,
  FUND_SOURCES,
  Fen,
  Quarter,
  ReferenceData,
  borrowerStream,
  fundDecider,
  fundStream,
  subsidyStream,
  targetStream,
} from '@app/domain';
import { CommandHandler, EventStore } from '@app/event-store';
import { CLAIM_ITEMS_PER_PART, Programme } from '@app/programme';
import { Acting, Envelopes, RequestContext } from '../http/request-context';
import { AmountFen, CalendarQuarter, Count, Text, WithBusinessDate } from '../http/dto-common';
import { commandView, streamView } from '../http/views';
import { BorrowerIdentity } from '../programme/borrower-identity';
import { API_CONFIG, EVENT_STORE } from '../tokens';
import { ApiConfig, today } from '../config';
import { IDEMPOTENCY_HEADER } from '../loans/loans.controller';
import { Jurisdiction, Permit } from '../auth/access.guard';

const lookups = new Logger('BorrowerLookup');

class ContributionDto extends WithBusinessDate {
  @ApiProperty({ enum: FUND_SOURCES })
  @IsIn(FUND_SOURCES, { message: `source must be one of: ${FUND_SOURCES.join(', ')}` })
  source!: (typeof FUND_SOURCES)[number];
  @ApiProperty({ example: 100_000_000 }) @AmountFen(1) amountFen!: number;
  @ApiProperty({ example: '赣县财政拨款 2011-03' }) @Text(1, 200) reference!: string;
}

const PER_PART = CLAIM_ITEMS_PER_PART.toLocaleString('en');

class SubsidyItemDto {
  @ApiProperty() @Text(1, 64) loanId!: string;
  @ApiProperty() @AmountFen(0) centralFen!: number;
  @ApiProperty() @AmountFen(0) localFen!: number;
}

class SubsidyClaimDto extends WithBusinessDate {
  @ApiProperty({ example: 'ABC-2011-Q1-001' })
  @Matches(/^[\w.-]{1,64}$/, { message: 'claimId must be letters, digits, - _ or .' })
  claimId!: string;
  @ApiProperty({ example: 'ABC' }) @Text(1, 16) bankCode!: string;
  @ApiProperty({ example: '2011-Q1' }) @CalendarQuarter() quarter!: string;
  @ApiProperty({
    type: [SubsidyItemDto],
    description: `Up to 50,000 loans; more than ${PER_PART} are recorded as several InterestSubsidyClaimed events, one per part.`,
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(50_000)
  @ValidateNested({ each: true })
  @Type(() => SubsidyItemDto)
  items!: SubsidyItemDto[];
}

class SubsidyPaymentDto extends WithBusinessDate {
  @ApiProperty() @AmountFen(0) centralFen!: number;
  @ApiProperty() @AmountFen(0) localFen!: number;
}

class TargetDto extends WithBusinessDate {
  @ApiProperty({ example: 3000 }) @Count(1) loans!: number;
  @ApiProperty({ example: 15_000_000_000 }) @AmountFen(1) amountFen!: number;
}

class LookupDto {
  @ApiProperty({ example: '11010519491231002X', description: '18 characters, or 15 digits for a first-generation card' })
  @Text(15, 18)
  idNumber!: string;
}

const fen = (n: number) => n as Fen;

@ApiTags('funds, subsidy, targets, borrowers')
@ApiBearerAuth()
@ApiHeader(IDEMPOTENCY_HEADER)
@Controller()
export class FundsController {
  constructor(
    private readonly programme: Programme,
    private readonly handler: CommandHandler,
    private readonly envelopes: Envelopes,
    private readonly identity: BorrowerIdentity,
    private readonly reference: ReferenceData,
    private readonly jurisdiction: Jurisdiction,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Permit('fund.contribute')
  @Post('funds/:fundId/contributions')
  @ApiOperation({ summary: 'Money into a guarantee fund (GuaranteeFundContributed)' })
  @Answers(CONTRIBUTED, 201)
  async contribute(@Acting() ctx: RequestContext, @Param('fundId') fundId: string, @Body() dto: ContributionDto) {
    this.jurisdiction.check(ctx.request, { regionCode: this.jurisdiction.regionOfCentre(fundId) });
    const handled = await this.programme.contribute(
      fundId,
      { source: dto.source, amount: fen(dto.amountFen), reference: dto.reference },
      await this.envelopes.for(ctx, dto.businessDate),
    );
    return { fundId, ...commandView(handled) };
  }

  @Permit('fund.read')
  @Get('funds/:fundId')
  @ApiOperation({ summary: "A fund's balance, guarantees outstanding and headroom under the leverage cap" })
  @Answers(FUND)
  async fund(@Param('fundId') fundId: string) {
    this.reference.requireCentre(fundId);
    const { state, revision } = await this.handler.load(fundStream(fundId), fundDecider);
    const multiple = this.handler.context(today(this.config.timeZone) as BusinessDate).policy.leverageMultiple;
    return {
      fundId,
      balanceFen: state.balance,
      guaranteesOutstandingFen: state.exposure,
      leverageMultiple: multiple,
      headroomFen: Math.max(0, state.balance * multiple - state.exposure),
      guaranteesOpen: state.reservations.size,
      revision: revision?.toString(),
    };
  }

  @Permit('fund.events.read')
  @Get('funds/:fundId/events')
  @Answers(STREAM)
  async fundEvents(@Param('fundId') fundId: string) {
    return streamView(fundStream(fundId), await this.store.readStream(fundStream(fundId)), 'fund');
  }

  @Permit('borrower.lookup')
  @Post('borrowers/lookup')
  @ApiOperation({ summary: "Find a person's borrower id from their ID number (the number is not kept)" })
  @Answers(BORROWER, 201)
  lookup(@Acting() ctx: RequestContext, @Body() dto: LookupDto) {
    const found = this.identity.identify(dto.idNumber);
    // Who looked up whom is kept, by the borrower's keyed hash: the number itself is never written anywhere.
    lookups.log(
      `${ctx.actor.userId} (${ctx.actor.role}, ${ctx.actor.organisationId}, token ${ctx.actor.tokenId ?? '-'}) looked up borrower ${found.borrowerId}`,
    );
    return found;
  }

  @Permit('borrower.read')
  @Get('borrowers/:borrowerId/events')
  @Answers(STREAM)
  async borrowerEvents(@Param('borrowerId') borrowerId: string) {
    return streamView(borrowerStream(borrowerId), await this.store.readStream(borrowerStream(borrowerId)), 'borrower');
  }

  @Permit('subsidy.claim')
  @Post('subsidy-claims')
  @ApiOperation({
    summary: `A bank's quarterly interest-subsidy claim (InterestSubsidyClaimed, one per part of ${PER_PART} loans)`,
    description:
      'A claim of more loans than one write to the event store takes is recorded in parts, in order. If the answer is lost, ' +
      'send the same request with the same Idempotency-Key: the parts recorded are not recorded again, the rest are.',
  })
  @Answers(CLAIM_COMMAND, 201)
  async claim(@Acting() ctx: RequestContext, @Body() dto: SubsidyClaimDto) {
    this.jurisdiction.check(ctx.request, { bankCode: dto.bankCode });
    const items = dto.items.map((i) => ({ loanId: i.loanId, central: fen(i.centralFen), local: fen(i.localFen) }));
    const handled = await this.programme.claimSubsidy(
      { claimId: dto.claimId, bankCode: dto.bankCode, quarter: dto.quarter as Quarter, items },
      await this.envelopes.for(ctx, dto.businessDate),
    );
    return { claimId: dto.claimId, ...commandView(handled) };
  }

  @Permit('subsidy.pay')
  @Post('subsidy-claims/:bankCode/:quarter/:claimId/payment')
  @ApiOperation({ summary: 'Finance pays a claim (InterestSubsidyPaid)' })
  @Answers(CLAIM_COMMAND, 201)
  async pay(
    @Acting() ctx: RequestContext,
    @Param('bankCode') bankCode: string,
    @Param('quarter') quarter: string,
    @Param('claimId') claimId: string,
    @Body() dto: SubsidyPaymentDto,
  ) {
    const handled = await this.programme.paySubsidy(
      bankCode,
      quarter as Quarter,
      { claimId, central: fen(dto.centralFen), local: fen(dto.localFen) },
      await this.envelopes.for(ctx, dto.businessDate),
    );
    return { claimId, ...commandView(handled) };
  }

  @Permit('subsidy.read')
  @Get('subsidy-claims/:bankCode/:quarter/events')
  @Answers(STREAM)
  async subsidyEvents(@Req() request: FastifyRequest, @Param('bankCode') bankCode: string, @Param('quarter') quarter: string) {
    this.jurisdiction.check(request, { bankCode });
    const name = subsidyStream(bankCode, quarter as Quarter);
    return streamView(name, await this.store.readStream(name), 'subsidy claim for that bank and quarter');
  }

  @Permit('target.set')
  @Put('targets/:regionCode/:year')
  @ApiOperation({ summary: "Set or revise a region's annual target (AnnualTargetSet)" })
  @Answers(TARGET_SET)
  async setTarget(
    @Acting() ctx: RequestContext,
    @Param('regionCode') regionCode: string,
    @Param('year') year: string,
    @Body() dto: TargetDto,
  ) {
    const handled = await this.programme.setAnnualTarget(
      regionCode,
      Number(year),
      { loans: dto.loans, amount: fen(dto.amountFen) },
      await this.envelopes.for(ctx, dto.businessDate),
    );
    return { regionCode, year: Number(year), ...commandView(handled) };
  }

  @Permit('target.read')
  @Get('targets/:regionCode/:year/events')
  @Answers(STREAM)
  async targetEvents(@Param('regionCode') regionCode: string, @Param('year') year: string) {
    return streamView(
      targetStream(regionCode, Number(year)),
      await this.store.readStream(targetStream(regionCode, Number(year))),
      'target',
    );
  }
}
