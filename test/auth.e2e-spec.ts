import { Logger } from '@nestjs/common';
import { KeyLike, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_AUDIENCE, LOCAL_ISSUER } from '../apps/api/src/auth/auth-config';
import { localIssuerKey, signToken } from '../apps/api/src/auth/local-issuer';
import { createServiceKey, revokeServiceKey } from '../apps/api/src/auth/service-keys';
import { loadConfig } from '../apps/api/src/config';
import { Api, Reply, application, startApi, until } from './support/api';
import { ANALYST, AUDITOR, CLERK, TEST_ISSUER_DIR, tokenFor } from './support/auth';
import { idNumber } from './support/ids';

/** Signs in as a person would, and as an attacker would: only a token the API can verify, for it, now, counts. */
describe('sign-in', () => {
  let api: Api;
  let keysDir: string;
  const clerk = { user: 'clerk-01', role: 'centre_clerk', org: 'GC-360721' };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const sign = async (options: Partial<{ issuer: string; audience: string; ttlSeconds: number; notBefore: number }>, claims = clerk) =>
    signToken(await localIssuerKey(TEST_ISSUER_DIR), claims, {
      issuer: LOCAL_ISSUER,
      audience: DEFAULT_AUDIENCE,
      ttlSeconds: 600,
      ...options,
    });

  beforeAll(async () => {
    keysDir = mkdtempSync(join(tmpdir(), 'loans-keys-'));
    api = await startApi({ SERVICE_KEYS_FILE: join(keysDir, 'service-keys.json') });
  });
  afterAll(async () => {
    await api.stop();
    rmSync(keysDir, { recursive: true, force: true });
  });

  /** A request that must be refused with 401 and this code, recording nothing. */
  async function refused(headers: Record<string, string>, code: string) {
    const before = await api.eventCount();
    const reply = await api.post('/loans', application(1), headers);
    expect({ status: reply.status, code: reply.body.code }).toEqual({ status: 401, code });
    expect(reply.contentType).toMatch(/^application\/problem\+json/);
    expect(await api.eventCount()).toBe(before);
  }

  it('accepts a token of the local issuer and records its user, role, organisation and token id on the event', async () => {
    const token = await sign({});
    const reply = await api.post('/loans', application(2), { ...bearer(token), 'x-actor-user': 'someone-else' });
    expect(reply.status).toBe(201);
    const events = (await api.get(`/loans/${reply.body.loanId}/events`)).body.events;
    const jti = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).jti;
    expect(events[0].metadata.actor).toEqual({ userId: 'clerk-01', role: 'centre_clerk', organisationId: 'GC-360721', tokenId: jti });
  });

  it('refuses a request with no token, whatever it says about who is acting', async () => {
    const before = await api.eventCount();
    const res = await fetch(`${await api.app.getUrl()}/loans`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-actor-user': 'clerk-01',
        'x-actor-role': 'centre_clerk',
        'x-actor-org': 'GC-360721',
      },
      body: JSON.stringify(application(1)),
    });
    expect({ status: res.status, code: ((await res.json()) as { code: string }).code }).toEqual({ status: 401, code: 'AUTH.REQUIRED' });
    expect(await api.eventCount()).toBe(before);
  });
  it('refuses an Authorization header that is not a bearer token', () =>
    refused({ authorization: 'Basic Y2xlcms6cGFzcw==' }, 'AUTH.MALFORMED'));
  it('refuses an expired token', async () => refused(bearer(await sign({ ttlSeconds: -120 })), 'AUTH.TOKEN_EXPIRED'));
  it('refuses a token not yet valid', async () =>
    refused(bearer(await sign({ notBefore: Math.floor(Date.now() / 1000) + 600 })), 'AUTH.TOKEN_NOT_YET_VALID'));
  it('refuses a token made for another system', async () =>
    refused(bearer(await sign({ audience: 'another-api' })), 'AUTH.TOKEN_WRONG_AUDIENCE'));
  it('refuses a token from another issuer', async () =>
    refused(bearer(await sign({ issuer: 'https://elsewhere' })), 'AUTH.TOKEN_WRONG_ISSUER'));
  it('refuses a token signed by a key it does not trust', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const kid = (await localIssuerKey(TEST_ISSUER_DIR)).kid!;
    const forged = await new SignJWT({ role: 'province_admin', org: '360000' })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setSubject('intruder')
      .setIssuer(LOCAL_ISSUER)
      .setAudience(DEFAULT_AUDIENCE)
      .setJti('forged-1')
      .setExpirationTime('10m')
      .sign(privateKey);
    await refused(bearer(forged), 'AUTH.TOKEN_BAD_SIGNATURE');
  });
  it('refuses a genuine token whose claims were changed (a clerk made manager), though the genuine one was just taken', async () => {
    const genuine = await sign({});
    expect((await api.get('/reference', bearer(genuine))).status).toBe(200); // verified, and remembered for a while
    const [header, payload, signature] = genuine.split('.');
    const claims = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'centre_manager' };
    await refused(
      bearer(`${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`),
      'AUTH.TOKEN_BAD_SIGNATURE',
    );
  });
  it('refuses an unsigned token (alg none)', async () => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'x', role: 'province_admin', org: '360000', jti: 'n', iss: LOCAL_ISSUER, aud: DEFAULT_AUDIENCE, exp: now + 600 };
    const before = await api.eventCount();
    const reply = await api.post('/loans', application(3), bearer(`${part({ alg: 'none' })}.${part(claims)}.`));
    expect(reply.status).toBe(401);
    expect(await api.eventCount()).toBe(before);
  });
  it('refuses three parts that look like a token and are not one', () => refused(bearer('abc.def.ghi'), 'AUTH.TOKEN_INVALID'));
  it('refuses a token and a service key sent together', async () =>
    refused({ ...bearer(await sign({})), 'x-api-key': `gls_${'0'.repeat(16)}_${'a'.repeat(43)}` }, 'AUTH.TWO_CREDENTIALS'));
  it('refuses a token claiming a role no person has (the system itself)', async () =>
    refused(bearer(await tokenFor({ user: 'x', role: 'system', org: 'system' })), 'AUTH.TOKEN_UNKNOWN_ROLE'));

  it('takes a service key with its scopes only, and stops taking it within seconds of its revocation', async () => {
    const file = join(keysDir, 'service-keys.json');
    const { key, record } = createServiceKey(file, 'warehouse', ['ledger.read']);
    const asService = { 'x-api-key': key };
    await until(async () => (await api.get('/ledgers/business', asService)).status === 200);
    const denied = await api.get(`/loans/any`, asService);
    expect({ status: denied.status, code: denied.body.code }).toEqual({ status: 403, code: 'ACCESS.DENIED' });
    const before = await api.eventCount();
    expect((await api.post('/loans', application(4), asService)).status).toBe(403);
    expect(await api.eventCount()).toBe(before);
    expect((await api.get('/ledgers/business', { 'x-api-key': key.slice(0, -2) + 'xx' })).body.code).toBe('AUTH.BAD_SERVICE_KEY');
    revokeServiceKey(file, record.id);
    await until(async () => (await api.get('/ledgers/business', asService)).status === 401, 5_000);
    expect((await api.get('/ledgers/business', asService)).body).toMatchObject({
      code: 'AUTH.BAD_SERVICE_KEY',
      detail: expect.stringContaining('revoked'),
    });

    // A key file damaged by hand refuses every key (it may have lost a revocation), and is no server error.
    const other = { 'x-api-key': createServiceKey(file, 'bureau', ['ledger.read']).key };
    await until(async () => (await api.get('/ledgers/business', other)).status === 200);
    writeFileSync(file, '{"keys": {}}');
    await until(async () => (await api.get('/ledgers/business', other)).status === 401, 5_000);
    expect((await api.get('/ledgers/business', other)).body.code).toBe('AUTH.BAD_SERVICE_KEY');
  });

  it('sends security headers and no CORS permission to other sites', async () => {
    const res = await fetch(`${await api.app.getUrl()}/health`, { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${await api.app.getUrl()}/loans`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('sign-in through an identity provider (OpenID Connect JWKS)', () => {
  let server: Server;
  let api: Api;
  let privateKey: KeyLike;
  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' }] };
    server = createServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    api = await startApi({
      AUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks`,
      AUTH_ISSUER: 'https://idp.jiangxi.example',
      AUTH_AUDIENCE: 'loans',
    });
  });
  afterAll(async () => {
    await api.stop();
    server.close();
  });

  const idpToken = (audience: string) =>
    new SignJWT({ role: 'analyst', org: 'STATS' })
      .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
      .setSubject('analyst-7')
      .setIssuer('https://idp.jiangxi.example')
      .setAudience(audience)
      .setJti('idp-token-1')
      .setExpirationTime('5m')
      .sign(privateKey);

  it("verifies the provider's tokens against its published keys, and trusts the local issuer no more", async () => {
    expect((await api.get('/ledgers/business', { authorization: `Bearer ${await idpToken('loans')}` })).status).toBe(200);
    expect((await api.get('/ledgers/business', { authorization: `Bearer ${await idpToken('other')}` })).body.code).toBe(
      'AUTH.TOKEN_WRONG_AUDIENCE',
    );
    const local = await api.get('/ledgers/business', ANALYST);
    expect(local.status).toBe(401);
  });

  it('answers 503 while the provider cannot be reached or answers with an error, so a client retries rather than signs in again', async () => {
    const failing = createServer((_, res) => res.writeHead(502).end('Bad Gateway'));
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    const errorUrl = `http://127.0.0.1:${(failing.address() as { port: number }).port}/jwks`;
    try {
      for (const url of ['http://127.0.0.1:1/jwks', errorUrl]) {
        const cut = await startApi({ AUTH_JWKS_URL: url, AUTH_ISSUER: 'https://idp.jiangxi.example', AUTH_AUDIENCE: 'loans' });
        try {
          const reply = await cut.get('/ledgers/business', { authorization: `Bearer ${await idpToken('loans')}` });
          expect([url, reply.status, reply.body.code]).toEqual([url, 503, 'AUTH.PROVIDER_UNREACHABLE']);
        } finally {
          await cut.stop();
        }
      }
    } finally {
      failing.close();
    }
  });
});

describe('the edge: limits per identity, closed documentation, refusals logged', () => {
  let api: Api;
  const lines: string[] = [];
  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_PER_MINUTE: '20', LOOKUPS_PER_MINUTE: '2', DOCS_PUBLIC: 'false' });
    // Every line the API logs, at every level, as an operator's log collector would receive it.
    const keep = (level: string) => (message: unknown, context?: string) => lines.push(`${level} [${context}] ${String(message)}`);
    Logger.overrideLogger({ log: keep('LOG'), warn: keep('WARN'), error: keep('ERROR'), debug: keep('DEBUG'), verbose: keep('VERBOSE') });
  });
  afterAll(async () => {
    Logger.overrideLogger(['error']);
    await api.stop();
  });

  it('holds each identity to its rate with 429, while another identity goes on', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await api.get('/reference', ANALYST)).status);
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    const limited = await api.get('/reference', ANALYST);
    expect(limited).toMatchObject({ status: 429, body: { code: 'REQUEST.RATE_LIMITED' } });
    expect(limited.contentType).toMatch(/^application\/problem\+json/);
    expect((await api.get('/reference', CLERK)).status).toBe(200);
  });

  it('allows a clerk few borrower lookups a minute, and logs who looked up whom without the ID number', async () => {
    const asClerk = { 'x-actor-user': 'clerk-09', 'x-actor-role': 'centre_clerk', 'x-actor-org': 'GC-360721' };
    const replies: Reply[] = [];
    for (let n = 1; n <= 3; n++) replies.push(await api.post('/borrowers/lookup', { idNumber: idNumber(n) }, asClerk));
    expect(replies.map((r) => r.status)).toEqual([201, 201, 429]);
    const logged = lines.join('');
    expect(logged).toContain(`clerk-09 (centre_clerk, GC-360721`);
    expect(logged).toContain(`looked up borrower ${replies[0].body.borrowerId}`);
    for (let n = 1; n <= 3; n++) expect(logged).not.toContain(idNumber(n));
  });

  it('closes /docs to anyone not signed in, however its address is written', async () => {
    for (const path of ['/docs-json', '/%64ocs-json', '/docs'])
      expect([path, (await fetch(`${await api.app.getUrl()}${path}`)).status]).toEqual([path, 401]);
    expect((await api.get('/docs-json', AUDITOR)).status).toBe(200);
  });

  it('reads no body from anyone not signed in: it is refused before it is parsed', async () => {
    const res = await fetch(`${await api.app.getUrl()}/batches/repayments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([401, 'AUTH.REQUIRED']);
  });

  it('logs every refusal with who asked for what', async () => {
    const asBank = { 'x-actor-user': 'bank-77', 'x-actor-role': 'bank_clerk', 'x-actor-org': 'ABC-360721' };
    const reply = await api.post('/funds/GC-360721/contributions', { source: 'county_finance', amountFen: 100, reference: 'r-1' }, asBank);
    expect(reply.status).toBe(403);
    expect(lines.join('')).toMatch(
      /denied ACCESS\.DENIED: person bank-77 \(bank_clerk, ABC-360721, token [\w-]+\) POST \/funds\/GC-360721\/contributions/,
    );
    await fetch(`${await api.app.getUrl()}/loans/x`);
    expect(lines.join('')).toMatch(/denied AUTH\.REQUIRED: anonymous from [\d.:]+ GET \/loans\/x/);
  });
});

describe('configuration of sign-in', () => {
  it('refuses to start in production without an identity provider, an issuer and its own secrets', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', BORROWER_KEY_SECRET: 'a-long-production-secret' })).toThrow(
      /AUTH_JWKS_URL or AUTH_PUBLIC_KEYS_FILE must be set in production[\s\S]*AUTH_ISSUER must be set in production/,
    );
    expect(() => loadConfig({ AUTH_JWKS_URL: 'ftp://idp', AUTH_ISSUER: 'x' })).toThrow(/AUTH_JWKS_URL must be an https:\/\/ address/);
    expect(() => loadConfig({ RATE_LIMIT_PER_MINUTE: 'lots' })).toThrow(/RATE_LIMIT_PER_MINUTE must be a whole number/);
    // Empty, the audience would not be checked at all: a token made for any other system would do.
    expect(() => loadConfig({ AUTH_AUDIENCE: '' })).toThrow(/AUTH_AUDIENCE must not be empty/);
  });

  it('takes LOOKUPS_PER_MINUTE=0 as no limit on lookups', async () => {
    const api = await startApi({ LOOKUPS_PER_MINUTE: '0' });
    try {
      const replies = [];
      for (let n = 1; n <= 3; n++) replies.push((await api.post('/borrowers/lookup', { idNumber: idNumber(n) }, CLERK)).status);
      expect(replies).toEqual([201, 201, 201]);
    } finally {
      await api.stop();
    }
  });
});
