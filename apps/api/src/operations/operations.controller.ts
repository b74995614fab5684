import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BusinessDate, ReferenceData } from '@app/domain';
import { EventStore, positionToString } from '@app/event-store';
import { Reconciler } from '@app/programme';
import { Acting, Envelopes, RequestContext } from '../http/request-context';
import { BusinessDateOnlyDto } from '../loans/loan.dto';
import { streamView } from '../http/views';
import { ProgrammeRuntime } from '../programme/runtime';
import { ACTOR_HEADERS } from '../loans/loans.controller';
import { EVENT_STORE } from '../tokens';

@ApiTags('operations')
@Controller()
export class OperationsController {
  constructor(
    private readonly runtime: ProgrammeRuntime,
    private readonly reconciler: Reconciler,
    private readonly envelopes: Envelopes,
    private readonly reference: ReferenceData,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post('operations/day-end')
  @HttpCode(200)
  @ApiHeader(ACTOR_HEADERS[0])
  @ApiHeader(ACTOR_HEADERS[1])
  @ApiHeader(ACTOR_HEADERS[2])
  @ApiOperation({ summary: 'Run the day-end overdue check for a business date (idempotent per loan and date)' })
  async dayEnd(@Acting() ctx: RequestContext, @Body() dto: BusinessDateOnlyDto) {
    const { businessDate } = this.envelopes.for(ctx, dto.businessDate);
    return this.runtime.dayEnd(businessDate as BusinessDate);
  }

  @Post('operations/reconcile')
  @HttpCode(200)
  @ApiHeader(ACTOR_HEADERS[0])
  @ApiHeader(ACTOR_HEADERS[1])
  @ApiHeader(ACTOR_HEADERS[2])
  @ApiOperation({ summary: 'Finish or undo two-step writes left half-done (also runs at boot and every minute)' })
  reconcile(@Acting() _ctx: RequestContext) {
    return this.reconciler.run({ graceMs: 30_000 });
  }

  @Get('streams/:streamName/events')
  @ApiOperation({ summary: 'Any stream with every event and its metadata, for auditors' })
  async stream(@Param('streamName') streamName: string) {
    return streamView(streamName, await this.store.readStream(streamName), 'stream');
  }

  @Get('reference')
  @ApiOperation({ summary: 'Regions (GB/T 2260), guarantee centres, banks and branches' })
  referenceData() {
    return this.reference.set;
  }

  @Get('health')
  @ApiOperation({ summary: 'Whether the API and its event store answer' })
  async health() {
    const [last] = await this.store.readAll({ direction: 'backwards', maxCount: 1 });
    return { status: 'ok', eventStore: { lastPosition: last ? positionToString(last.position) : null } };
  }
}
