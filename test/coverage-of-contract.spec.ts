import SwaggerParser from '@apidevtools/swagger-parser';
import { Api, startApi } from './support/api';
import {
  Endpoint,
  addressesInTests,
  codesInSources,
  codesInTests,
  endpointName,
  endpointsOf,
  routeOf,
  testFiles,
} from './support/contract';

/**
 * A safety net that catches what it claims: every refusal code the sources can produce is named by a test,
 * and every endpoint of the OpenAPI document is called by one. A new code or endpoint without a test fails
 * here, naming it. (That a test names a code does not prove it asserts it; the tests in
 * test/refusals.e2e-spec.ts and test/endpoints.e2e-spec.ts show the kind of test meant: the status, the code
 * and that nothing was recorded; the status and the essential body.)
 */

/** This file and its helper name no code and no endpoint of their own: they are not tests of them. */
const SELF = ['test/coverage-of-contract.spec.ts', 'test/support/contract.ts'];

/**
 * Codes no test can produce, each with why. Keep it short: a code belongs here only when no request, and no
 * call of the programme or a decider, can bring it about. Every code is producible today, so it is empty.
 */
const NOT_PRODUCIBLE: Record<string, string> = {};

/** Endpoints no test can call, each with why. Empty: every endpoint is called. */
const NOT_CALLABLE: Record<string, string> = {};

/** The names of every schema property and every parameter in an OpenAPI document. */
function fieldNames(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(fieldNames);
  if (!node || typeof node !== 'object') return [];
  const { properties, parameters, ...rest } = node as { properties?: Record<string, unknown>; parameters?: unknown };
  return [
    ...Object.keys(properties ?? {}),
    ...Object.values(properties ?? {}).flatMap(fieldNames),
    ...(Array.isArray(parameters) ? parameters.map((p: { name: string; in: string }) => (p.in === 'header' ? 'header' : p.name)) : []),
    ...Object.values(rest).flatMap(fieldNames),
  ];
}

describe('the contract is covered by the tests', () => {
  const files = testFiles(SELF);

  it('finds the sources, the tests and the codes at all (so that an empty scan cannot pass)', () => {
    const codes = codesInSources();
    expect(files.length).toBeGreaterThan(10);
    expect(codes.size).toBeGreaterThan(50);
    // One of each way a code is made: a decider's rule, a DomainError, an HttpException body, a problem of the edge.
    expect([...codes.keys()]).toEqual(
      expect.arrayContaining(['LOAN.CAP_EXCEEDED', 'COMMAND.ID_REUSED', 'AUTH.REQUIRED', 'HTTP.NOT_FOUND', 'REQUEST.TIMEOUT']),
    );
  });

  it('names every refusal code in at least one test', () => {
    const named = codesInTests(files);
    const missing = [...codesInSources()]
      .filter(([code]) => !named.has(code) && !(code in NOT_PRODUCIBLE))
      .map(([code, where]) => `${code} (made in ${where.join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('keeps the allow-list of codes honest: each is still in the sources and still named by no test', () => {
    const codes = codesInSources();
    const named = codesInTests(files);
    const stale = Object.keys(NOT_PRODUCIBLE).filter((code) => !codes.has(code) || named.has(code));
    expect(stale).toEqual([]);
  });

  describe('the endpoints of the OpenAPI document', () => {
    let api: Api;
    let endpoints: Endpoint[];
    let docs: { paths: Record<string, Record<string, unknown>> };
    beforeAll(async () => {
      api = await startApi({ PROJECTIONS: 'off' });
      const reply = await api.get('/docs-json');
      expect(reply.status).toBe(200);
      docs = reply.body;
      endpoints = endpointsOf(docs);
    });
    afterAll(async () => api.stop());

    it('routes addresses as the router does: static segments before parameters', () => {
      const route = (text: string, method?: string) =>
        routeOf(
          {
            file: '',
            method,
            text,
            segments: text
              .replace(/\$\{[^}]*\}/g, '\u0000')
              .split('/')
              .filter(Boolean),
          },
          endpoints,
        );
      expect(route('/exports/bulletin')).toMatchObject({ path: '/exports/bulletin' });
      expect(route('/exports/business')).toMatchObject({ path: '/exports/{ledger}' });
      expect(route('/loans/${id}')).toMatchObject({ method: 'GET', path: '/loans/{loanId}' });
      expect(route('/loans/${id}/guarantee', 'POST')).toMatchObject({ path: '/loans/{loanId}/guarantee' });
      expect(route('/loans/${id}/guarantee', 'GET')).toBeUndefined();
      expect(route('/ledgers/business/${id}')).toMatchObject({ path: '/ledgers/business/{loanId}' });
      expect(route('/nowhere')).toBeUndefined();
    });

    it('calls every endpoint in at least one test', () => {
      expect(endpoints.length).toBeGreaterThan(30);
      const called = new Set<string>();
      for (const address of addressesInTests(files)) {
        const endpoint = routeOf(address, endpoints);
        if (endpoint) called.add(endpointName(endpoint));
      }
      const missing = endpoints.map(endpointName).filter((name) => !called.has(name) && !(name in NOT_CALLABLE));
      expect(missing).toEqual([]);
    });

    it('documents what every endpoint answers, named in one convention (test/support/api.ts holds every answer to it)', () => {
      const paths = docs.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, object> }> }>>;
      const undocumented = endpoints.filter(({ method, path }) => {
        const responses = paths[path][method.toLowerCase()].responses;
        const success = Object.entries(responses).filter(([status]) => /^2/.test(status));
        // A body's shape or media type for each success (204 has none), and problem details for everything else.
        const described = success.every(([status, r]) => status === '204' || Object.keys(r.content ?? {}).length > 0);
        return !success.length || !described || !responses.default?.content?.['application/problem+json'];
      });
      expect(undocumented.map(endpointName)).toEqual([]);
      // Every field and parameter in camelCase; codes (enum values, the keys of maps by code) are values, not names.
      const names = fieldNames(docs);
      expect(names.length).toBeGreaterThan(300);
      expect([...new Set(names.filter((n) => !/^[a-z][a-zA-Z0-9]*$/.test(n)))]).toEqual([]);
    });

    it('serves an OpenAPI document that is valid OpenAPI 3.0', async () => {
      // The validator dereferences in place: it is given a copy.
      await expect(SwaggerParser.validate(structuredClone(docs) as never)).resolves.toBeDefined();
    });

    it('keeps the allow-list of endpoints honest: each is still in the document', () => {
      const names = new Set(endpoints.map(endpointName));
      expect(Object.keys(NOT_CALLABLE).filter((name) => !names.has(name))).toEqual([]);
    });
  });
});
