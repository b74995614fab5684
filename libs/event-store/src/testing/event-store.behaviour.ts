import { randomUUID } from 'node:crypto';
import {
  AppendTooLargeError,
  EventStore,
  MAX_APPEND_BYTES,
  NewEvent,
  RecordedEvent,
  Subscription,
  SubscriptionMessage,
  WrongExpectedVersionError,
  comparePositions,
  positionFromString,
  positionToString,
} from '../store.port';
import stored from '../../../domain/src/contract/stored/subsidy-records-v1.json';
import { eventHash } from '../audit/chain';

/** The server's own events (EventStoreDB writes `$`-prefixed streams and types into `$all`): never returned by the port. */
const isSystem = (e: { streamName: string; type: string }) => e.streamName.startsWith('$') || e.type.startsWith('$');
const named = (e: RecordedEvent) => `${e.type} in ${e.streamName}`;

/**
 * The behaviour every adapter of the store port must show, written once. Each adapter's spec calls this
 * with a factory for a fresh, empty store.
 */
export function describeEventStoreBehaviour(name: string, open: () => Promise<EventStore>, close?: (s: EventStore) => Promise<void>) {
  describe(`event store behaviour: ${name}`, () => {
    let store: EventStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await (close ? close(store) : store.close());
    });

    const ev = (type = 'Happened', data: unknown = { n: 1 }): NewEvent => ({ id: randomUUID(), type, data, metadata: { by: 'test' } });
    const stream = () => `test-${randomUUID()}`;

    it('appends to a new stream and reads it back in order with data, metadata and recorded time', async () => {
      const s = stream();
      const result = await store.appendToStream(s, [ev('A', { 名称: '赣县', amount: 5_000_000 }), ev('B')], {
        expectedRevision: 'no_stream',
      });
      expect(result.nextExpectedRevision).toBe(1n);
      const read = await store.readStream(s);
      expect(read.map((e) => [e.type, e.revision])).toEqual([
        ['A', 0n],
        ['B', 1n],
      ]);
      expect(read[0].data).toEqual({ 名称: '赣县', amount: 5_000_000 });
      expect(read[0].metadata).toEqual({ by: 'test' });
      expect(read[0].created).toBeInstanceOf(Date);
      expect(read[0].streamName).toBe(s);
    });

    it('chains each stream: every event carries the hash of its content and of the event before it, the same on every store', async () => {
      const s = `chain-${randomUUID()}`;
      const fixed = (id: string, type: string, data: unknown): NewEvent => ({ id, type, data, metadata: { by: 'test' } });
      const first = [fixed('8d3c0f0e-0000-4000-8000-000000000001', 'A', { 名称: '赣县', amount: 5_000_000, z: 1, a: [2, 1] })];
      await store.appendToStream(s, first, { expectedRevision: 'no_stream' });
      await store.appendToStream(s, [fixed('8d3c0f0e-0000-4000-8000-000000000002', 'B', { n: 1 })], { expectedRevision: 0n });
      await store.appendToStream(s, [fixed('8d3c0f0e-0000-4000-8000-000000000003', 'C', { n: 2 })], { expectedRevision: 'any' });
      const read = await store.readStream(s);
      let prev: string | null = null;
      for (const e of read) {
        expect(e.hash).toBe(eventHash(prev, e));
        prev = e.hash!;
      }
      expect(new Set(read.map((e) => e.hash)).size).toBe(3);
      expect(read[0].metadata).toEqual({ by: 'test' });
    });

    it('refuses each expected revision that does not hold, naming the actual revision', async () => {
      const s = stream();
      await expect(store.appendToStream(s, [ev()], { expectedRevision: 'stream_exists' })).rejects.toBeInstanceOf(
        WrongExpectedVersionError,
      );
      await expect(store.appendToStream(s, [ev()], { expectedRevision: 0n })).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await store.appendToStream(s, [ev()], { expectedRevision: 'no_stream' });
      await expect(store.appendToStream(s, [ev()], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(WrongExpectedVersionError);
      const stale = await store.appendToStream(s, [ev()], { expectedRevision: 5n }).catch((e) => e);
      expect(stale).toBeInstanceOf(WrongExpectedVersionError);
      expect(stale.actual).toBe(0n);
      expect((await store.readStream(s)).length).toBe(1);
    });

    it('accepts each expected revision that holds', async () => {
      const s = stream();
      await store.appendToStream(s, [ev()], { expectedRevision: 'any' });
      await store.appendToStream(s, [ev()], { expectedRevision: 'stream_exists' });
      const r = await store.appendToStream(s, [ev()], { expectedRevision: 1n });
      expect(r.nextExpectedRevision).toBe(2n);
      await store.appendToStream(s, [ev()], { expectedRevision: 'any' });
      expect((await store.readStream(s)).length).toBe(4);
    });

    it('treats a re-append of the same event ids at the same place as done, writing nothing', async () => {
      const s = stream();
      const batch = [ev('A'), ev('B')];
      const first = await store.appendToStream(s, batch, { expectedRevision: 'no_stream' });
      const again = await store.appendToStream(s, batch, { expectedRevision: 'no_stream' });
      expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
      expect(comparePositions(again.position, first.position)).toBe(0);
      await store.appendToStream(s, batch, { expectedRevision: 'any' });
      const next = [ev('C')];
      await store.appendToStream(s, next, { expectedRevision: 1n });
      await store.appendToStream(s, next, { expectedRevision: 1n });
      expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
    });

    it('refuses a batch that only partly repeats events already written', async () => {
      const s = stream();
      const a = ev('A');
      await store.appendToStream(s, [a, ev('B')], { expectedRevision: 'no_stream' });
      await expect(store.appendToStream(s, [a, ev('X')], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(
        WrongExpectedVersionError,
      );
      expect((await store.readStream(s)).length).toBe(2);
    });

    it('reads a stream backwards, from a revision, and a limited count; a missing stream reads empty', async () => {
      const s = stream();
      await store.appendToStream(
        s,
        [0, 1, 2, 3, 4].map((n) => ev('N', { n })),
        { expectedRevision: 'no_stream' },
      );
      const n = (es: RecordedEvent[]) => es.map((e) => (e.data as { n: number }).n);
      expect(n(await store.readStream(s, { direction: 'backwards' }))).toEqual([4, 3, 2, 1, 0]);
      expect(n(await store.readStream(s, { fromRevision: 2n, maxCount: 2 }))).toEqual([2, 3]);
      expect(n(await store.readStream(s, { direction: 'backwards', fromRevision: 2n }))).toEqual([2, 1, 0]);
      expect(n(await store.readStream(s, { direction: 'backwards', maxCount: 1 }))).toEqual([4]);
      expect(await store.readStream(stream())).toEqual([]);
    });

    it('reads all events in global order from an inclusive position, forwards and backwards', async () => {
      const [s1, s2] = [stream(), stream()];
      await store.appendToStream(s1, [ev('A')], { expectedRevision: 'any' });
      await store.appendToStream(s2, [ev('B')], { expectedRevision: 'any' });
      await store.appendToStream(s1, [ev('C')], { expectedRevision: 'any' });
      const mine = (es: RecordedEvent[]) => es.filter((e) => e.streamName === s1 || e.streamName === s2);
      const all = mine(await store.readAll());
      expect(all.map((e) => e.type)).toEqual(['A', 'B', 'C']);
      for (let i = 1; i < all.length; i++) expect(comparePositions(all[i - 1].position, all[i].position)).toBeLessThan(0);
      const fromB = mine(await store.readAll({ fromPosition: all[1].position }));
      expect(fromB.map((e) => e.type)).toEqual(['B', 'C']);
      const back = mine(await store.readAll({ direction: 'backwards', fromPosition: all[1].position }));
      expect(back.map((e) => e.type)).toEqual(['B', 'A']);
      expect((await store.readAll({ maxCount: 1 })).length).toBe(1);
      expect(comparePositions(positionFromString(positionToString(all[2].position)), all[2].position)).toBe(0);
    });

    it('reads only the events a filter lets through, up to the count asked, from an inclusive position', async () => {
      const s = stream();
      const tag = `T${s.replace(/[^a-z0-9]/gi, '')}`;
      for (let i = 0; i < 10; i++)
        await store.appendToStream(s, [ev(i % 3 === 0 ? `${tag}Kept${i}` : `Other${i}`)], { expectedRevision: 'any' });
      const filter = { eventTypePrefixes: [`${tag}Kept`] };
      const kept = await store.readAll({ filter });
      expect(kept.map((e) => e.type)).toEqual([0, 3, 6, 9].map((i) => `${tag}Kept${i}`));
      expect((await store.readAll({ filter, maxCount: 2 })).map((e) => e.type)).toEqual([`${tag}Kept0`, `${tag}Kept3`]);
      expect((await store.readAll({ filter, fromPosition: kept[1].position })).map((e) => e.type)).toEqual(
        [3, 6, 9].map((i) => `${tag}Kept${i}`),
      );
      expect((await store.readAll({ filter, direction: 'backwards', maxCount: 3 })).map((e) => e.type)).toEqual(
        [9, 6, 3].map((i) => `${tag}Kept${i}`),
      );
    });

    it('pages backwards through $all from inclusive positions without losing or repeating an event', async () => {
      const streams = [stream(), stream(), stream()];
      for (let i = 0; i < 12; i++) await store.appendToStream(streams[i % 3], [ev(`E${i}`)], { expectedRevision: 'any' });
      const mine = (es: RecordedEvent[]) => es.filter((e) => streams.includes(e.streamName));
      const forwards = mine(await store.readAll()).map((e) => e.type);
      const backwards: string[] = [];
      let page = await store.readAll({ direction: 'backwards', maxCount: 5 });
      while (page.length) {
        backwards.push(...mine(page).map((e) => e.type));
        if (page.length < 5) break;
        // Each page starts with the event the last one ended on.
        page = (await store.readAll({ direction: 'backwards', fromPosition: page[page.length - 1].position, maxCount: 6 })).slice(1);
      }
      expect(backwards).toEqual([...forwards].reverse());
      expect(forwards).toHaveLength(12);
    });

    it('refuses an append larger than EventStoreDB takes at once, and writes none of it', async () => {
      const s = stream();
      const big = (type: string) => ({ ...ev(type), data: { text: 'x'.repeat(MAX_APPEND_BYTES / 2) } });
      await expect(store.appendToStream(s, [big('A'), big('B')], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(
        AppendTooLargeError,
      );
      expect(await store.readStream(s)).toEqual([]);
      await store.appendToStream(s, [big('A')], { expectedRevision: 'no_stream' });
      expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A']);
    });

    it('hands out an event recorded under an older schema version in the current shape, by every read', async () => {
      // A bank's claim as an earlier release recorded it: InterestSubsidyClaimed version 1, no part fields, no version.
      const old = stored.events.find((e) => e.type === 'InterestSubsidyClaimed')!;
      const s = `subsidy-${randomUUID()}`;
      await store.appendToStream(s, [{ ...old, id: randomUUID() }], { expectedRevision: 'no_stream' });
      const current = { data: { ...old.data, part: 1, parts: 1 }, metadata: { ...old.metadata, schemaVersion: 2 } };
      const [read] = await store.readStream(s);
      expect(read).toMatchObject(current);
      // Its hash stays the one taken over what was recorded, which the event keeps beside its current shape.
      expect(read.asRecorded).toEqual({ data: old.data, metadata: old.metadata });
      expect(read.hash).toBe(eventHash(null, { ...read, ...read.asRecorded }));
      expect((await store.readAll({ filter: { streamNamePrefixes: [s] } }))[0]).toEqual(read);
      const subscription = store.subscribeToAll({ filter: { streamNamePrefixes: [s] } });
      for await (const message of subscription) {
        if (message.kind !== 'event') continue;
        expect(message.event).toEqual(read);
        break;
      }
      await subscription.unsubscribe();
    });

    it("never returns the server's own events ($-prefixed streams or types) from $all, forwards or backwards", async () => {
      const [s1, s2] = [stream(), stream()];
      await store.appendToStream(s1, [ev('A'), ev('B')], { expectedRevision: 'no_stream' });
      await store.appendToStream(s2, [ev('C')], { expectedRevision: 'no_stream' });
      const forwards = await store.readAll();
      const backwards = await store.readAll({ direction: 'backwards' });
      expect(forwards.filter(isSystem).map(named)).toEqual([]);
      expect(backwards.filter(isSystem).map(named)).toEqual([]);
      expect(backwards.map((e) => e.id)).toEqual([...forwards].reverse().map((e) => e.id));
      // A page of n holds n events that are not the server's, however many of the server's sit among them.
      expect((await store.readAll({ direction: 'backwards', maxCount: 2 })).map((e) => e.type)).toEqual(['C', 'B']);
      const [a] = await store.readStream(s1);
      expect((await store.readAll({ fromPosition: a.position, maxCount: 3 })).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      const [oldest] = await store.readAll({ maxCount: 1 });
      expect(isSystem(oldest)).toBe(false);
    });

    it('lets exactly one of many concurrent appends at the same revision through', async () => {
      const s = stream();
      await store.appendToStream(s, [ev()], { expectedRevision: 'no_stream' });
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => store.appendToStream(s, [ev()], { expectedRevision: 0n })));
      expect(results.filter((r) => r.status === 'fulfilled').length).toBe(1);
      expect(
        results
          .filter((r) => r.status === 'rejected')
          .every((r) => (r as PromiseRejectedResult).reason instanceof WrongExpectedVersionError),
      ).toBe(true);
      expect((await store.readStream(s)).length).toBe(2);
    });

    describe('catch-up subscription to all', () => {
      let sub: Subscription | undefined;
      afterEach(async () => {
        await sub?.unsubscribe();
        sub = undefined;
      });

      async function take(
        it: AsyncIterator<SubscriptionMessage>,
        until: (m: SubscriptionMessage[]) => boolean,
      ): Promise<SubscriptionMessage[]> {
        const got: SubscriptionMessage[] = [];
        while (!until(got)) {
          const next = await it.next();
          if (next.done) break;
          got.push(next.value);
        }
        return got;
      }
      const typesIn = (ms: SubscriptionMessage[], s: string) =>
        ms.flatMap((m) => (m.kind === 'event' && m.event.streamName === s ? [m.event.type] : []));

      it('delivers history, says when it has caught up, then delivers live events', async () => {
        const s = stream();
        await store.appendToStream(s, [ev('Old1'), ev('Old2')], { expectedRevision: 'no_stream' });
        sub = store.subscribeToAll({ filter: { streamNamePrefixes: [s] } });
        const it = sub[Symbol.asyncIterator]();
        const history = await take(it, (ms) => ms.some((m) => m.kind === 'caughtUp'));
        expect(typesIn(history, s)).toEqual(['Old1', 'Old2']);
        await store.appendToStream(s, [ev('New')], { expectedRevision: 1n });
        const live = await take(it, (ms) => typesIn(ms, s).length === 1);
        expect(typesIn(live, s)).toEqual(['New']);
      });

      it('starts after an exclusive position and skips filtered events with checkpoints', async () => {
        const [wanted, other] = [stream(), `other-${randomUUID()}`];
        await store.appendToStream(wanted, [ev('First')], { expectedRevision: 'any' });
        const [first] = await store.readStream(wanted);
        await store.appendToStream(other, [ev('Noise')], { expectedRevision: 'any' });
        await store.appendToStream(wanted, [ev('Second')], { expectedRevision: 'any' });
        sub = store.subscribeToAll({ fromPosition: first.position, filter: { streamNamePrefixes: [wanted] } });
        const got = await take(sub[Symbol.asyncIterator](), (ms) => ms.some((m) => m.kind === 'caughtUp'));
        expect(typesIn(got, wanted)).toEqual(['Second']);
        expect(got.some((m) => m.kind === 'event' && m.event.streamName === other)).toBe(false);
      });

      it.each([
        ['without a filter', undefined],
        ['with a filter that matches every stream', { streamNamePrefixes: [''] }],
      ])("never delivers the server's own events, in history or live (%s)", async (_, filter) => {
        const [s, later] = [stream(), stream()];
        await store.appendToStream(s, [ev('Old')], { expectedRevision: 'no_stream' });
        sub = store.subscribeToAll({ filter });
        const it = sub[Symbol.asyncIterator]();
        const history = await take(it, (ms) => ms.some((m) => m.kind === 'caughtUp'));
        await store.appendToStream(s, [ev('New')], { expectedRevision: 0n });
        await store.appendToStream(later, [ev('Later')], { expectedRevision: 'no_stream' });
        const live = await take(it, (ms) => typesIn(ms, later).length === 1);
        expect(typesIn(history, s)).toEqual(['Old']);
        expect(typesIn(live, s)).toEqual(['New']);
        const events = [...history, ...live].flatMap((m) => (m.kind === 'event' ? [m.event] : []));
        expect(events.filter(isSystem).map(named)).toEqual([]);
      });

      it('ends the iteration when unsubscribed', async () => {
        sub = store.subscribeToAll({ fromPosition: 'end' });
        const it = sub[Symbol.asyncIterator]();
        const pending = take(it, () => false);
        await sub.unsubscribe();
        await expect(pending).resolves.toBeDefined();
      });
    });
  });
}
