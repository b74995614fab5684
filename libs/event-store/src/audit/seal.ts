import { HistoryDigestSigned, SYSTEM_ACTOR, Actor, digestStream } from '@app/domain';
import { nameBasedUuid } from '../command/derived-id';
import { nextTurn } from '../next-turn';
import { checkedVersions } from '../command/event-contract';
import {
  ChainLink,
  EventStore,
  Position,
  RecordedEvent,
  WrongExpectedVersionError,
  positionFromString,
  positionToString,
} from '../store.port';
import { HistoryDigest, SigningKey, signDigest } from './digest';
import { MerkleFrontier, leafHash } from './merkle';

/** Events read per page when a digest or a proof goes through the history. */
export const HISTORY_PAGE = 5_000;

/** The digests recorded so far, oldest month first. */
export async function recordedDigests(store: EventStore): Promise<HistoryDigest[]> {
  const events = await store.readAll({ filter: { streamNamePrefixes: [digestStream('')] } });
  return events
    .filter((e) => e.type === 'HistoryDigestSigned')
    .map((e) => e.data as HistoryDigest)
    .sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
}

/** A month's digest, read from its own stream; undefined before the month is sealed. */
export async function recordedDigest(store: EventStore, month: string): Promise<HistoryDigest | undefined> {
  const [sealed] = await store.readStream(digestStream(month));
  return sealed?.data as HistoryDigest | undefined;
}

/**
 * Goes through the history in global order after a position (exclusive), a page at a time, and hands
 * each event to `visit` until it answers false; returns the position of the last event visited.
 */
export async function eachEventAfter(
  store: EventStore,
  after: Position | null,
  visit: (e: RecordedEvent) => boolean | void,
): Promise<Position | null> {
  let last = after;
  for (;;) {
    const page = await store.readAll({ fromPosition: last ?? 'start', maxCount: HISTORY_PAGE + 1 });
    // The read includes its starting position: that event was visited already.
    const fresh = last && page.length && positionToString(page[0].position) === positionToString(last) ? page.slice(1) : page;
    for (const e of fresh) {
      last = e.position;
      if (visit(e) === false) return last;
    }
    if (page.length < HISTORY_PAGE + 1) return last;
    await nextTurn();
  }
}

/**
 * Goes through the history's chain links in global order after a position (exclusive) until `visit`
 * answers false: read without decoding events where the store can, else from the events.
 */
export async function eachLinkAfter(
  store: EventStore,
  after: Position | null,
  visit: (link: ChainLink) => boolean | void,
): Promise<Position | null> {
  if (!store.readHashes) return eachEventAfter(store, after, (e) => visit({ position: e.position, id: e.id, hash: e.hash ?? null }));
  let last = after;
  for (;;) {
    const page = await store.readHashes(last, HISTORY_PAGE);
    for (const link of page) {
      last = link.position;
      if (visit(link) === false) return last;
    }
    if (page.length < HISTORY_PAGE) return last;
    await nextTurn();
  }
}

/**
 * Seals a month: signs the root of the Merkle tree over the whole history as it stands now and records it
 * as the month's digest. It goes on from the latest digest's right edge, so it reads only what came after.
 * Sealing a month again answers the digest recorded the first time.
 */
export async function sealMonth(
  store: EventStore,
  key: SigningKey,
  month: string,
  options: { actor?: Actor; now?: Date } = {},
): Promise<{ digest: HistoryDigest; recorded: boolean }> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new RangeError(`${month} is not a month (such as 2011-06)`);
  const stream = digestStream(month);
  const sealed = await recordedDigest(store, month);
  if (sealed) return { digest: sealed, recorded: false };
  // Months are sealed in order, so the latest digest recorded is the one to go on from: found from the end.
  const [latest] = await store.readAll({ direction: 'backwards', maxCount: 1, filter: { streamNamePrefixes: [digestStream('')] } });
  const previous = latest?.data as HistoryDigest | undefined;
  if (previous && previous.month > month)
    throw new RangeError(`${month} cannot be sealed: ${previous.month} is sealed already, and months are sealed in order`);
  const frontier = previous ? MerkleFrontier.load(previous.frontier) : new MerkleFrontier();
  const from = previous?.lastPosition ? positionFromString(previous.lastPosition) : null;
  const last = await eachLinkAfter(store, from, (e) => {
    if (!e.hash) throw new Error(`The event ${e.id} at position ${positionToString(e.position)} has no chain hash`);
    frontier.push(leafHash(e.hash));
  });
  const body = {
    month,
    treeSize: frontier.size,
    rootHash: frontier.root().toString('hex'),
    keyId: key.keyId,
    signedAt: (options.now ?? new Date()).toISOString(),
  };
  const digest: HistoryDigest = {
    ...body,
    signature: signDigest(key, body),
    frontier: frontier.save(),
    lastPosition: last && positionToString(last),
  };
  const event: HistoryDigestSigned = { type: 'HistoryDigestSigned', data: digest };
  checkedVersions([event]);
  const commandId = nameBasedUuid(`history-digest:${month}`);
  const metadata = {
    commandId,
    actor: options.actor ?? SYSTEM_ACTOR,
    businessDate: monthEnd(month),
    correlationId: commandId,
    causationId: commandId,
    schemaVersion: 1,
  };
  try {
    await store.appendToStream(stream, [{ id: nameBasedUuid(`${stream}:0`), ...event, metadata }], { expectedRevision: 'no_stream' });
  } catch (error) {
    // Another process sealed the month meanwhile: its digest is the month's.
    if (!(error instanceof WrongExpectedVersionError)) throw error;
    return { digest: (await recordedDigest(store, month))!, recorded: false };
  }
  return { digest, recorded: true };
}

function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}
