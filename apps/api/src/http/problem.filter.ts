import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { DomainError, DomainErrorKind } from '@app/domain';
import { EventContractError, StoreAccessDeniedError, StoreUnavailableError, StreamDeletedError } from '@app/event-store';
import type { FastifyReply, FastifyRequest } from 'fastify';

const STATUS: Record<DomainErrorKind, number> = { invalid: 400, not_found: 404, rule: 409, conflict: 409 };

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** Every error leaves as application/problem+json (RFC 9457) with a stable code and a message a clerk can act on. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(error: unknown, host: ArgumentsHost) {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest | undefined>();
    const problem = toProblem(error, request, reply);
    // Only a failure on our side is logged, with its stack; a refused request (4xx) is the client's and logs
    // nothing, and a 5xx we answer on purpose (503 while a ledger is first built) is a warning of one line.
    if (problem.status >= 500 && error instanceof HttpException) this.logger.warn(`${problem.status} ${problem.code}: ${problem.detail}`);
    else if (problem.status >= 500) this.logger.error(error instanceof Error ? error.stack : String(error));
    if (problem.status === 405 && Array.isArray(problem.allow)) void reply.header('allow', problem.allow.join(', '));
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  errors?: unknown;
  [k: string]: unknown;
}

export function problemOf(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  return { type: `urn:problem:${code}`, title: titleFor(status), status, code, detail, ...extra };
}

/**
 * The problems Fastify raises itself (body too large, media type not accepted, …): they reach the filter as an
 * HttpException that carries only Fastify's own message, so they are named here by their status.
 */
const FRAMEWORK: Record<number, { code: string; detail: string }> = {
  408: {
    code: 'REQUEST.TIMEOUT',
    detail: 'The request took too long to arrive and was not read; nothing was recorded. Please send it again.',
  },
  413: {
    code: 'REQUEST.TOO_LARGE',
    detail: 'The request body is larger than the 1 MB this service accepts, so it was not read and nothing was recorded.',
  },
  414: {
    code: 'REQUEST.URI_TOO_LONG',
    detail: 'The address (URL) of this request is too long, so it was not read and nothing was recorded. Check the ids in the address.',
  },
  415: {
    code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
    detail: 'The request body must be JSON, sent with the header Content-Type: application/json; it was not read and nothing was recorded.',
  },
  431: {
    code: 'REQUEST.HEADERS_TOO_LARGE',
    detail: 'The request headers are too large (over 16 KB together with the address), so it was not read and nothing was recorded.',
  },
};

export type FrameworkStatus = 408 | 413 | 414 | 415 | 431;
export const frameworkProblem = (status: FrameworkStatus): Problem => problemOf(status, FRAMEWORK[status].code, FRAMEWORK[status].detail);

const DEFAULT_CODE: Record<number, string> = { 400: 'REQUEST.INVALID', 404: 'HTTP.NOT_FOUND' };
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

function toProblem(error: unknown, request: FastifyRequest | undefined, reply: FastifyReply): Problem {
  if (error instanceof DomainError) {
    const status = STATUS[error.kind];
    return { ...problemOf(status, error.code, error.message), ...(error.details ?? {}) };
  }
  if (error instanceof HttpException) {
    // The router found no route (Nest's not-found handler throws a bare NotFoundException).
    if (request?.is404 && error.getStatus() === 404) return routeNotFound(request);
    const status = error.getStatus();
    const body = error.getResponse();
    // Fastify's own errors come as HttpException(message, status): a bare string, no code of ours.
    if (typeof body === 'string' && status in FRAMEWORK) return frameworkProblem(status as FrameworkStatus);
    const {
      code: given,
      message,
      errors,
    } = (typeof body === 'object' && body !== null ? body : {}) as {
      code?: string;
      message?: string | string[];
      errors?: unknown;
    };
    if (status >= 500 && !given) return serverProblem(status, request, reply);
    const code = given ?? FRAMEWORK[status]?.code ?? DEFAULT_CODE[status] ?? `HTTP.${status}`;
    const detail = Array.isArray(message) ? message.join('; ') : (message ?? error.message);
    return { ...problemOf(status, code, detail), errors };
  }
  // Deleted for good on EventStoreDB (a tombstone): the record is gone, which is no failure of this request.
  if (error instanceof StreamDeletedError)
    return problemOf(
      410,
      'RECORD.DELETED',
      'This record was deleted from the event store for good: it can no longer be read, and nothing more can be recorded on it.',
    );
  // The cluster refused this system's user or certificate: nothing was read or written, and only an operator can fix it.
  if (error instanceof StoreAccessDeniedError)
    return problemOf(
      503,
      'SERVER.STORE_ACCESS_DENIED',
      "The event store refused this system's credentials, so nothing was read or recorded. " +
        'The operator must correct the event store user, password or certificate; send the request again once they have.',
    );
  // A fault of this system, caught before anything was appended: the client can be told for certain that nothing was recorded.
  if (error instanceof EventContractError)
    return problemOf(
      500,
      'SERVER.EVENT_CONTRACT',
      'This request was not recorded: the system decided a record that does not match the published form of its events. ' +
        'Nothing was recorded. This is a fault of the system, not of the request, and it has been logged for the operators.',
    );
  // The cluster could not take the call (no leader, a deadline): the same outcome as any failure, but temporary.
  if (error instanceof StoreUnavailableError) {
    void reply.header('retry-after', '1');
    return serverProblem(HttpStatus.SERVICE_UNAVAILABLE, request, reply);
  }
  return serverProblem(HttpStatus.INTERNAL_SERVER_ERROR, request, reply);
}

/** No route for this method and path: 405 naming the methods that are, when the path exists; else 404. */
function routeNotFound(request: FastifyRequest): Problem {
  const path = request.url.split('?')[0];
  const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
  const allow = METHODS.filter((method) => method !== request.method && request.server.findRoute({ method, url: path }));
  if (allow.length > 0) {
    return problemOf(405, 'HTTP.METHOD_NOT_ALLOWED', `${request.method} is not accepted at ${shown}; use ${allow.join(' or ')}.`, {
      allow,
    });
  }
  return problemOf(
    404,
    'HTTP.NOT_FOUND',
    `There is nothing at ${request.method} ${shown}. The addresses this service answers are listed at /docs.`,
  );
}

/**
 * A failure on our side says only what is known. A read changed nothing. A command may have been recorded, in
 * part or in full, before it failed: the client is told so, and how to find out without recording it twice.
 */
function serverProblem(status: number, request: FastifyRequest | undefined, reply: FastifyReply): Problem {
  if (request && SAFE_METHODS.has(request.method)) {
    return problemOf(
      status,
      'SERVER.ERROR',
      'Something went wrong on our side while answering. A read records nothing, so it is safe to try again shortly.',
    );
  }
  const header = reply.getHeader('idempotency-key');
  const key = typeof header === 'string' && header.length > 0 ? header : undefined;
  if (key === undefined) {
    return problemOf(
      status,
      'SERVER.OUTCOME_UNKNOWN',
      'Something went wrong on our side, and the outcome of this request is unknown: it may or may not have been recorded. ' +
        'Before sending it again, check whether it was recorded (for example in the events of the loan or fund): ' +
        'sent without an Idempotency-Key, a retry may record it twice.',
    );
  }
  return problemOf(
    status,
    'SERVER.OUTCOME_UNKNOWN',
    'Something went wrong on our side, and the outcome of this request is unknown: it may or may not have been recorded. ' +
      `Send it again unchanged with the same Idempotency-Key (${key}): if it was recorded, the retry gives back that first outcome ` +
      'without recording anything twice; if it was not, the retry records it once.',
    { idempotencyKey: key },
  );
}

function titleFor(status: number): string {
  return (
    (
      {
        400: 'Invalid request',
        401: 'Sign-in required',
        403: 'Not allowed',
        404: 'Not found',
        405: 'Method not allowed',
        408: 'Request timeout',
        409: 'Refused by the programme rules',
        410: 'Gone',
        413: 'Request too large',
        414: 'Address too long',
        415: 'Unsupported media type',
        429: 'Too many requests',
        431: 'Headers too large',
        500: 'Server error',
        503: 'Service unavailable',
      } as Record<number, string>
    )[status] ?? 'Error'
  );
}
