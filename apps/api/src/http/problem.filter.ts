import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { DomainError, DomainErrorKind } from '@app/domain';
import type { FastifyReply } from 'fastify';

const STATUS: Record<DomainErrorKind, number> = { invalid: 400, not_found: 404, rule: 409, conflict: 409 };

/** Every error leaves as application/problem+json (RFC 9457) with a stable code and a message a clerk can act on. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(error: unknown, host: ArgumentsHost) {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const problem = toProblem(error);
    if (problem.status >= 500) this.logger.error(error instanceof Error ? error.stack : String(error));
    void reply.status(problem.status).header('content-type', 'application/problem+json; charset=utf-8').send(problem);
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

function toProblem(error: unknown): Problem {
  if (error instanceof DomainError) {
    const status = STATUS[error.kind];
    return {
      type: `urn:problem:${error.code}`,
      title: titleFor(status),
      status,
      code: error.code,
      detail: error.message,
      ...(error.details ?? {}),
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse() as { code?: string; message?: string | string[]; errors?: unknown };
    const code = body.code ?? (status === 404 ? 'HTTP.NOT_FOUND' : status === 400 ? 'REQUEST.INVALID' : `HTTP.${status}`);
    const detail = Array.isArray(body.message) ? body.message.join('; ') : (body.message ?? error.message);
    return { type: `urn:problem:${code}`, title: titleFor(status), status, code, detail, errors: body.errors };
  }
  const status = HttpStatus.INTERNAL_SERVER_ERROR;
  return {
    type: 'urn:problem:SERVER.ERROR',
    title: titleFor(status),
    status,
    code: 'SERVER.ERROR',
    detail: 'Something went wrong on our side; nothing was recorded. Please try again.',
  };
}

function titleFor(status: number): string {
  return (
    (
      {
        400: 'Invalid request',
        401: 'Who is acting must be given',
        404: 'Not found',
        409: 'Refused by the programme rules',
        500: 'Server error',
      } as Record<number, string>
    )[status] ?? 'Error'
  );
}
