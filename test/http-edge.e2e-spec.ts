import { connect } from 'node:net';
import { EVENT_STORE } from '../apps/api/src/tokens';
import { Api, CLERK, application, contribution, startApi } from './support/api';
import { FINANCE, signed } from './support/auth';

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: any;
}

/** Sends bytes as they are (no client tidies them up) and reads the answer until the server closes (each request says connection: close). */
function raw(port: number, request: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset after the answer has arrived is not the test's concern
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      if (split === -1) return reject(new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const body = text.slice(split + 4);
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: body ? JSON.parse(body) : undefined });
    });
    socket.setTimeout(10_000, () => socket.destroy());
    socket.write(request); // not end(): a half-closed socket has Node drop the answer to a request still in flight
  });
}

/** The clerk's sign-in, as a raw header line (set before the tests run). */
let actorHeaders = '';
beforeAll(async () => {
  actorHeaders = `authorization: ${(await signed(CLERK)).authorization}\r\n`;
});

/** A POST of `body` as it is, with the clerk's headers and the given content type. */
const post = (path: string, body: string, contentType?: string, extra = '') =>
  `POST ${path} HTTP/1.1\r\nHost: test\r\n${actorHeaders}${contentType ? `content-type: ${contentType}\r\n` : ''}` +
  `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n${extra}\r\n${body}`;
const get = (target: string, extra = '') => `GET ${target} HTTP/1.1\r\nHost: test\r\n${extra}connection: close\r\n\r\n`;

/** A valid application, but for one field replaced by `value` (raw JSON text). */
const applicationWith = (n: number, field: string, value: string) => {
  const body = JSON.stringify({ ...application(n), [field]: '§' });
  return body.replace('"§"', value);
};

/** Every refusal at the edge is problem+json with a stable code, and records nothing. */
describe('the edge of the API, tried as a hostile client', () => {
  let api: Api;
  let port: number;
  beforeAll(async () => {
    api = await startApi();
    port = Number(new URL(await api.app.getUrl()).port);
    await api.post('/funds/GC-360721/contributions', contribution(1_000_000));
  });
  afterAll(async () => api.stop());

  const valid = () => JSON.stringify(application(2));

  const cases: Array<[string, () => string, number, string]> = [
    [
      'a body over 1 MB',
      () =>
        post(
          '/loans',
          JSON.stringify({ ...application(2), project: { name: 'x'.repeat(1_100_000), industry: 'agriculture' } }),
          'application/json',
        ),
      413,
      'REQUEST.TOO_LARGE',
    ],
    ['an address of 20 KB', () => get(`/loans/${'a'.repeat(20_000)}`), 414, 'REQUEST.URI_TOO_LONG'],
    ['an id of 200 characters in the address', () => get(`/loans/${'a'.repeat(200)}`), 414, 'REQUEST.URI_TOO_LONG'],
    ['a header of 20 KB', () => get('/health', `x-filler: ${'a'.repeat(20_000)}\r\n`), 431, 'REQUEST.HEADERS_TOO_LARGE'],
    ['a text/plain body (JSON text inside)', () => post('/loans', valid(), 'text/plain'), 415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE'],
    ['an XML body', () => post('/loans', '<loan/>', 'application/xml'), 415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE'],
    [
      'a form-encoded body',
      () => post('/borrowers/lookup', 'idNumber=11010519491231002X', 'application/x-www-form-urlencoded'),
      415,
      'REQUEST.UNSUPPORTED_MEDIA_TYPE',
    ],
    ['a body without a content type', () => post('/loans', valid()), 415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE'],
    ['JSON cut short', () => post('/loans', valid().slice(0, -10), 'application/json'), 400, 'REQUEST.MALFORMED_JSON'],
    ['an empty JSON body', () => post('/loans', '', 'application/json'), 400, 'REQUEST.MALFORMED_JSON'],
    [
      'objects nested 5,000 deep in a field',
      () => post('/loans', applicationWith(3, 'project', '{"a":'.repeat(5000) + '1' + '}'.repeat(5000)), 'application/json'),
      400,
      'REQUEST.TOO_DEEP',
    ],
    [
      'lists nested 5,000 deep in a field',
      () => post('/loans', applicationWith(4, 'categories', '['.repeat(5000) + ']'.repeat(5000)), 'application/json'),
      400,
      'REQUEST.TOO_DEEP',
    ],
    ['a malformed percent-encoding in the address', () => get('/loans/%E0%A4%A'), 400, 'REQUEST.BAD_URL'],
    ['a request that is not HTTP', () => 'HELLO THERE\r\n\r\n', 400, 'REQUEST.MALFORMED_HTTP'],
    [
      'DELETE on a path that takes only POST',
      () => `DELETE /loans HTTP/1.1\r\nHost: test\r\nconnection: close\r\n\r\n`,
      405,
      'HTTP.METHOD_NOT_ALLOWED',
    ],
  ];

  it.each(cases)('refuses %s as problem+json with its status and code, and records nothing', async (_, request, status, code) => {
    const before = await api.eventCount();
    const reply = await raw(port, request());
    expect({ status: reply.status, code: reply.body?.code }).toEqual({ status, code });
    expect(reply.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(reply.body).toMatchObject({ type: `urn:problem:${code}`, status, title: expect.any(String), detail: expect.any(String) });
    expect(reply.body.detail).not.toMatch(/FST_|Fastify|Cannot (GET|POST)/);
    expect(await api.eventCount()).toBe(before);
  });

  it('names the methods a path takes when the method is wrong, and answers 404 where there is no such path', async () => {
    const wrong = await raw(port, `PUT /loans HTTP/1.1\r\nHost: test\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
    expect(wrong).toMatchObject({ status: 405, headers: { allow: 'POST' }, body: { code: 'HTTP.METHOD_NOT_ALLOWED', allow: ['POST'] } });
    const nowhere = await raw(port, get('/nowhere'));
    expect(nowhere).toMatchObject({ status: 404, body: { code: 'HTTP.NOT_FOUND' } });
    expect(nowhere.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  });

  it('refuses JSON nested just past 32 levels and takes the same request nested less', async () => {
    const nest = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    // 1 (the body) + 31 + 1 = 33 levels: refused before validation, whatever the field.
    expect((await raw(port, post('/loans', applicationWith(5, 'project', nest(32)), 'application/json'))).body.code).toBe(
      'REQUEST.TOO_DEEP',
    );
    // 1 + 31 = 32 levels: read, then refused by validation (the field is not a project).
    expect((await raw(port, post('/loans', applicationWith(5, 'project', nest(31)), 'application/json'))).body.code).toBe(
      'REQUEST.INVALID',
    );
    // Brackets inside strings do not count (whatever validation then makes of the name).
    const inString = JSON.stringify({ ...application(5), project: { name: '{['.repeat(100), industry: 'agriculture' } });
    expect((await raw(port, post('/loans', inString, 'application/json'))).body?.code).not.toBe('REQUEST.TOO_DEEP');
  });

  it('logs no stack trace for a refused request', async () => {
    const written: string[] = [];
    const spies = (['stdout', 'stderr'] as const).map((stream) =>
      jest.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      }),
    );
    try {
      for (const [, request] of cases) await raw(port, request());
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
    expect(written.join('')).not.toMatch(/\n\s+at /);
  });
});

describe('a failure on our side', () => {
  let api: Api;
  const logged: string[] = [];
  beforeAll(async () => {
    api = await startApi({ PROJECTIONS: 'off' });
    expect((await api.post('/funds/GC-360721/contributions', contribution(1_000_000))).status).toBe(201);
    // The store closes under the running API: every command fails after it was accepted.
    await api.app.get<{ close(): Promise<void> }>(EVENT_STORE).close();
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await api.stop();
  });

  it('says a command’s outcome is unknown, and to retry with the same Idempotency-Key, which it names', async () => {
    const key = 'edge-outcome-unknown-1';
    const reply = await api.post('/funds/GC-360721/contributions', contribution(500), { ...FINANCE, 'idempotency-key': key });
    expect(reply.status).toBe(500);
    expect(reply.contentType).toBe('application/problem+json; charset=utf-8');
    expect(reply.body).toMatchObject({
      type: 'urn:problem:SERVER.OUTCOME_UNKNOWN',
      code: 'SERVER.OUTCOME_UNKNOWN',
      status: 500,
      idempotencyKey: key,
    });
    expect(reply.body.detail).toMatch(/may or may not have been recorded/);
    expect(reply.body.detail).toContain(`same Idempotency-Key (${key})`);
    expect(reply.body.detail).not.toMatch(/nothing was recorded/i);
    expect(logged.join('')).toMatch(/ERROR/); // the failure is logged
  });

  it('gives the key it chose when the client sent none', async () => {
    const reply = await api.post('/funds/GC-360721/contributions', contribution(500));
    expect(reply.body.code).toBe('SERVER.OUTCOME_UNKNOWN');
    expect(reply.body.idempotencyKey).toEqual(expect.any(String));
    expect(reply.body.detail).toContain(reply.body.idempotencyKey);
  });

  it('keeps SERVER.ERROR for a read, and says a read is safe to retry', async () => {
    const reply = await api.get('/funds/GC-360721');
    expect(reply.status).toBe(500);
    expect(reply.contentType).toBe('application/problem+json; charset=utf-8');
    expect(reply.body.code).toBe('SERVER.ERROR');
    expect(reply.body.idempotencyKey).toBeUndefined();
    expect(reply.body.detail).toMatch(/records nothing, so it is safe to try again/);
  });
});
