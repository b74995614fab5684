import { BadRequestException, ExecutionContext, Inject, Injectable, UnauthorizedException, createParamDecorator } from '@nestjs/common';
import { Actor, BusinessDate, ROLES, Role, isBusinessDate } from '@app/domain';
import { CommandEnvelope, nameBasedUuid } from '@app/event-store';
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { API_CONFIG } from '../tokens';
import { ApiConfig, today } from '../config';

export interface RequestContext {
  actor: Actor;
  commandId: string;
  correlationId?: string;
}

/**
 * Who is acting, from the X-Actor-User, X-Actor-Role and X-Actor-Org headers until authentication lands;
 * the request id from Idempotency-Key, so that a retried request records nothing twice.
 */
export const Acting = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  const header = (name: string) => {
    const v = req.headers[name];
    return (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
  };
  const userId = header('x-actor-user');
  const role = header('x-actor-role');
  const organisationId = header('x-actor-org');
  if (!userId || !role || !organisationId) {
    throw new UnauthorizedException({
      code: 'ACTOR.MISSING',
      message: 'Say who is acting: the X-Actor-User, X-Actor-Role and X-Actor-Org headers are required.',
    });
  }
  if (!ROLES.includes(role as Role)) {
    throw new UnauthorizedException({ code: 'ACTOR.UNKNOWN_ROLE', message: `"${role}" is not a role; use one of ${ROLES.join(', ')}.` });
  }
  const key = header('idempotency-key');
  if (key !== undefined && !/^[\w:.-]{8,128}$/.test(key)) {
    throw new BadRequestException({
      code: 'REQUEST.BAD_IDEMPOTENCY_KEY',
      message: 'Idempotency-Key must be 8 to 128 letters, digits or -_.:',
    });
  }
  return {
    actor: { userId, role: role as Role, organisationId },
    commandId: key ?? randomUUID(),
    correlationId: header('x-correlation-id'),
  };
});

@Injectable()
export class Envelopes {
  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  /** The business date defaults to today in the programme's time zone; the future is refused. */
  for(ctx: RequestContext, businessDate?: string): CommandEnvelope {
    const now = today(this.config.timeZone);
    const date = businessDate ?? now;
    if (!isBusinessDate(date))
      throw new BadRequestException({ code: 'REQUEST.BAD_DATE', message: `businessDate ${date} is not a date (YYYY-MM-DD).` });
    if (date > now)
      throw new BadRequestException({
        code: 'REQUEST.FUTURE_DATE',
        message: `The business date ${date} is in the future; record things on or after the day they happen.`,
      });
    return { commandId: ctx.commandId, actor: ctx.actor, businessDate: date as BusinessDate, correlationId: ctx.correlationId };
  }

  /** A new id that a retried request derives again: e.g. the loan id of an application. */
  derivedId(ctx: RequestContext, purpose: string): string {
    return nameBasedUuid(`${purpose}:${ctx.commandId}`);
  }
}
