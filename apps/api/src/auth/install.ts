import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { HttpException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problemOf } from '../http/problem.filter';
import { AuthConfig } from './auth-config';
import { AuthError, Authenticator } from './authenticator';
import { SIGN_IN, logDenied } from './access.guard';

/** The one route with a limit of its own: turning ID numbers into borrowers is what a harvester would do. */
export const LOOKUP_ROUTE = '/borrowers/lookup';

/**
 * Sign-in and the hardened edge, before any route runs: every request's credentials are verified (the guard
 * decides what they allow), security headers are set, each identity is held to its rate, and /docs is closed
 * outside development. No CORS headers are sent, so browsers on other sites cannot call the API.
 * Call before `listen`.
 */
export async function installSecurity(app: NestFastifyApplication, config: AuthConfig): Promise<void> {
  const authenticator = app.get(Authenticator);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request) => {
    try {
      request.principal = await authenticator.authenticate(request.headers);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      request.authProblem = error;
    }
  });
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.principal) return;
    // The route as registered, not the URL as sent: "/%64ocs-json" is routed to /docs-json too.
    const docs = request.routeOptions.url?.startsWith('/docs') === true;
    // Nothing is read from anyone unknown: a body (up to 32 MiB on the uploads) is refused before it is parsed.
    const length = request.headers['content-length'];
    const hasBody = request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
    if (!(docs && !config.docsPublic) && !hasBody) return;
    const problem = request.authProblem ?? new AuthError('AUTH.REQUIRED', docs ? 'Sign in to read the API documentation.' : SIGN_IN);
    logDenied(request, problem.code, problem.message);
    return send(reply, problemOf(problem.code === 'AUTH.PROVIDER_UNREACHABLE' ? 503 : 401, problem.code, problem.message));
  });
  await app.register(helmet, {
    // The API answers JSON; only the documentation page is HTML, and it loads its scripts from this server.
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], styleSrc: ["'self'", "'unsafe-inline'"] } },
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
  });
  const limit = (max: number, message: string) => ({
    max,
    timeWindow: 60_000,
    // After sign-in, so a person's or service's requests count together; before it, by address.
    hook: 'preHandler' as const,
    keyGenerator: identityOf,
    // Thrown to the problem filter like any refusal, so it leaves as problem+json.
    errorResponseBuilder: (_: FastifyRequest, context: { after: string }) =>
      new HttpException({ code: 'REQUEST.RATE_LIMITED', message: `${message} Try again in ${context.after}; nothing was recorded.` }, 429),
    onExceeded: (request: FastifyRequest) => logDenied(request, 'REQUEST.RATE_LIMITED', `over ${max} a minute`),
  });
  // Before the plugin, whose own onRoute hook reads the route's limit.
  fastify.addHook('onRoute', (route) => {
    if (route.url === LOOKUP_ROUTE && config.lookupsPerMinute > 0)
      route.config = { ...route.config, rateLimit: limit(config.lookupsPerMinute, LOOKUP_MESSAGE(config.lookupsPerMinute)) };
  });
  await app.register(rateLimit, {
    global: config.requestsPerMinute > 0,
    ...limit(config.requestsPerMinute || 1, `More than ${config.requestsPerMinute} requests a minute were sent with these credentials.`),
  });
}

const LOOKUP_MESSAGE = (n: number) => `More than ${n} borrower lookups a minute were made with these credentials.`;

function identityOf(request: FastifyRequest): string {
  const p = request.principal;
  return p ? `${p.kind}:${p.organisationId}:${p.userId}` : `address:${request.ip}`;
}

function send(reply: FastifyReply, problem: ReturnType<typeof problemOf>) {
  return reply.code(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
}
