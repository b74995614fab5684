import {
  BadRequestException,
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  ServiceUnavailableException,
  UseInterceptors,
  applyDecorators,
} from '@nestjs/common';
import { ApiHeader, ApiQuery } from '@nestjs/swagger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { Observable, from, mergeMap } from 'rxjs';
import { EventStore, Position, comparePositions, positionFromString, positionToString } from '@app/event-store';
import { PROJECTIONS, Projection, ReadStore } from '@app/projections';
import { API_CONFIG, EVENT_STORE, READ_STORE } from '../tokens';
import { ApiConfig } from '../config';

/**
 * Read your own writes. Every command's reply names, in `X-Log-Position`, the head of the log once the
 * command and its follow-ups were recorded. A query given that position (`?after=` or `X-After-Position`)
 * answers once every ledger has folded the events up to it, so a client sees its own command in the
 * ledgers; if they have not within `READ_WAIT_MS`, it says so (503 PROJECTION.BEHIND) rather than answer
 * with figures that do not include it yet.
 */
export const LOG_POSITION_HEADER = 'x-log-position';
export const AFTER_HEADER = 'x-after-position';

/**
 * After every command that succeeded: the head of the log, which is at or past everything the command
 * recorded. A Fastify hook rather than a Nest interceptor, so that a command pays for a header, not for
 * an interceptor's pipeline.
 */
export function installLogPosition(app: NestFastifyApplication): void {
  const store = app.get<EventStore>(EVENT_STORE);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request, reply, payload) => {
      if (request.method === 'GET' || request.method === 'HEAD' || reply.statusCode >= 400) return payload;
      const head = store.headPosition ? store.headPosition() : (await store.readAll({ direction: 'backwards', maxCount: 1 }))[0]?.position;
      if (head) void reply.header(LOG_POSITION_HEADER, positionToString(head));
      return payload;
    });
}

/** How often a waiting query looks again at the projections' checkpoints. */
const POLL_MS = 10;

/** Before a query given a position: waits until every projection has folded the log up to it. */
@Injectable()
export class ReadAfterInterceptor implements NestInterceptor {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = ctx.switchToHttp().getRequest<FastifyRequest>();
    const query = request.query as Record<string, unknown>;
    const given = query.after ?? request.headers[AFTER_HEADER];
    delete query.after; // not a filter of the ledger: the query's own validation never sees it
    if (given === undefined) return next.handle();
    return from(this.waitFor(parsePosition(given))).pipe(mergeMap(() => next.handle()));
  }

  private async waitFor(after: Position): Promise<void> {
    const [head] = await this.store.readAll({ direction: 'backwards', maxCount: 1 });
    if (!head || comparePositions(after, head.position) > 0) {
      throw new BadRequestException({
        code: 'REQUEST.INVALID',
        message: `Nothing has been recorded at position ${positionToString(after)} yet; send the X-Log-Position a command replied with.`,
      });
    }
    const deadline = Date.now() + this.config.readWaitMs;
    for (;;) {
      const behind = await this.behind(after);
      if (behind.length === 0) return;
      if (Date.now() >= deadline) {
        throw new ServiceUnavailableException({
          code: 'PROJECTION.BEHIND',
          message:
            `The ledgers (${behind.join(', ')}) have not yet taken in everything up to position ${positionToString(after)} ` +
            `after ${this.config.readWaitMs} ms; try again shortly.`,
        });
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** The projections that still have to fold an event at or before `after`. */
  private async behind(after: Position): Promise<string[]> {
    const out: string[] = [];
    for (const p of PROJECTIONS) if (!(await this.hasReached(p, after))) out.push(p.name);
    return out;
  }

  /**
   * A projection's checkpoint is the last event it read, so one that is up to date may stand before
   * `after` when the events since are of types it does not fold: it has reached `after` when the next
   * event of its types comes after it.
   */
  private async hasReached(p: Projection, after: Position): Promise<boolean> {
    const active = (await this.readStore.generations(p.name)).find((g) => g.status === 'active');
    if (!active) return false;
    const checkpoint = active.checkpoint ? positionFromString(active.checkpoint) : undefined;
    if (checkpoint && comparePositions(checkpoint, after) >= 0) return true;
    const ahead = await this.store.readAll({
      fromPosition: checkpoint ?? 'start',
      maxCount: 2,
      filter: { eventTypePrefixes: [...p.eventTypes] },
    });
    const pending = ahead.find((e) => !checkpoint || comparePositions(e.position, checkpoint) > 0);
    return !pending || comparePositions(pending.position, after) > 0;
  }
}

function parsePosition(given: unknown): Position {
  try {
    if (typeof given !== 'string') throw new RangeError('not one value');
    return positionFromString(given);
  } catch {
    throw new BadRequestException({
      code: 'REQUEST.INVALID',
      message: 'after must be a log position as a command replied it in X-Log-Position, such as 1234/1234.',
    });
  }
}

/** On a query of the ledgers: `?after=` and `X-After-Position`, documented and honoured. */
export const ReadsAfter = () =>
  applyDecorators(
    ApiQuery({
      name: 'after',
      required: false,
      description: 'Answer only once the ledgers include everything up to this log position (X-Log-Position of a command).',
    }),
    ApiHeader({ name: AFTER_HEADER, required: false, description: 'The same as ?after=.' }),
    UseInterceptors(ReadAfterInterceptor),
  );
