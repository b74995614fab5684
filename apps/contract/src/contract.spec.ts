import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import {
  EVENT_CATALOGUE,
  EVENT_SCHEMAS,
  EVENT_TYPES,
  JIANGXI_POLICIES,
  JIANGXI_REFERENCE,
  ReferenceData,
  SubsidyEvent,
  subsidyDecider,
} from '@app/domain';
import { CommandHandler, NewEvent, SqliteEventStore } from '@app/event-store';
import { Programme } from '@app/programme';
import { SMALL, simulate } from '@app/simulation';
import { PublishedSchemas, currentSchemas, publish } from './schemas';
import { referencePage } from './reference';
import subsidies from '../../../libs/domain/src/contract/stored/subsidy-records-v1.json';

const ROOT = join(__dirname, '..', '..', '..');
const published = EVENT_SCHEMAS as PublishedSchemas;
const ajv = new Ajv({ strict: true });
/** Every published version's validator, compiled here from the JSON apart from the store's own. */
const validators = new Map(
  Object.entries(published).flatMap(([type, versions]) => Object.entries(versions).map(([v, s]) => [`${type}@${v}`, ajv.compile(s)])),
);
const validate = (type: string, version: number, data: unknown) => {
  const check = validators.get(`${type}@${version}`)!;
  return check(data) ? 'valid' : `${type} v${version}: ${ajv.errorsText(check.errors)}`;
};

describe('the published event contract', () => {
  const current = currentSchemas();

  it("is what the domain's types say now, and docs/events.md is made from it (else run npm run contract)", () => {
    expect(publish(published, current)).toEqual(published);
    expect(readFileSync(join(ROOT, 'docs/events.md'), 'utf8')).toBe(referencePage(published));
  });

  it('has every version of every event type, each with an upcaster to the next', () => {
    for (const type of EVENT_TYPES) {
      const { version, upcasters = {} } = EVENT_CATALOGUE[type];
      expect(Object.keys(published[type]).map(Number)).toEqual(Array.from({ length: version }, (_, i) => i + 1));
      expect(Object.keys(upcasters).map(Number)).toEqual(Array.from({ length: version - 1 }, (_, i) => i + 1));
    }
  });

  it('refuses to change a published version: a changed shape needs a new version', () => {
    const changed = { ...current, Repaid: { ...current.Repaid, required: ['loanId'] } };
    expect(() => publish(published, changed)).toThrow(/Repaid version 1 is published and its shape has changed: give it version 2/);
    const reworded = { ...current, Repaid: { ...current.Repaid, description: 'Said otherwise.' } };
    expect(publish(published, reworded).Repaid[1]).toMatchObject({ description: 'Said otherwise.' });
  });

  it('holds every event of a simulated history, each under the version its metadata names', async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    await simulate(
      new Programme(new CommandHandler(store, { policies: JIANGXI_POLICIES, reference: new ReferenceData(JIANGXI_REFERENCE) })),
      SMALL,
      1,
    );
    const events = await store.readAll();
    await store.close();
    const problems = events
      .map((e) => validate(e.type, (e.metadata as { schemaVersion: number }).schemaVersion, e.data))
      .filter((r) => r !== 'valid');
    expect(problems).toEqual([]);
    // The small province has no rejections, extensions, write-offs or reversed compensations; the agreement
    // property (libs/projections/test) records every type, each checked against its schema as it is appended.
    expect(new Set(events.map((e) => e.type)).size).toBeGreaterThanOrEqual(19);
  });
});

describe('events recorded under an older version', () => {
  // Samples of events as earlier releases stored them, one file per change (libs/domain/src/contract/stored/).
  const dir = join(ROOT, 'libs/domain/src/contract/stored');
  const samples = readdirSync(dir).map((file) => ({ file, ...(JSON.parse(readFileSync(join(dir, file), 'utf8')) as typeof subsidies) }));
  const old = samples.flatMap((s) => s.events);
  const versionOf = (e: { metadata: unknown }) => (e.metadata as { schemaVersion?: number }).schemaVersion ?? 1;
  const storing = async (events: typeof old) => {
    const store = new SqliteEventStore({ path: ':memory:' });
    for (const e of events) await store.appendToStream(e.streamName, [e as NewEvent], { expectedRevision: 'any' });
    return store;
  };

  it('are kept as a sample for every version ever replaced', () => {
    const sampled = new Set(old.map((e) => `${e.type}@${versionOf(e)}`));
    const replaced = EVENT_TYPES.flatMap((t) => Array.from({ length: EVENT_CATALOGUE[t].version - 1 }, (_, i) => `${t}@${i + 1}`));
    expect(replaced.filter((v) => !sampled.has(v))).toEqual([]);
  });

  it('validate against their own version as stored', () => {
    for (const e of old) expect(validate(e.type, versionOf(e), e.data)).toBe('valid');
  });

  it('are read in the current shape, by every read, valid under the current schema', async () => {
    const store = await storing(old);
    const read = await store.readAll();
    expect(read).toHaveLength(old.length);
    for (const e of read) {
      const { version } = EVENT_CATALOGUE[e.type as keyof typeof EVENT_CATALOGUE];
      expect({ type: e.type, version: versionOf(e) }).toEqual({ type: e.type, version });
      expect(validate(e.type, version, e.data)).toBe('valid');
    }
    const claims = read.filter((e) => e.type === 'InterestSubsidyClaimed');
    for (const claim of claims) expect(claim.data).toMatchObject({ part: 1, parts: 1 });
    for (const recovery of read.filter((e) => e.type === 'RecoveryCollected' || e.type === 'FundRecoveryCredited'))
      expect(recovery.data).toMatchObject({ afterWriteOff: false });
    const [first] = claims;
    expect((await store.readStream(first.streamName))[0]).toEqual(first);
    const subscription = store.subscribeToAll({ filter: { eventTypePrefixes: ['InterestSubsidyClaimed'] } });
    for await (const message of subscription) {
      if (message.kind === 'event') expect(message.event).toEqual(first);
      break;
    }
    await subscription.unsubscribe();
    await store.close();
  });

  it('fold as they did: every subsidy claim recorded in full and paid', async () => {
    const store = await storing(subsidies.events);
    for (const streamName of new Set(subsidies.events.map((e) => e.streamName))) {
      const events = await store.readStream(streamName);
      const state = events.reduce((s, e) => subsidyDecider.evolve(s, e as unknown as SubsidyEvent), subsidyDecider.initialState());
      for (const claim of Object.values(state.claims)) {
        expect(claim.partsRecorded).toBe(claim.parts);
        expect([claim.paidCentral, claim.paidLocal]).toEqual([claim.central, claim.local]);
      }
    }
    await store.close();
  });
});
