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

/** A user of a secured server: a password and the groups it belongs to (`$admins` may do anything). */
export interface TestUser {
  password: string;
  groups?: string[];
}

export interface EsdbTestServerOptions {
  /** Without BatchAppend in its features the client falls back to the older Append call. */
  batchAppend?: boolean;
  /** Without, `$all` holds only what clients appended; by default it also holds what a real server writes there (see MemoryLog). */
  systemEvents?: boolean;
  /** Serve TLS with this certificate and key, as a secured cluster does; without, plain text, as a node run `--insecure`. */
  tls?: { cert: Buffer; key: Buffer };
  /**
   * Users by name: every call must then name one with its password, as on a secured cluster (anonymous access
   * is off by default since 23.10). A wrong password is refused as unauthenticated; no user, or a user without
   * the right, as access denied.
   */
  users?: Record<string, TestUser>;
  /** Who may read `$all` besides `$admins` (user names or groups): the `$r` of `$all`'s ACL, `$admins` only by default. */
  allReaders?: string[];
}

/**
 * For tests only: an in-process server speaking enough of EventStoreDB's gRPC protocol for the official
 * client — Append and BatchAppend, Read of streams and $all forwards and backwards, $all subscriptions with filters,
 * checkpoints and caught-up, Tombstone, ServerFeatures — with a real server's system events in $all (a fresh
 * database's, links of the system projections, statistics), TLS, users and the ACL of `$all`, with fault injection.
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
  /**
   * The next this many reads and appends are refused as a follower refuses them (`not-leader`), naming `leader`
   * (this server unless set) as the node to go to; the client reconnects there.
   */
  notLeader = 0;
  leader?: { host: string; port: number };
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
   * The most messages a subscription's call held unsent at once. The server writes only while gRPC takes its
   * messages (as a real server reads the log only as fast as its subscriber takes events), so this stays small
   * however long the history and however slow the subscriber.
   */
  mostQueued = 0;

  constructor(private readonly options: EsdbTestServerOptions = {}) {
    this.log = new MemoryLog({ systemEvents: options.systemEvents });
  }

  get connectionString() {
    return `esdb://127.0.0.1:${this.port}?tls=false`;
  }

  /** For a server with `tls`: a client that trusts the authority in `caFile`, as `user` if given. */
  secureConnectionString(caFile: string, user?: { name: string; password: string }) {
    const credentials = user ? `${encodeURIComponent(user.name)}:${encodeURIComponent(user.password)}@` : '';
    return `esdb://${credentials}localhost:${this.port}?tls=true&tlsCAFile=${encodeURIComponent(caFile)}`;
  }

  async start(port = 0): Promise<void> {
    this.server = new grpc.Server();
    // Calls answered with a stream end with an error; calls answered once, through their callback.
    const streaming = (call: any) => (error: object) => call.emit('error', error);
    this.server.addService(StreamsService, {
      read: (call: any) => this.guard(call, streaming(call), (user) => this.read(call, user)),
      batchAppend: (call: any) =>
        this.guard(call, streaming(call), (user) => {
          this.calls.batchAppend++;
          this.batchAppend(call, user);
        }),
      append: (call: any, cb: any) =>
        this.guard(call, cb, (user) => {
          this.calls.append++;
          this.append(call, cb, user);
        }),
      delete: (_: any, cb: any) => cb({ code: grpc.status.UNIMPLEMENTED }),
      tombstone: (call: any, cb: any) =>
        this.guard(call, cb, (user) => {
          const name = Buffer.from(call.request.getOptions().getStreamIdentifier().getStreamName_asU8()).toString('utf8');
          if (!this.may(user, 'write', name)) return cb(accessDenied());
          this.log.tombstone(name);
          cb(null, new streams.TombstoneResp());
        }),
    });
    // Asked without credentials by the client, and answered to anyone by a real server.
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
    const { tls } = this.options;
    const credentials = tls
      ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: tls.cert, private_key: tls.key }])
      : grpc.ServerCredentials.createInsecure();
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`127.0.0.1:${port}`, credentials, (e: Error | null, p: number) => (e ? reject(e) : resolve(p))),
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
    // A connection accepted while the server shuts down (a TLS handshake finishing late) is never asked to close.
    const force = setTimeout(() => this.server.forceShutdown(), 1_000);
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
    clearTimeout(force);
  }

  /** Refuses a call as the server cannot take it, or as its credentials are wrong; else does it, as the user it names. */
  private guard(call: any, refuse: (error: object) => void, work: (user: string | undefined) => void) {
    const user = this.userOf(call);
    if (this.unavailable) return refuse(unavailable());
    if (user === false) return refuse({ code: grpc.status.UNAUTHENTICATED, details: 'Bad credentials' });
    work(user);
  }

  /** The user a call names with a right password; undefined for none (anonymous), false for a wrong name or password. */
  private userOf(call: any): string | undefined | false {
    const [header] = call.metadata.get('authorization');
    if (!this.options.users || header === undefined) return undefined;
    const basic = /^Basic (.+)$/.exec(String(header));
    if (!basic) return false;
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const name = decoded.slice(0, decoded.indexOf(':'));
    return this.options.users[name]?.password === decoded.slice(name.length + 1) ? name : false;
  }

  /**
   * The default ACLs of a secured server: every user may read and write user streams, only `$admins` system
   * streams; `$all` may be read by `$admins` and by those its ACL names. An insecure server lets anyone do anything.
   */
  private may(user: string | undefined, action: 'read' | 'write', stream: string): boolean {
    const { users, allReaders = [] } = this.options;
    if (!users) return true;
    if (user === undefined) return false;
    const roles = [user, ...(users[user].groups ?? [])];
    if (roles.includes('$admins')) return true;
    if (stream === '$all') return action === 'read' && allReaders.some((r) => roles.includes(r));
    return !stream.startsWith('$');
  }

  /** A follower's answer to a call only the leader takes, while `notLeader` lasts. */
  private asFollower() {
    if (this.notLeader <= 0) return undefined;
    this.notLeader--;
    const { host, port } = this.leader ?? { host: '127.0.0.1', port: this.port };
    return rpcError(grpc.status.NOT_FOUND, 'Leader info available', {
      exception: 'not-leader',
      'leader-endpoint-host': host,
      'leader-endpoint-port': String(port),
    });
  }

  private batchAppend(call: any, user: string | undefined) {
    const pending = new Map<string, { options: any; messages: any[] }>();
    call.on('data', (req: any) => {
      const id = req.getCorrelationId().getString();
      const batch = pending.get(id) ?? { options: req.getOptions(), messages: [] };
      pending.set(id, batch);
      batch.messages.push(...req.getProposedMessagesList());
      if (!req.getIsFinal()) return;
      pending.delete(id);
      // The stream lives as long as the client: a server that cannot take a batch now ends it, with every batch in it.
      const refused = this.unavailable ? unavailable() : this.asFollower();
      if (refused) return call.emit('error', refused);
      const answer = () => {
        if (!call.destroyed) call.write(this.appendBatch(id, batch.options, batch.messages, user));
      };
      if (this.appendDelayMs) setTimeout(answer, this.appendDelayMs);
      else answer();
    });
    call.on('end', () => call.end());
  }

  private appendBatch(correlationId: string, options: any, messages: any[], user: string | undefined) {
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
    const refuse = (code: number, type: string, details: any) => {
      resp.setError(batchError(code, type, details));
      return resp;
    };
    if (!this.may(user, 'write', name)) return refuse(grpc.status.PERMISSION_DENIED, 'AccessDenied', new shared.AccessDenied());
    // As the real server: a batch whose deadline passed before it was handled is not written.
    if (options.hasDeadline() && options.getDeadline().toDate().getTime() < Date.now())
      return refuse(grpc.status.DEADLINE_EXCEEDED, 'Timeout', new shared.Timeout());
    if (appendSize(messages) > this.maxAppendSize) {
      // As the real server: the whole append is refused, naming the limit.
      const exceeded = new shared.MaximumAppendSizeExceeded();
      exceeded.setMaxappendsize(this.maxAppendSize);
      return refuse(grpc.status.INVALID_ARGUMENT, 'MaximumAppendSizeExceeded', exceeded);
    }
    const outcome = this.log.append(name, messages.map(proposed), expected);
    if (outcome.ok && this.lostReplies > 0) {
      this.lostReplies--;
      return refuse(grpc.status.DEADLINE_EXCEEDED, 'Timeout', new shared.Timeout());
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
    if (outcome.deleted) {
      const deleted = new shared.StreamDeleted();
      deleted.setStreamIdentifier(options.getStreamIdentifier());
      return refuse(grpc.status.NOT_FOUND, 'StreamDeleted', deleted);
    }
    const wrong = new shared.WrongExpectedVersion();
    if (outcome.current === undefined) wrong.setCurrentNoStream(new Empty());
    else wrong.setCurrentStreamRevision(outcome.current.toString());
    if (expected.kind === 'exact') wrong.setExpectedStreamPosition(expected.revision.toString());
    else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new Empty());
    else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new Empty());
    else wrong.setExpectedAny(new Empty());
    return refuse(grpc.status.ALREADY_EXISTS, 'WrongExpectedVersion', wrong);
  }

  /** The older client-streaming Append: options first, then one message per event. */
  private append(call: any, callback: any, user: string | undefined) {
    const follower = this.asFollower();
    if (follower) return callback(follower);
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
      if (!this.may(user, 'write', name)) return callback(accessDenied());
      if (appendSize(messages) > this.maxAppendSize) {
        const details = 'maximum append size exceeded';
        return callback(
          rpcError(grpc.status.INVALID_ARGUMENT, details, {
            exception: 'maximum-append-size-exceeded',
            'maximum-append-size': String(this.maxAppendSize),
          }),
        );
      }
      const outcome = this.log.append(name, messages.map(proposed), expected);
      if (outcome.ok && this.lostReplies > 0) {
        this.lostReplies--;
        return callback({ code: grpc.status.DEADLINE_EXCEEDED, details: 'the reply was lost' });
      }
      if (!outcome.ok && outcome.deleted) return callback(streamDeleted(name));
      const resp = new streams.AppendResp();
      if (outcome.ok) {
        const success = new streams.AppendResp.Success();
        success.setCurrentRevision(outcome.revision.toString());
        const position = new streams.AppendResp.Position();
        position.setCommitPosition(outcome.position.toString());
        position.setPreparePosition(outcome.position.toString());
        success.setPosition(position);
        resp.setSuccess(success);
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

  private read(call: any, user: string | undefined) {
    const o = call.request.getOptions();
    const backwards = o.getReadDirection() === 1;
    const count = o.hasCount() ? Number(o.getCount()) : Number.MAX_SAFE_INTEGER;
    const filter = o.hasFilter() ? compileFilter(o.getFilter()) : undefined;
    const name = o.hasStream() ? Buffer.from(o.getStream().getStreamIdentifier().getStreamName_asU8()).toString('utf8') : '$all';
    const refused = this.asFollower() ?? (this.may(user, 'read', name) ? undefined : accessDenied());
    if (refused) return call.emit('error', refused);
    if (o.hasStream()) {
      const so = o.getStream();
      // As a real server: a tombstoned stream is not missing but deleted, for ever.
      if (this.log.isDeleted(name)) return call.emit('error', streamDeleted(name));
      const list = this.log.stream(name);
      if (!list) {
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

  /**
   * A catch-up subscription to $all: confirmation, history after the position, checkpoints, caught-up, then live
   * events. It reads the log as the call takes messages: when gRPC's buffer for the call is full (`write` answers
   * false) it stops, and goes on at 'drain', so a subscriber that reads slowly holds the server back rather than
   * filling its memory; history and live events leave in the log's order.
   */
  private subscribe(call: any, at: 'start' | 'end' | bigint, filter?: (e: Stored) => boolean) {
    let full = false;
    const send = (resp: any) => {
      full = !call.write(resp);
      this.mostQueued = Math.max(this.mostQueued, call.writableLength);
    };
    const confirmation = new streams.ReadResp();
    const c = new streams.ReadResp.SubscriptionConfirmation();
    c.setSubscriptionId(randomUUID());
    confirmation.setConfirmation(c);
    send(confirmation);
    const all = this.log.all;
    let next = at === 'start' ? 0 : at === 'end' ? all.length : all.findIndex((e) => e.position > at);
    if (next < 0) next = all.length;
    let caughtUp = false;
    let held = false; // a live event waits behind its early checkpoint
    let before: bigint | undefined; // the event sent before the last one
    let last: bigint | undefined;
    const pump = () => {
      while (!full && !held && this.live.has(call)) {
        const e = all[next];
        if (!e) {
          if (caughtUp) return;
          caughtUp = true;
          const resp = new streams.ReadResp();
          resp.setCaughtUp(new streams.ReadResp.CaughtUp());
          send(resp);
          continue;
        }
        next++;
        if (filter && !filter(e)) {
          send(checkpointResp(e.position));
          continue;
        }
        const { stale, earlyMs } = this.checkpointFaults;
        if (caughtUp && earlyMs) {
          send(checkpointResp(e.position));
          held = true;
          setTimeout(() => {
            held = false;
            if (!this.live.has(call)) return;
            send(eventResp(e));
            pump();
          }, earlyMs);
          return;
        }
        send(eventResp(e));
        [before, last] = [last, e.position];
        if (stale && before !== undefined) send(checkpointResp(before));
      }
    };
    this.live.add(call);
    const off = this.log.onAppend(() => pump());
    const end = () => {
      off();
      this.live.delete(call);
    };
    call.on('drain', () => {
      full = false;
      pump();
    });
    call.on('cancelled', end);
    call.on('close', end);
    pump();
  }
}

/** A gRPC error as a real server sends it: status, details and its `exception` and other trailers. */
function rpcError(code: number, details: string, trailers: Record<string, string>) {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return { code, details, metadata };
}

const unavailable = () => ({ code: grpc.status.UNAVAILABLE, details: 'the test server is unavailable' });
const accessDenied = () => rpcError(grpc.status.PERMISSION_DENIED, 'Access Denied', { exception: 'access-denied' });
const streamDeleted = (name: string) =>
  rpcError(grpc.status.FAILED_PRECONDITION, `Event stream '${name}' is deleted.`, { exception: 'stream-deleted', 'stream-name': name });

/** A batch's refusal: a google.rpc.Status whose details pack the message that names it. */
function batchError(code: number, type: string, details: any) {
  const status = new Status();
  const packed = new Any();
  status.setCode(code);
  status.setMessage(type);
  packed.pack(details.serializeBinary(), `event_store.client.${type}`);
  status.setDetails(packed);
  return status;
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
