import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  HttpException,
  Inject,
  Injectable,
  Logger,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Action, Principal, ReferenceData, Target, Verdict, mayDo, reaches } from '@app/domain';
import { AuthError } from './authenticator';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the request, once their token or key is verified. */
    principal?: Principal;
    /** Why the credentials sent were refused. */
    authProblem?: AuthError;
  }
}

const PERMIT = 'access:action';
/** The action an endpoint performs: only roles the policy gives it may call the endpoint. */
export const Permit = (action: Action) => SetMetadata(PERMIT, action);
/** An endpoint anyone may call, signed in or not (the health check). */
export const Public = () => SetMetadata(PERMIT, 'public');

/** The action an endpoint was given, for the guard and for the tests that list every endpoint. */
export const actionOf = (reflector: Reflector, handler: object, controller: object): Action | 'public' | undefined =>
  reflector.getAllAndOverride<Action | 'public' | undefined>(PERMIT, [handler as never, controller as never]);

const log = new Logger('Access');

/** Logs a refusal with who and what (never the body, which may carry an ID number). */
export function logDenied(request: FastifyRequest, code: string, detail: string): void {
  const p = request.principal;
  const who = p ? `${p.kind} ${p.userId} (${p.role}, ${p.organisationId}, token ${p.tokenId ?? '-'})` : `anonymous from ${request.ip}`;
  log.warn(`denied ${code}: ${who} ${request.method} ${request.url.split('?')[0].slice(0, 200)}: ${detail}`);
}

export const SIGN_IN = 'Sign in first: send your sign-in token as "Authorization: Bearer …" (a service sends its key in X-Api-Key).';

/**
 * Every endpoint is denied unless the policy allows it: no sign-in, 401; an action the role may not perform, 403;
 * an endpoint that names no action, 403 for everyone. Where a loan, fund or bank reaches (jurisdiction) is checked
 * by `Jurisdiction`, once the endpoint knows whose record it is.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const action = actionOf(this.reflector, context.getHandler(), context.getClass());
    if (action === 'public') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = request.principal;
    if (!principal) {
      const problem = request.authProblem;
      const error = problem ?? new AuthError('AUTH.REQUIRED', SIGN_IN);
      logDenied(request, error.code, error.message);
      if (error.code === 'AUTH.PROVIDER_UNREACHABLE') throw new HttpException({ code: error.code, message: error.message }, 503);
      throw new UnauthorizedException({ code: error.code, message: error.message });
    }
    const verdict: Verdict = action
      ? mayDo(principal, action)
      : { allowed: false, code: 'ACCESS.DENIED', message: 'This endpoint is open to no one until an access rule is given for it.' };
    if (!verdict.allowed) refuse(request, verdict);
    return true;
  }
}

/** Checks that the acting principal reaches the loan, fund or bank a request is about. */
@Injectable()
export class Jurisdiction {
  constructor(@Inject(ReferenceData) private readonly reference: ReferenceData) {}

  check(request: FastifyRequest, target: Target): void {
    const verdict = reaches(request.principal!, target, this.reference);
    if (!verdict.allowed) refuse(request, verdict);
  }

  /** Whether the principal reaches the target, without refusing (to filter lines or rows). */
  allows(principal: Principal, target: Target): Verdict {
    return reaches(principal, target, this.reference);
  }

  isRegion(code: string): boolean {
    return this.reference.region(code) !== undefined;
  }

  /** The region of a centre (and so of its fund). */
  regionOfCentre(centreId: string): string | undefined {
    return this.reference.centre(centreId)?.regionCode;
  }
}

function refuse(request: FastifyRequest, verdict: Exclude<Verdict, { allowed: true }>): never {
  logDenied(request, verdict.code, verdict.message);
  throw new ForbiddenException({ code: verdict.code, message: verdict.message });
}
