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

export class MemoryLog {
  readonly all: Stored[] = [];
  private readonly streams = new Map<string, Stored[]>();
  private readonly tombstoned = new Set<string>();
  private next = 1_000n;
  private readonly listeners = new Set<(e: Stored) => void>();

  constructor() {
    // A real $all starts with the server's own events; the adapter must skip them.
    for (const [stream, type] of [
      ['$settings', '$settings'],
      ['$scavenges', '$scavengeIndexInitialized'],
      ['$users', '$UserCreated'],
    ]) {
      this.write(stream, [
        { id: crypto.randomUUID(), type, contentType: 'application/json', data: Buffer.from('{}'), metadata: Buffer.alloc(0) },
      ]);
    }
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
    return { ok: true, revision: last?.revision ?? current ?? -1n, position: last?.position ?? this.next };
  }

  tombstone(stream: string) {
    this.tombstoned.add(stream);
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
