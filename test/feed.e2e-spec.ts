import { EventSource } from 'eventsource';
import { mkdtempSync, rmSync } from 'node:fs';
import { IncomingMessage, request as httpRequest } from 'node:http';
import { Server, Socket, createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordedEvent, positionToString } from '@app/event-store';
import { createServiceKey } from '../apps/api/src/auth/service-keys';
import { Api, application, startApi, until } from './support/api';
import { CLERK } from './support/auth';
import { loansWithSubsidyDue, openFile, programmeOn } from './support/programme';

const HISTORY_LOANS = 3_000;

/** A TCP proxy in front of the API whose connections can all be cut at once, as a flaky network would. */
async function cuttingProxy(target: URL) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s)).on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    cut: () => sockets.forEach((s) => s.destroy()),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * The feed for backend services, consumed as they would: a standard EventSource client through a network that
 * keeps cutting it off, batch pullers paging and downloading NDJSON, and a consumer that stops reading.
 */
describe('the event feed', () => {
  let api: Api;
  let dir: string;
  let path: string;
  let serviceKey: string;
  const asService = () => ({ 'x-api-key': serviceKey });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loans-feed-'));
    path = join(dir, 'events.db');
    // A history large enough (about 8 MB as the feed sends it) to fill a consumer's socket that does not read.
    const { programme, handler } = programmeOn(openFile(path));
    await loansWithSubsidyDue(
      programme,
      Array.from({ length: HISTORY_LOANS }, (_, i) => `F${i}`),
    );
    await handler.store.close();
    const keys = join(dir, 'service-keys.json');
    serviceKey = createServiceKey(keys, 'warehouse', ['feed.read']).key;
    api = await startApi({
      EVENT_STORE_PATH: path,
      SERVICE_KEYS_FILE: keys,
      FEED_RETRY_MS: '20',
      FEED_STALL_MS: '500',
      RATE_LIMIT_PER_MINUTE: '0',
    });
  }, 120_000);
  afterAll(async () => {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const everything = async (): Promise<RecordedEvent[]> => {
    const store = openFile(path);
    const all = await store.readAll();
    await store.close();
    return all;
  };
  const apply = (n: number) => api.post('/loans', application(n), CLERK);

  it('an EventSource client cut off again and again ends with every event once, in order, while commands keep arriving', async () => {
    const proxy = await cuttingProxy(new URL(await api.app.getUrl()));
    const received: string[] = [];
    let opened = 0;
    const source = new EventSource(`${proxy.url}/feed`, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...asService() } }),
    });
    source.onopen = () => opened++;
    source.onmessage = (message) => received.push(message.lastEventId);
    try {
      const writing = (async () => {
        for (let n = 1; n <= 40; n++) {
          expect(await apply(500 + n)).toMatchObject({ status: 201 });
          await new Promise((r) => setTimeout(r, 25));
        }
      })();
      // Each connection is cut soon after it opens, at uneven moments: in the history, then among live events.
      for (let cut = 0; cut < 12; cut++) {
        await until(async () => opened > cut, 20_000);
        await new Promise((r) => setTimeout(r, 20 + ((cut * 37) % 90)));
        proxy.cut();
      }
      await writing;
      const all = (await everything()).map((e) => positionToString(e.position));
      await until(async () => received.length >= all.length, 60_000);
      expect(opened).toBeGreaterThanOrEqual(12); // it was cut off, and came back, twelve times
      expect(received).toEqual(all);
    } finally {
      source.close();
      await proxy.close();
    }
  }, 180_000);

  it('filters by event type, kind of record and region, the same live and in pages', async () => {
    const all = await everything();
    const county = all.filter((e) => e.type === 'Repaid' && e.streamName.startsWith('loan-')).map((e) => positionToString(e.position));
    const paged: string[] = [];
    for (let after = 'start', end = false; !end;) {
      const page = (await api.get(`/feed/events?types=Repaid&categories=loan&region=360700&limit=700&after=${after}`, asService())).body;
      paged.push(...page.events.map((e: { position: string }) => e.position));
      [after, end] = [page.next, page.end];
    }
    expect(paged).toEqual(county);
    const elsewhere = (await api.get('/feed/events?region=360781', asService())).body;
    expect(elsewhere.events).toEqual([]); // every loan of the history is 赣县's (360721), under 赣州 (360700)
    expect(elsewhere).toMatchObject({ next: positionToString(all[all.length - 1].position), end: true });
  });

  it('gives the whole history after a position as NDJSON, one event per line', async () => {
    const all = await everything();
    const from = all[99].position;
    const res = await api.raw(`/feed/events.ndjson?after=${positionToString(from)}`, { headers: asService() });
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await res.text()).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).position)).toEqual(all.slice(100).map((e) => positionToString(e.position)));
  });

  it('a consumer that stops reading is disconnected, and holds back neither writers nor another consumer', async () => {
    const base = new URL(await api.app.getUrl());
    let stalledClosed = false;
    let stalledResponse: IncomingMessage | undefined;
    // Reads the answer's head, then nothing more (until it looks, below, whether the API has let it go).
    const stalled = httpRequest({ host: base.hostname, port: base.port, path: '/feed', headers: asService() }, (res) => {
      res.pause();
      stalledResponse = res;
      res.on('close', () => (stalledClosed = true)).on('error', () => undefined);
    });
    stalled.end();
    const received: string[] = [];
    const other = new EventSource(`${await api.app.getUrl()}/feed?after=${positionToString((await everything()).at(-1)!.position)}`, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...asService() } }),
    });
    other.onmessage = (message) => received.push(JSON.parse(message.data).type);
    try {
      const replies = [];
      for (let n = 1; n <= 20; n++) replies.push(await apply(600 + n));
      expect(replies.filter((r) => r.status !== 201)).toEqual([]);
      await until(async () => received.filter((t) => t === 'LoanApplied').length === 20, 20_000);
      // Past the stall limit (500 ms here) the API has closed it: reading again, it finds the end. A live feed
      // the API had kept would never end.
      await new Promise((r) => setTimeout(r, 1_500));
      stalledResponse!.resume();
      await until(async () => stalledClosed, 20_000);
    } finally {
      other.close();
      stalled.destroy();
    }
  }, 60_000);

  it('refuses a position or a filter it cannot read, and anyone without the feed', async () => {
    expect((await api.get('/feed/events?after=yesterday', asService())).body.code).toBe('FEED.BAD_POSITION');
    expect((await api.get('/feed/events?categories=people', asService())).body.code).toBe('FEED.BAD_FILTER');
    expect((await api.get('/feed/events?region=999999', asService())).body.code).toBe('FEED.BAD_FILTER');
    expect((await api.get('/feed/events', CLERK)).status).toBe(403);
  });
});
