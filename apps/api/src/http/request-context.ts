import { BadRequestException, ExecutionContext, Inject, Injectable, UnauthorizedException, createParamDecorator } from '@nestjs/common';
import { Actor, BusinessDate, DomainError, Principal, isBusinessDate } from '@app/domain';
import { CommandEnvelope, CommandKeyStore, fingerprint, nameBasedUuid } from '@app/event-store';
import { createHmac, randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_CONFIG, COMMAND_KEYS } from '../tokens';
import { ApiConfig, today } from '../config';

export interface RequestContext {
  actor: Actor;
  principal: Principal;
  /** The request, for the refusals that log who asked for what. */
  request: FastifyRequest;
  /** The key the client sent, or the one chosen for it; either way it is sent back in the Idempotency-Key header. */
  idempotencyKey: string;
  /** Whether the client sent the key (only then can it be reused, so only then is it checked). */
  keyGiven: boolean;
  /** The command id: the key scoped to the actor, so two actors' keys never collide. */
  commandId: string;
  /** What a key the client sent is used for: the method, the path and the body as sent (only then is it needed). */
  binding?: string;
  correlationId?: string;
}

const KEY = /^[\w:.-]{8,128}$/;

/**
 * Who is acting, as their verified token or key says (see `auth/`); the request id from Idempotency-Key, so that a
 * retried request records nothing twice.
 */
export const Acting = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  const header = (name: string) => {
    const v = req.headers[name];
    return (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
  };
  const principal = req.principal;
  // The guard lets no request without a principal this far; this says so should an endpoint be made public.
  if (!principal) throw new UnauthorizedException({ code: 'AUTH.REQUIRED', message: 'Sign in first.' });
  const { userId, role, organisationId, tokenId } = principal;
  const given = header('idempotency-key');
  if (given !== undefined && !KEY.test(given)) {
    throw new BadRequestException({
      code: 'REQUEST.BAD_IDEMPOTENCY_KEY',
      message: 'Idempotency-Key must be 8 to 128 letters, digits or -_.:',
    });
  }
  const correlationId = header('x-correlation-id');
  if (correlationId !== undefined && !KEY.test(correlationId)) {
    throw new BadRequestException({
      code: 'REQUEST.BAD_CORRELATION_ID',
      message: 'X-Correlation-Id must be 8 to 128 letters, digits or -_.:',
    });
  }
  const key = given ?? randomUUID();
  // Sent back on every answer, errors included, so a client that sent none can still retry safely.
  void ctx.switchToHttp().getResponse<FastifyReply>().header('idempotency-key', key);
  return {
    actor: { userId, role, organisationId, ...(tokenId === undefined ? {} : { tokenId }) },
    principal,
    request: req,
    idempotencyKey: key,
    keyGiven: given !== undefined,
    commandId: nameBasedUuid(`idempotency-key|${userId}|${organisationId}|${key}`),
    binding: given === undefined ? undefined : fingerprint([req.method, req.url.split('?')[0], req.body ?? null]),
    correlationId,
  };
});

@Injectable()
export class Envelopes {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(COMMAND_KEYS) private readonly keys: CommandKeyStore,
  ) {}

  /**
   * The command's envelope, once its key is bound to this request: a key already used for another
   * request (another endpoint, record or body) is refused before anything is decided. The business
   * date defaults to today in the programme's time zone; the future is refused.
   */
  async for(ctx: RequestContext, businessDate?: string): Promise<CommandEnvelope> {
    const date = this.businessDate(businessDate);
    // Kept keyed: the body may hold an ID number, which an unkeyed hash would let anyone with the table guess back.
    const binding =
      ctx.binding === undefined ? undefined : createHmac('sha256', this.config.borrowerKeySecret).update(ctx.binding).digest('hex');
    if (binding !== undefined && (await this.keys.claim(ctx.commandId, binding)) === 'different') {
      throw new DomainError(
        'COMMAND.ID_REUSED',
        'This Idempotency-Key was already used for a different request; use a new key for a new request.',
        'conflict',
      );
    }
    return { commandId: ctx.commandId, actor: ctx.actor, businessDate: date, correlationId: ctx.correlationId };
  }

  /** The business date given, or today in the programme's time zone; the future is refused. */
  businessDate(given?: string): BusinessDate {
    const now = today(this.config.timeZone);
    const date = given ?? now;
    if (!isBusinessDate(date))
      throw new BadRequestException({ code: 'REQUEST.BAD_DATE', message: `businessDate ${date} is not a date (YYYY-MM-DD).` });
    if (date > now)
      throw new BadRequestException({
        code: 'REQUEST.FUTURE_DATE',
        message: `The business date ${date} is in the future; record things on or after the day they happen.`,
      });
    return date as BusinessDate;
  }

  /** A new id that a retried request derives again: e.g. the loan id of an application. */
  derivedId(ctx: RequestContext, purpose: string): string {
    return nameBasedUuid(`${purpose}:${ctx.commandId}`);
  }
}
