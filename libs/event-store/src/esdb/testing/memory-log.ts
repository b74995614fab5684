/** The test server's log: EventStoreDB's append rules over an array, with sparse byte-offset positions. */
export interface Stored {
  stream: string;
  revision: bigint;
  id: string;
  type: string;
  contentType: string;
  data: Buffer;
  metadata: Buffer;
  created: bigint;
  position: bigint;
}
export type Expected = { kind: 'any' | 'no_stream' | 'stream_exists' } | { kind: 'exact'; revision: bigint };
export type AppendOutcome = { ok: true; revision: bigint; position: bigint } | { ok: false; current?: bigint; deleted?: boolean };

/** The node name a real server puts in its `$stats-…` stream. */
const NODE = '127.0.0.1:2113';

/**
 * With `systemEvents` (the default) the log writes what a real server writes into `$all` beside the
 * clients' events, so an adapter that lets them through is caught: a fresh database's own events
 * (`$epoch-information`, `$metadata` on `$$$scavenges`, `$settings`, users), for every event a client
 * appends the `$>` link events of the system projections (`$ce-<category>`, `$et-<type>`, and
 * `$streams` for a new stream), and now and then `$statsCollected`. They are written right after the
 * client's events (a real server writes them a moment later), so the newest event in `$all` is
 * usually a system event.
 */
export class MemoryLog {
  readonly all: Stored[] = [];
  private readonly streams = new Map<string, Stored[]>();
  private readonly tombstoned = new Set<string>();
  private next = 1_000n;
  private readonly listeners = new Set<(e: Stored) => void>();
  private readonly systemEvents: boolean;
  private clientAppends = 0;

  constructor(options: { systemEvents?: boolean } = {}) {
    this.systemEvents = options.systemEvents ?? true;
    if (!this.systemEvents) return;
    this.system('$epochs', '$epoch-information', { epochNumber: 0, epochPosition: 0, epochId: crypto.randomUUID() });
    this.system('$$$scavenges', '$metadata', { $maxAge: 2_592_000 });
    this.system('$scavenges', '$scavengeIndexInitialized', {});
    this.system('$settings', '$settings', { $userStreamAcl: { $r: '$all', $w: '$all' } });
    this.system('$user-admin', '$user', { loginName: 'admin', fullName: 'Event Store Administrator', groups: ['$admins'] });
    this.system('$users', '$User', 'admin');
    this.system('$user-ops', '$user', { loginName: 'ops', fullName: 'Event Store Operations', groups: ['$ops'] });
    this.system('$users', '$User', 'ops');
  }

  stream(name: string): Stored[] | undefined {
    return this.streams.get(name);
  }
  isDeleted(name: string) {
    return this.tombstoned.has(name);
  }
  onAppend(listener: (e: Stored) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(stream: string, events: Omit<Stored, 'stream' | 'revision' | 'created' | 'position'>[], expected: Expected): AppendOutcome {
    if (this.tombstoned.has(stream)) return { ok: false, deleted: true };
    const existing = this.streams.get(stream) ?? [];
    const current = existing.length ? BigInt(existing.length - 1) : undefined;
    const at = events.length ? existing.findIndex((e) => e.id === events[0].id) : -1;
    if (at >= 0) {
      // idempotent re-append: the same ids where expected
      const placeOk =
        expected.kind === 'any' ||
        expected.kind === 'stream_exists' ||
        (expected.kind === 'no_stream' ? at === 0 : expected.kind === 'exact' && BigInt(at) === expected.revision + 1n);
      const same = events.every((e, i) => existing[at + i]?.id === e.id);
      if (placeOk && same) {
        const last = existing[at + events.length - 1];
        return { ok: true, revision: last.revision, position: last.position };
      }
      return { ok: false, current };
    }
    const fits =
      expected.kind === 'any' ||
      (expected.kind === 'no_stream' && current === undefined) ||
      (expected.kind === 'stream_exists' && current !== undefined) ||
      (expected.kind === 'exact' && current === expected.revision);
    if (!fits) return { ok: false, current };
    const written = this.write(stream, events);
    const last = written[written.length - 1];
    this.projectSystemEvents(stream, written, current === undefined);
    return { ok: true, revision: last?.revision ?? current ?? -1n, position: last?.position ?? this.next };
  }

  tombstone(stream: string) {
    this.tombstoned.add(stream);
  }

  /** What the system projections and the statistics write after a client's events. */
  private projectSystemEvents(stream: string, written: Stored[], newStream: boolean) {
    if (!this.systemEvents || stream.startsWith('$') || written.length === 0) return;
    const category = stream.split('-')[0];
    for (const e of written) {
      this.link(`$ce-${category}`, e);
      this.link(`$et-${e.type}`, e);
    }
    if (newStream) this.link('$streams', written[0]);
    if (++this.clientAppends % 5 === 0)
      this.system(`$stats-${NODE}`, '$statsCollected', { 'proc-startTime': new Date().toISOString(), 'es-queue-Main-length': 0 });
  }

  /** A `$>` link event: its data names the event it points to, as `<revision>@<stream>`. */
  private link(to: string, e: Stored) {
    const data = Buffer.from(`${e.revision}@${e.stream}`, 'utf8');
    const metadata = Buffer.from(JSON.stringify({ $v: '1:-1:1:4', $c: Number(e.position), $p: Number(e.position), $causedBy: e.id }));
    this.write(to, [{ id: crypto.randomUUID(), type: '$>', contentType: 'application/octet-stream', data, metadata }]);
  }

  private system(stream: string, type: string, data: unknown) {
    const body = Buffer.from(JSON.stringify(data), 'utf8');
    this.write(stream, [{ id: crypto.randomUUID(), type, contentType: 'application/json', data: body, metadata: Buffer.alloc(0) }]);
  }

  private write(stream: string, events: Omit<Stored, 'stream' | 'revision' | 'created' | 'position'>[]): Stored[] {
    const list = this.streams.get(stream) ?? [];
    this.streams.set(stream, list);
    const created = BigInt(Date.now()) * 10_000n; // 100-ns ticks since the Unix epoch, as the client reads "created"
    const out = events.map((e) => {
      const stored: Stored = { ...e, stream, revision: BigInt(list.length), created, position: this.next };
      this.next += BigInt(128 + e.data.length + e.metadata.length); // positions are byte offsets: sparse
      list.push(stored);
      this.all.push(stored);
      return stored;
    });
    for (const e of out) for (const l of this.listeners) l(e);
    return out;
  }
}
