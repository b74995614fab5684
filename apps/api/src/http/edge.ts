import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { PROBLEM_CONTENT_TYPE, Problem, frameworkProblem, problemOf } from './problem.filter';

/**
 * The edge of the API: what is refused before a request reaches a controller, and how, so that every refusal
 * leaves as application/problem+json like any other error, whether Node's HTTP parser, Fastify or Nest refuses it.
 */

/** The largest request body read (Fastify's default, stated): 1 MiB. */
export const BODY_LIMIT = 1024 * 1024;
/** The largest upload of a batch (`/batches/…`): 50,000 lines of CSV or JSON fit. */
export const BATCH_BODY_LIMIT = 32 * 1024 * 1024;
const BATCH_ROUTES = '/batches/';
/**
 * The largest subsidy claim (`POST /subsidy-claims`): its 50,000 loans at most, with the longest ids and amounts
 * the claim takes, even indented, fit. The claim is recorded in parts that each fit one append.
 */
export const CLAIM_BODY_LIMIT = 32 * 1024 * 1024;
const CLAIM_ROUTE = '/subsidy-claims';
/** File uploads a batch takes besides JSON; elsewhere they are refused (415) like any body that is not JSON. */
const UPLOAD_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];
/** The deepest nesting of objects and arrays a JSON body may have; the deepest request needs 3. */
export const MAX_JSON_DEPTH = 32;
/** A request line longer than this, in a head Node refused as too large, is taken for an address too long (414). */
export const MAX_REQUEST_LINE = 8 * 1024;

/** Options of the Fastify instance (given to the FastifyAdapter). */
export const edgeOptions = {
  bodyLimit: BODY_LIMIT,
  // Fastify turns Node's limit off (0): a client that never finishes its body would hold a connection for ever.
  requestTimeout: 60_000,
  clientErrorHandler,
  frameworkErrors,
} satisfies FastifyServerOptions;

/**
 * Bodies are JSON and nothing else: Fastify's text/plain parser goes (a text body is refused with 415 instead of
 * reaching validation as a string), and JSON nested deeper than MAX_JSON_DEPTH is refused before it is parsed,
 * so that nothing downstream (validation, fingerprints) recurses into it. Call before `listen`.
 */
export function installEdge(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim().length === 0) return done(malformedJson('The request body is empty; send it as JSON.'), undefined);
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
      return done(
        new BadRequestException({
          code: 'REQUEST.TOO_DEEP',
          message: `The request body nests objects or lists more than ${MAX_JSON_DEPTH} levels deep, which no request needs; it was not read and nothing was recorded.`,
        }),
        undefined,
      );
    }
    parse(request, text, (error, value) => (error ? done(malformedJson(NOT_JSON), undefined) : done(null, value)));
  });
  fastify.addContentTypeParser(UPLOAD_TYPES, { parseAs: 'buffer', bodyLimit: BATCH_BODY_LIMIT }, (request, body, done) => {
    if (request.routeOptions.url?.startsWith(BATCH_ROUTES)) return done(null, body);
    const error = new UnsupportedMediaTypeException({
      code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
      message: 'Only the /batches uploads take CSV or XLSX files; send this request as JSON. Nothing was recorded.',
    });
    done(error, undefined);
  });
  // Routes are added when the application starts, after this hook is in place.
  fastify.addHook('onRoute', (route) => {
    if (route.url.startsWith(BATCH_ROUTES)) route.bodyLimit = BATCH_BODY_LIMIT;
    if (route.url === CLAIM_ROUTE && route.method === 'POST') route.bodyLimit = CLAIM_BODY_LIMIT;
  });
}

const NOT_JSON =
  'The request body is not valid JSON (check its quotes, commas and brackets), or it has a field named __proto__ or constructor, which is refused.';
const malformedJson = (why: string) =>
  new BadRequestException({ code: 'REQUEST.MALFORMED_JSON', message: `${why} It was not read and nothing was recorded.` });

/**
 * Whether a JSON text nests objects and arrays deeper than `limit`, counted in one pass without recursion
 * (brackets inside strings are skipped); it stops as soon as the limit is passed.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      // A backslash escapes the next character; an unescaped quote ends the string.
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Errors Fastify meets while routing, before any hook or handler: an ill-encoded address, an id far too long. */
function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const problem =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? frameworkProblem(414)
      : error.code === 'FST_ERR_BAD_URL'
        ? problemOf(
            400,
            'REQUEST.BAD_URL',
            'The address (URL) of this request is not valid: a % must be followed by two hexadecimal digits. Nothing was recorded.',
          )
        : problemOf(500, 'SERVER.ERROR', 'The request could not be routed; it reached no command and nothing was recorded.');
  void reply.code(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
}

interface ClientError extends Error {
  code?: string;
  /** The chunk the parser failed on (a Buffer, whatever Fastify's types say). */
  rawPacket?: unknown;
}

/**
 * Requests Node's HTTP parser refuses never reach Fastify: their answer is written on the socket here, as a problem,
 * and the connection closed. A head over Node's limit (16 KB) is a 414 when its request line alone is the bulk of it.
 */
function clientErrorHandler(error: ClientError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const problem = clientProblem(error);
  const body = JSON.stringify(problem);
  socket.end(
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

function clientProblem(error: ClientError): Problem {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return frameworkProblem(requestLineTooLong(error.rawPacket) ? 414 : 431);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return frameworkProblem(408);
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return frameworkProblem(413);
    default:
      return problemOf(400, 'REQUEST.MALFORMED_HTTP', 'The request is not valid HTTP, so it was not read and nothing was recorded.');
  }
}

/** Node hands over the chunk it failed on: when that chunk starts a request, how far its first line runs. */
function requestLineTooLong(packet: unknown): boolean {
  if (!Buffer.isBuffer(packet) || !/^[A-Z]+ /.test(packet.subarray(0, 16).toString('latin1'))) return false;
  const end = packet.indexOf('\r\n');
  return end === -1 || end > MAX_REQUEST_LINE;
}
