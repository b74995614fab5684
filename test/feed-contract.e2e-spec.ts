import { Parser } from '@asyncapi/parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NewEvent } from '@app/event-store';
import { createServiceKey } from '../apps/api/src/auth/service-keys';
import stored from '../libs/domain/src/contract/stored/subsidy-records-v1.json';
import { Api, application, startApi } from './support/api';
import { CLERK } from './support/auth';
import { openFile } from './support/programme';

/**
 * The contract as a backend service meets it: it fetches the schemas and the AsyncAPI document from the API,
 * and every event it then receives matches them, whatever version the event was recorded under.
 */
describe('the published contract of the feed', () => {
  let api: Api;
  let dir: string;
  let key: string;
  const asService = () => ({ 'x-api-key': key });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loans-contract-'));
    const path = join(dir, 'events.db');
    // A bank's subsidy records as an earlier release stored them (InterestSubsidyClaimed version 1), then new loans.
    const store = openFile(path);
    for (const e of stored.events) await store.appendToStream(e.streamName, [e as NewEvent], { expectedRevision: 'any' });
    await store.close();
    const keys = join(dir, 'service-keys.json');
    key = createServiceKey(keys, 'warehouse', ['feed.read']).key;
    api = await startApi({ EVENT_STORE_PATH: path, SERVICE_KEYS_FILE: keys });
    for (let n = 1; n <= 3; n++) expect(await api.post('/loans', application(n), CLERK)).toMatchObject({ status: 201 });
  }, 120_000);
  afterAll(async () => {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every event in the current version of its published schema', async () => {
    const schemas = (await api.get('/feed/schemas', asService())).body;
    expect(schemas.InterestSubsidyClaimed).toMatchObject({ category: 'subsidy', version: 2, schemas: { 1: {}, 2: {} } });
    const ajv = new Ajv();
    const events = (await api.get('/feed/events?limit=1000', asService())).body.events;
    expect(events).toHaveLength(stored.events.length + 3 * 2);
    for (const e of events) {
      const { version, schemas: versions } = schemas[e.type];
      expect({ type: e.type, version: e.metadata.schemaVersion }).toEqual({ type: e.type, version });
      const validate = ajv.compile(versions[version]);
      expect({ type: e.type, errors: validate(e.data) ? null : validate.errors }).toEqual({ type: e.type, errors: null });
    }
    const claims = events.filter((e: { type: string }) => e.type === 'InterestSubsidyClaimed');
    expect(claims.length).toBeGreaterThan(0);
    for (const claim of claims) expect(claim.data).toMatchObject({ part: 1, parts: 1 });
  });

  it('serves an AsyncAPI 3 document that the AsyncAPI parser accepts, whose messages describe the events delivered', async () => {
    const reply = await api.get('/feed/asyncapi.json', asService());
    expect(reply.status).toBe(200);
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(reply.body));
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(document!.channels().get('feed')?.address()).toBe('/feed');
    const ajv = addFormats(new Ajv({ strict: false }));
    const events = (await api.get('/feed/events?limit=1000', asService())).body.events;
    for (const e of events) {
      const payload = reply.body.components.messages[e.type].payload.schema;
      const validate = ajv.compile(payload);
      expect({ type: e.type, errors: validate(e) ? null : validate.errors }).toEqual({ type: e.type, errors: null });
    }
  });

  it('is read only by those who may follow the feed', async () => {
    expect((await api.get('/feed/asyncapi.json', CLERK)).status).toBe(403);
    expect((await api.get('/feed/schemas', { authorization: '' })).status).toBe(401);
  });
});
