import { connect } from 'node:net';
import { signed } from '../support/auth';

/** One request as the fuzzer sends it: the target is already encoded, the body is JSON text (or not). */
export interface FuzzRequest {
  /** The OpenAPI operation it was generated for, e.g. `POST /loans/{loanId}/guarantee`. */
  op: string;
  method: string;
  /** Path and query as written on the request line. */
  target: string;
  /** As generated: X-Actor-User, -Role and -Org, when all three are there, stand for a token for that actor. */
  headers: Record<string, string>;
  body?: string;
}

export interface FuzzReply {
  /** 0 when no answer came (connection reset, timeout). */
  status: number;
  contentType: string;
  text: string;
}

const TIMEOUT_MS = 30_000;
// What fetch refuses to send: anything but printable ASCII on the request line, CTLs or non-Latin-1 in headers.
const FETCH_TARGET = /^[\x21-\x7e]*$/;
const FETCH_HEADER = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Sends with fetch when it can; bytes fetch refuses to put on the wire (NUL in a header, UTF-8 paths) go over a raw
 * socket. The actor the headers name signs in with a token made for it, whatever its claims (the API must refuse
 * the hostile ones).
 */
export async function send(base: string, generated: FuzzRequest): Promise<FuzzReply> {
  const req = { ...generated, headers: await signed(generated.headers) };
  const raw = !FETCH_TARGET.test(req.target) || Object.values(req.headers).some((v) => !FETCH_HEADER.test(v) || v !== v.trim());
  return raw ? sendRaw(base, req) : sendFetch(base, req);
}

async function sendFetch(base: string, req: FuzzRequest): Promise<FuzzReply> {
  try {
    const res = await fetch(base + req.target, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const contentType = res.headers.get('content-type') ?? '';
    // A live feed never ends: its head is the answer.
    if (contentType.startsWith('text/event-stream')) {
      await res.body?.cancel();
      return { status: res.status, contentType, text: '' };
    }
    return { status: res.status, contentType, text: await res.text() };
  } catch (error) {
    return { status: 0, contentType: '', text: `no answer: ${(error as Error).message} ${String((error as Error).cause ?? '')}` };
  }
}

/** HTTP/1.1 by hand: the request as bytes (header values as UTF-8), the answer read until the server closes. */
function sendRaw(base: string, req: FuzzRequest): Promise<FuzzReply> {
  const { hostname, port } = new URL(base);
  const body = req.body === undefined ? Buffer.alloc(0) : Buffer.from(req.body, 'utf8');
  const head = [
    `${req.method} ${req.target} HTTP/1.1`,
    `host: ${hostname}:${port}`,
    'connection: close',
    ...Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`),
    ...(req.body === undefined ? [] : [`content-length: ${body.length}`]),
  ].join('\r\n');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    // Written, not ended: a half-closed connection lets Node's HTTP server drop the request before it answers.
    const socket = connect(Number(port), hostname, () => socket.write(Buffer.concat([Buffer.from(head + '\r\n\r\n', 'utf8'), body])));
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error('timeout')));
    socket.on('data', (d) => {
      chunks.push(d);
      // A live feed never ends: its head is the answer.
      if (/\r\ncontent-type: *text\/event-stream/i.test(Buffer.concat(chunks).toString('latin1'))) socket.destroy();
    });
    // The server may answer and close before it has read everything (413): what arrived still counts.
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(parse(Buffer.concat(chunks))));
  });
}

function parse(bytes: Buffer): FuzzReply {
  const end = bytes.indexOf('\r\n\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(bytes.toString('latin1', 0, 16));
  if (end < 0 || !status) return { status: 0, contentType: '', text: `no answer: ${JSON.stringify(bytes.toString('latin1', 0, 200))}` };
  const headers = bytes.toString('latin1', 0, end).toLowerCase();
  let body = bytes.subarray(end + 4);
  if (/\r\ntransfer-encoding: *chunked/.test(headers)) body = dechunk(body);
  return { status: Number(status[1]), contentType: /\r\ncontent-type: *([^\r]*)/.exec(headers)?.[1] ?? '', text: body.toString('utf8') };
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length;) {
    const eol = body.indexOf('\r\n', at);
    const size = parseInt(body.toString('latin1', at, eol), 16);
    if (!(size > 0)) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
