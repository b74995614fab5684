import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { BusinessDate, ReferenceData } from '@app/domain';
import { CommandKeyStore, EventStore, positionToString } from '@app/event-store';
import { Reconciler } from '@app/programme';
import { Acting, Envelopes, RequestContext } from '../http/request-context';
import { BusinessDateOnlyDto } from '../loans/loan.dto';
import { streamView } from '../http/views';
import { Answers, STREAM } from '../http/schema';
import { DAY_END, HEALTH, RECONCILED, REFERENCE } from './operation.responses';
import { ProgrammeRuntime } from '../programme/runtime';
import { Permit, Public } from '../auth/access.guard';
import { COMMAND_KEYS, EVENT_STORE } from '../tokens';

@ApiTags('operations')
@ApiBearerAuth()
@Controller()
export class OperationsController {
  constructor(
    private readonly runtime: ProgrammeRuntime,
    private readonly reconciler: Reconciler,
    private readonly envelopes: Envelopes,
    private readonly reference: ReferenceData,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(COMMAND_KEYS) private readonly keys: CommandKeyStore,
  ) {}

  @Post('operations/day-end')
  @Permit('operations.day-end')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run the day-end overdue check for a business date (idempotent per loan and date)' })
  @Answers(DAY_END)
  async dayEnd(@Acting() ctx: RequestContext, @Body() dto: BusinessDateOnlyDto) {
    const { businessDate } = await this.envelopes.for(ctx, dto.businessDate);
    return this.runtime.dayEnd(businessDate as BusinessDate, ctx.actor);
  }

  @Post('operations/reconcile')
  @Permit('operations.reconcile')
  @HttpCode(200)
  @ApiOperation({ summary: 'Finish or undo two-step writes left half-done (also runs at boot and every minute)' })
  @Answers(RECONCILED)
  async reconcile(@Acting() _ctx: RequestContext) {
    return this.reconciler.run({ graceMs: 30_000 });
  }

  @Get('streams/:streamName/events')
  @Permit('stream.read')
  @ApiSecurity('service-key')
  @ApiOperation({ summary: 'Any stream with every event and its metadata, for auditors' })
  @Answers(STREAM)
  async stream(@Param('streamName') streamName: string) {
    return streamView(streamName, await this.store.readStream(streamName), 'stream');
  }

  @Get('reference')
  @Permit('reference.read')
  @ApiOperation({ summary: 'Regions (GB/T 2260), guarantee centres, banks and branches' })
  @Answers(REFERENCE)
  referenceData() {
    const { centres, ...set } = this.reference.set;
    // A centre's own share of compensation is a rate: named with its unit, as the API names every rate.
    const centreView = ({ compensationShare, ...centre }: (typeof centres)[number]) =>
      compensationShare === undefined ? centre : { ...centre, compensationShareBp: compensationShare };
    return { ...set, centres: centres.map(centreView) };
  }

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Whether the API can record commands: 200 when it can, 503 when its event store cannot write' })
  @Answers(HEALTH)
  @Answers(HEALTH, 503, 'The event store cannot record')
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const events = (await this.store.health?.()) ?? { writable: true };
    // The request keys are written beside the events: a disk that refuses them refuses commands too.
    const store = this.keys.problem ? { writable: false, problem: this.keys.problem } : events;
    const [last] = await this.store.readAll({ direction: 'backwards', maxCount: 1 });
    const reconciler = this.runtime.reconcilerStatus;
    const openLoans = { problem: this.runtime.openLoansProblem };
    const riskRegister = { problem: this.runtime.riskRegisterProblem };
    const healthy = store.writable && reconciler.failed.length === 0 && !reconciler.problem && !openLoans.problem && !riskRegister.problem;
    if (!store.writable) void reply.status(503);
    return {
      status: !store.writable ? 'cannot_record' : healthy ? 'ok' : 'degraded',
      eventStore: { ...store, lastPosition: last ? positionToString(last.position) : null },
      reconciler,
      openLoans,
      riskRegister,
    };
  }
}
