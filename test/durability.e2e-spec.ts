import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { spawnTs } from './support/spawn';

/** Starts the appender, waits for `acks` acknowledgements, kills it with SIGKILL; resolves with every id it acknowledged. */
function appendThenKill(path: string, acks: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawnTs('test/support/append-child.ts', [path]);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.split('\n').length > acks) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`the appender ended without being killed (${signal})`));
      resolve(out.split('\n').slice(0, -1)); // the last piece may be a line cut short: not an acknowledgement
    });
  });
}

describe('durability of the embedded store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loans-durable-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every acknowledged append of a process killed with SIGKILL mid-flight, once each', async () => {
    const path = join(dir, 'killed.db');
    const acknowledged: string[] = [];
    for (const acks of [50, 500, 2000]) acknowledged.push(...(await appendThenKill(path, acks)));
    const store = new SqliteEventStore({ path });
    const all = await store.readAll();
    await store.close();
    const ids = new Map(all.map((e) => [e.id, e]));
    expect(acknowledged.length).toBeGreaterThanOrEqual(2550);
    expect(acknowledged.filter((id) => !ids.has(id))).toEqual([]);
    expect(ids.size).toBe(all.length);
    // Each writer's stream has no gap: revisions 0, 1, 2, … in the order they were appended.
    const byStream = new Map<string, typeof all>();
    for (const e of all) byStream.set(e.streamName, [...(byStream.get(e.streamName) ?? []), e]);
    for (const events of byStream.values()) expect(events.map((e) => Number(e.revision))).toEqual(events.map((_, i) => i));
  }, 120_000);

  it('commits with a full sync in WAL mode, so an acknowledged append also survives power loss', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'settings.db') });
    expect(store.durability()).toEqual({ journalMode: 'wal', synchronous: 'full' });
    await store.close();
  });
});
