/* eslint-disable @typescript-eslint/no-explicit-any -- the generated protobuf modules are untyped here */
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { Expected, MemoryLog, Stored } from './memory-log';

// Message classes must come from the very modules the client's service definitions use (serialisers check instanceof).
const load = createRequire(require.resolve('@eventstore/db-client'));
const grpc = load('@grpc/grpc-js');
const { StreamsService } = load('../generated/streams_grpc_pb.js');
const streams = load('../generated/streams_pb.js');
const shared = load('../generated/shared_pb.js');
const { ServerFeaturesService } = load('../generated/serverfeatures_grpc_pb.js');
const features = load('../generated/serverfeatures_pb.js');
const { Status } = load('../generated/status_pb.js');
const { Any } = load('google-protobuf/google/protobuf/any_pb.js');
const { Empty } = load('google-protobuf/google/protobuf/empty_pb.js');

/**
 * For tests only: an in-process server speaking enough of EventStoreDB's gRPC protocol for the official
 * client — Append and BatchAppend, Read of streams and $all forwards and backwards, $all subscriptions with filters,
 * checkpoints and caught-up, Tombstone, ServerFeatures — with a real server's system events in $all (a fresh
 * database's, links of the system projections, statistics), with fault injection.
 * It cannot prove what docs/eventstoredb.md lists.
 */
export class EsdbTestServer {
  readonly log: MemoryLog;
  private server: any;
  private readonly live = new Set<any>();
  /** The $all subscriptions the server is serving now. */
  get liveSubscriptions(): number {
    return this.live.size;
  }

  /** How many calls of each kind of append the client made. */
  readonly calls = { append: 0, batchAppend: 0 };
  /** Milliseconds the server waits before it handles an append, as a slow server past the client's deadline. */
  appendDelayMs = 0;
  /** While set, reads and appends fail with UNAVAILABLE, as a server that cannot serve. */
  unavailable = false;
  port = 0;
  /** The next appends are written, but their replies are lost: the client hears that the deadline passed. */
  lostReplies = 0;
  /** A real server's default limit on one append (its events' data and metadata). */
  maxAppendSize = 1_048_576;
  /**
   * Checkpoint bugs of released servers, on every subscription: `stale` sends, after each event, a checkpoint
   * at the event before it (behind the last event sent); `earlyMs` sends each live event's checkpoint first
   * and the event itself that many milliseconds later (ahead of an event not yet sent).
   */
  checkpointFaults: { stale?: boolean; earlyMs?: number } = {};

  /**
   * Without BatchAppend in its features the client falls back to the older Append call. Without
   * `systemEvents` `$all` holds only what clients appended; by default it also holds what a real server
   * writes there (see MemoryLog).
   */
  constructor(private readonly options: { batchAppend?: boolean; systemEvents?: boolean } = {}) {
    this.log = new MemoryLog({ systemEvents: options.systemEvents });
  }

  get connectionString() {
    return `esdb://127.0.0.1:${this.port}?tls=false`;
  }

  async start(port = 0): Promise<void> {
    this.server = new grpc.Server();
    this.server.addService(StreamsService, {
      read: (call: any) => this.guard(call, () => this.read(call)),
      batchAppend: (call: any) =>
        this.guard(call, () => {
          this.calls.batchAppend++;
          this.batchAppend(call);
        }),
      append: (call: any, cb: any) =>
        this.guard(call, () => {
          this.calls.append++;
          this.append(call, cb);
        }),
      delete: (_: any, cb: any) => cb({ code: grpc.status.UNIMPLEMENTED }),
      tombstone: (call: any, cb: any) => {
        const name = Buffer.from(call.request.getOptions().getStreamIdentifier().getStreamName_asU8()).toString('utf8');
        this.log.tombstone(name);
        cb(null, new streams.TombstoneResp());
      },
    });
    this.server.addService(ServerFeaturesService, {
      getSupportedMethods: (_: any, cb: any) => {
        const methods = new features.SupportedMethods();
        for (const name of ['Read', 'Append', 'Tombstone', ...(this.options.batchAppend === false ? [] : ['BatchAppend'])]) {
          const m = new features.SupportedMethod();
          m.setServiceName('event_store.client.streams.Streams');
          m.setMethodName(name);
          methods.addMethods(m);
        }
        methods.setEventStoreServerVersion('23.10.0');
        cb(null, methods);
      },
    });
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e: Error | null, p: number) =>
        e ? reject(e) : resolve(p),
      ),
    );
  }

  /** Ends every live subscription with an error, as a server dropping its subscribers. */
  dropSubscriptions() {
    for (const call of this.live) call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'subscription dropped by the test server' });
    this.live.clear();
  }

  /** The server goes away for a while (connections refused), then comes back on the same port with its log. */
  async outage(ms: number): Promise<void> {
    this.dropSubscriptions();
    this.server.forceShutdown();
    await new Promise((r) => setTimeout(r, ms));
    await this.start(this.port);
  }

  async stop(): Promise<void> {
    this.dropSubscriptions();
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }

  private guard(call: any, work: () => void) {
    if (!this.unavailable) return work();
    call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'the test server is unavailable' });
  }

  private batchAppend(call: any) {
    const pending = new Map<string, { options: any; messages: any[] }>();
    call.on('data', (req: any) => {
      const id = req.getCorrelationId().getString();
      const batch = pending.get(id) ?? { options: req.getOptions(), messages: [] };
      pending.set(id, batch);
      batch.messages.push(...req.getProposedMessagesList());
      if (!req.getIsFinal()) return;
      pending.delete(id);
      const answer = () => {
        if (!call.destroyed) call.write(this.appendBatch(id, batch.options, batch.messages));
      };
      if (this.appendDelayMs) setTimeout(answer, this.appendDelayMs);
      else answer();
    });
    call.on('end', () => call.end());
  }

  private appendBatch(correlationId: string, options: any, messages: any[]) {
    const name = Buffer.from(options.getStreamIdentifier().getStreamName_asU8()).toString('utf8');
    const expected: Expected = options.hasStreamPosition()
      ? { kind: 'exact', revision: BigInt(options.getStreamPosition()) }
      : options.hasNoStream()
        ? { kind: 'no_stream' }
        : options.hasStreamExists()
          ? { kind: 'stream_exists' }
          : { kind: 'any' };
    const resp = new streams.BatchAppendResp();
    resp.setCorrelationId(uuid(correlationId));
    resp.setStreamIdentifier(options.getStreamIdentifier());
    if (options.hasDeadline() && options.getDeadline().toDate().getTime() < Date.now()) {
      // As the real server: a batch whose deadline passed before it was handled is not written.
      const status = new Status();
      const details = new Any();
      status.setCode(grpc.status.DEADLINE_EXCEEDED);
      details.pack(new shared.Timeout().serializeBinary(), 'event_store.client.Timeout');
      status.setDetails(details);
      resp.setError(status);
      return resp;
    }
    if (appendSize(messages) > this.maxAppendSize) {
      // As the real server: the whole append is refused, naming the limit.
      const status = new Status();
      const details = new Any();
      const exceeded = new shared.MaximumAppendSizeExceeded();
      exceeded.setMaxappendsize(this.maxAppendSize);
      status.setCode(grpc.status.INVALID_ARGUMENT);
      details.pack(exceeded.serializeBinary(), 'event_store.client.MaximumAppendSizeExceeded');
      status.setDetails(details);
      resp.setError(status);
      return resp;
    }
    const outcome = this.log.append(name, messages.map(proposed), expected);
    if (outcome.ok && this.lostReplies > 0) {
      this.lostReplies--;
      const status = new Status();
      const details = new Any();
      status.setCode(grpc.status.DEADLINE_EXCEEDED);
      details.pack(new shared.Timeout().serializeBinary(), 'event_store.client.Timeout');
      status.setDetails(details);
      resp.setError(status);
      return resp;
    }
    if (outcome.ok) {
      const success = new streams.BatchAppendResp.Success();
      success.setCurrentRevision(outcome.revision.toString());
      const position = new shared.AllStreamPosition();
      position.setCommitPosition(outcome.position.toString());
      position.setPreparePosition(outcome.position.toString());
      success.setPosition(position);
      resp.setSuccess(success);
      return resp;
    }
    const status = new Status();
    const details = new Any();
    if (outcome.deleted) {
      status.setCode(grpc.status.FAILED_PRECONDITION);
      details.pack(new shared.StreamDeleted().serializeBinary(), 'event_store.client.StreamDeleted');
    } else {
      const wrong = new shared.WrongExpectedVersion();
      if (outcome.current === undefined) wrong.setCurrentNoStream(new Empty());
      else wrong.setCurrentStreamRevision(outcome.current.toString());
      if (expected.kind === 'exact') wrong.setExpectedStreamPosition(expected.revision.toString());
      else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new Empty());
      else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new Empty());
      else wrong.setExpectedAny(new Empty());
      status.setCode(grpc.status.FAILED_PRECONDITION);
      details.pack(wrong.serializeBinary(), 'event_store.client.WrongExpectedVersion');
    }
    status.setDetails(details);
    resp.setError(status);
    return resp;
  }

  /** The older client-streaming Append: options first, then one message per event. */
  private append(call: any, callback: any) {
    let options: any;
    const messages: any[] = [];
    call.on('data', (req: any) => (req.hasOptions() ? (options = req.getOptions()) : messages.push(req.getProposedMessage())));
    call.on('end', () => {
      const name = Buffer.from(options.getStreamIdentifier().getStreamName_asU8()).toString('utf8');
      const expected: Expected = options.hasRevision()
        ? { kind: 'exact', revision: BigInt(options.getRevision()) }
        : options.hasNoStream()
          ? { kind: 'no_stream' }
          : options.hasStreamExists()
            ? { kind: 'stream_exists' }
            : { kind: 'any' };
      if (appendSize(messages) > this.maxAppendSize) {
        const metadata = new grpc.Metadata();
        metadata.set('exception', 'maximum-append-size-exceeded');
        metadata.set('maximum-append-size', String(this.maxAppendSize));
        return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'maximum append size exceeded', metadata });
      }
      const outcome = this.log.append(name, messages.map(proposed), expected);
      if (outcome.ok && this.lostReplies > 0) {
        this.lostReplies--;
        return callback({ code: grpc.status.DEADLINE_EXCEEDED, details: 'the reply was lost' });
      }
      const resp = new streams.AppendResp();
      if (outcome.ok) {
        const success = new streams.AppendResp.Success();
        success.setCurrentRevision(outcome.revision.toString());
        const position = new streams.AppendResp.Position();
        position.setCommitPosition(outcome.position.toString());
        position.setPreparePosition(outcome.position.toString());
        success.setPosition(position);
        resp.setSuccess(success);
      } else if (outcome.deleted) {
        const metadata = new grpc.Metadata();
        metadata.set('exception', 'stream-deleted');
        metadata.set('stream-name', name);
        return callback({ code: grpc.status.FAILED_PRECONDITION, details: 'stream deleted', metadata });
      } else {
        const wrong = new streams.AppendResp.WrongExpectedVersion();
        if (outcome.current === undefined) wrong.setCurrentNoStream(new shared.Empty());
        else wrong.setCurrentRevision(outcome.current.toString());
        if (expected.kind === 'exact') wrong.setExpectedRevision(expected.revision.toString());
        else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new shared.Empty());
        else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new shared.Empty());
        else wrong.setExpectedAny(new shared.Empty());
        resp.setWrongExpectedVersion(wrong);
      }
      callback(null, resp);
    });
  }

  private read(call: any) {
    const o = call.request.getOptions();
    const backwards = o.getReadDirection() === 1;
    const count = o.hasCount() ? Number(o.getCount()) : Number.MAX_SAFE_INTEGER;
    const filter = o.hasFilter() ? compileFilter(o.getFilter()) : undefined;
    if (o.hasStream()) {
      const so = o.getStream();
      const name = Buffer.from(so.getStreamIdentifier().getStreamName_asU8()).toString('utf8');
      const list = this.log.stream(name);
      if (!list || this.log.isDeleted(name)) {
        const resp = new streams.ReadResp();
        const nf = new streams.ReadResp.StreamNotFound();
        nf.setStreamIdentifier(so.getStreamIdentifier());
        resp.setStreamNotFound(nf);
        call.write(resp);
        return call.end();
      }
      const from = so.hasStart()
        ? backwards
          ? -1n
          : 0n
        : so.hasEnd()
          ? backwards
            ? BigInt(list.length - 1)
            : BigInt(list.length)
          : BigInt(so.getRevision());
      const chosen = (backwards ? [...list].reverse().filter((e) => e.revision <= from) : list.filter((e) => e.revision >= from)).slice(
        0,
        count,
      );
      for (const e of chosen) call.write(eventResp(e));
      return call.end();
    }
    const ao = o.getAll();
    const all = this.log.all;
    const at = ao.hasStart() ? 'start' : ao.hasEnd() ? 'end' : BigInt(ao.getPosition().getCommitPosition());
    if (!o.hasSubscription()) {
      const chosen = backwards
        ? // As a real server: backwards from a position excludes it (forwards includes it).
          [...all].reverse().filter((e) => at === 'end' || (at !== 'start' && e.position < at))
        : all.filter((e) => at === 'start' || (at !== 'end' && e.position >= at));
      for (const e of chosen.filter((e) => !filter || filter(e)).slice(0, count)) call.write(eventResp(e));
      return call.end();
    }
    this.subscribe(call, at, filter);
  }

  /** A catch-up subscription to $all: confirmation, history after the position, checkpoints, caught-up, then live events. */
  private subscribe(call: any, at: 'start' | 'end' | bigint, filter?: (e: Stored) => boolean) {
    const confirmation = new streams.ReadResp();
    const c = new streams.ReadResp.SubscriptionConfirmation();
    c.setSubscriptionId(randomUUID());
    confirmation.setConfirmation(c);
    call.write(confirmation);
    let before: bigint | undefined; // the event sent before the last one
    let last: bigint | undefined;
    const deliver = (e: Stored, live: boolean) => {
      if (filter && !filter(e)) return call.write(checkpointResp(e.position));
      const { stale, earlyMs } = this.checkpointFaults;
      if (live && earlyMs) {
        call.write(checkpointResp(e.position));
        return setTimeout(() => this.live.has(call) && call.write(eventResp(e)), earlyMs);
      }
      call.write(eventResp(e));
      [before, last] = [last, e.position];
      if (stale && before !== undefined) call.write(checkpointResp(before));
    };
    const history = at === 'end' ? [] : this.log.all.filter((e) => at === 'start' || e.position > at);
    for (const e of history) deliver(e, false);
    const caughtUp = new streams.ReadResp();
    caughtUp.setCaughtUp(new streams.ReadResp.CaughtUp());
    call.write(caughtUp);
    const off = this.log.onAppend((e) => {
      if (!call.destroyed) deliver(e, true);
    });
    this.live.add(call);
    call.on('cancelled', () => {
      off();
      this.live.delete(call);
    });
    call.on('close', () => {
      off();
      this.live.delete(call);
    });
  }
}

function proposed(m: any) {
  return {
    id: m.getId().getString(),
    type: m.getMetadataMap().get('type'),
    contentType: m.getMetadataMap().get('content-type'),
    data: Buffer.from(m.getData_asU8()),
    metadata: Buffer.from(m.getCustomMetadata_asU8()),
  };
}

/** What a real server counts against its append limit: each event's data and metadata. */
const appendSize = (messages: any[]) => messages.reduce((n, m) => n + m.getData_asU8().length + m.getCustomMetadata_asU8().length, 0);

function uuid(id: string) {
  const u = new shared.UUID();
  u.setString(id);
  return u;
}

function eventResp(e: Stored) {
  const rec = new streams.ReadResp.ReadEvent.RecordedEvent();
  rec.setId(uuid(e.id));
  const sid = new shared.StreamIdentifier();
  sid.setStreamName(Buffer.from(e.stream, 'utf8'));
  rec.setStreamIdentifier(sid);
  rec.setStreamRevision(e.revision.toString());
  rec.setCommitPosition(e.position.toString());
  rec.setPreparePosition(e.position.toString());
  rec.getMetadataMap().set('type', e.type).set('content-type', e.contentType).set('created', e.created.toString());
  rec.setData(e.data);
  rec.setCustomMetadata(e.metadata);
  const read = new streams.ReadResp.ReadEvent();
  read.setEvent(rec);
  read.setCommitPosition(e.position.toString());
  const resp = new streams.ReadResp();
  resp.setEvent(read);
  return resp;
}

/** Progress through an event the filter skipped (the real server sends these every few hundred). */
function checkpointResp(position: bigint) {
  const cp = new streams.ReadResp.Checkpoint();
  cp.setCommitPosition(position.toString());
  cp.setPreparePosition(position.toString());
  const resp = new streams.ReadResp();
  resp.setCheckpoint(cp);
  return resp;
}

function compileFilter(f: any): (e: Stored) => boolean {
  const expr = f.hasStreamIdentifier() ? f.getStreamIdentifier() : f.getEventType();
  const field = (e: Stored) => (f.hasStreamIdentifier() ? e.stream : e.type);
  const prefixes: string[] = expr.getPrefixList();
  const regex = expr.getRegex() ? new RegExp(expr.getRegex()) : undefined;
  return (e) => (prefixes.length ? prefixes.some((p) => field(e).startsWith(p)) : true) && (!regex || regex.test(field(e)));
}
