import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * What the API promises (the refusal codes in the sources, the endpoints in the OpenAPI document) and what
 * the tests mention of it, found by scanning the files: for test/coverage-of-contract.spec.ts.
 */

export const ROOT = join(__dirname, '..', '..');

function walk(dir: string, keep: (path: string) => boolean, out: string[] = []): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) walk(path, keep, out);
    else if (keep(path)) out.push(path);
  }
  return out;
}

const rel = (path: string) => relative(ROOT, path).split(sep).join('/');
const isTs = (path: string) => path.endsWith('.ts') && !path.endsWith('.d.ts');
const isSpec = (path: string) => /\.(e2e-)?spec\.ts$/.test(path);

/** The sources: every .ts under libs/<lib>/src and apps/<app>/src, spec files left out. */
export function sourceFiles(): string[] {
  return ['libs', 'apps']
    .flatMap((top) =>
      readdirSync(join(ROOT, top), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => join(ROOT, top, d.name, 'src')),
    )
    .flatMap((dir) => walk(dir, (p) => isTs(p) && !isSpec(p)))
    .sort();
}

/** The tests: everything under test/ (helpers included), libs/<lib>/test, and every *.spec.ts beside the sources. */
export function testFiles(exclude: string[] = []): string[] {
  const skip = new Set(exclude.map((p) => join(ROOT, p)));
  const files = new Set([
    ...walk(join(ROOT, 'test'), isTs),
    ...['libs', 'apps'].flatMap((top) => walk(join(ROOT, top), (p) => isTs(p) && (isSpec(p) || rel(p).split('/').includes('test')))),
  ]);
  return [...files].filter((p) => !skip.has(p)).sort();
}

/**
 * A refusal code is a string literal shaped like AREA.NAME in capitals (`'LOAN.CAP_EXCEEDED'`,
 * `{ code: 'REQUEST.TOO_DEEP' }`, `problemOf(404, 'HTTP.NOT_FOUND', …)`): whatever builds it (DomainError,
 * invalid, broken, notFound, an HttpException's body, a problem), every such literal in the sources is a code.
 */
const CODE_LITERAL = /(['"`])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*\.[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)\1/g;

/** Every code the sources can produce, with the files that name it. */
export function codesInSources(): Map<string, string[]> {
  const codes = new Map<string, string[]>();
  for (const file of sourceFiles()) {
    for (const m of readFileSync(file, 'utf8').matchAll(CODE_LITERAL)) {
      const where = codes.get(m[2]) ?? [];
      if (!where.includes(rel(file))) where.push(rel(file));
      codes.set(m[2], where);
    }
  }
  return new Map([...codes].sort(([a], [b]) => a.localeCompare(b)));
}

/** Every code a test names as a string of its own (a mention in a comment or inside a sentence does not count). */
export function codesInTests(files: string[]): Set<string> {
  const named = new Set<string>();
  for (const file of files) for (const m of readFileSync(file, 'utf8').matchAll(CODE_LITERAL)) named.add(m[2]);
  return named;
}

// ── Endpoints ────────────────────────────────────────────────────────────────────────────────────────

export interface Endpoint {
  method: string;
  path: string;
}

export const endpointName = (e: Endpoint) => `${e.method} ${e.path}`;

/** The endpoints of an OpenAPI document, as `GET /loans/{loanId}`. */
export function endpointsOf(document: { paths: Record<string, Record<string, unknown>> }): Endpoint[] {
  const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((m) => methods.includes(m))
      .map((m) => ({ method: m.toUpperCase(), path })),
  );
}

/** An address a test sends a request to, as written: `/loans/${loanId}/guarantee` is ['loans', HOLE, 'guarantee']. */
export interface Address {
  file: string;
  /** The method, when the call says it (api.get/post/put(…), call('X', …)); undefined when it does not (any method). */
  method?: string;
  segments: string[];
  text: string;
}

const HOLE = '\u0000';
/**
 * An address in a string or template: starts right after a quote, a backtick or the end of `${…}` (as in
 * `${base}/loans`), and runs over path characters and `${…}` holes; the query string is left out.
 */
const ADDRESS = /(?<=['"`}])\/(?:[\w.:%~@-]|\$\{[^}]*\})+(?:\/(?:[\w.:%~@-]|\$\{[^}]*\})+)*\/?/g;
/** A call whose first argument is the address says its method: `api.post('/loans'`, `get(\`/loans/…\``, `call('PUT', '/…'`. */
const METHOD_BEFORE = /\b(?:(get|post|put|patch|delete)\s*\(|call\(\s*['"](\w+)['"]\s*,)\s*$/i;

/** Every address named in the test files, with the method of the call it is in when the call says it. */
export function addressesInTests(files: string[]): Address[] {
  const out: Address[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(ADDRESS)) {
      const hit = METHOD_BEFORE.exec(text.slice(Math.max(0, m.index! - 80), m.index! - 1));
      const method = hit ? (hit[1] ?? hit[2]).toUpperCase() : undefined;
      const segments = m[0]
        .replace(/\$\{[^}]*\}/g, HOLE)
        .split('/')
        .filter(Boolean);
      out.push({ file: rel(file), method, segments, text: m[0] });
    }
  }
  return out;
}

/**
 * The endpoint a router would send the address to: same number of segments, a static segment equal (or a
 * segment with `${…}` in it that could be it), a `{param}` anything. Where several match, the one a router
 * prefers: static before parameter, segment by segment.
 */
export function routeOf(address: Address, endpoints: Endpoint[]): Endpoint | undefined {
  let best: { endpoint: Endpoint; rank: number[] } | undefined;
  for (const endpoint of endpoints) {
    if (address.method && address.method !== endpoint.method) continue;
    const route = endpoint.path.split('/').filter(Boolean);
    if (route.length !== address.segments.length) continue;
    const rank: number[] = [];
    let matches = true;
    route.forEach((r, i) => {
      const s = address.segments[i];
      const param = /^\{.+\}$/.test(r);
      const dynamic = s.includes(HOLE);
      if (param) rank.push(dynamic ? 1 : 2);
      else if (!dynamic && s === r) rank.push(0);
      else if (dynamic && new RegExp(`^${s.split(HOLE).map(escape).join('.+')}$`).test(r)) rank.push(3);
      else matches = false;
    });
    if (matches && (!best || compareRanks(rank, best.rank) < 0)) best = { endpoint, rank };
  }
  return best?.endpoint;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
