import { createHash } from 'node:crypto';
import { Actor, BulletinPublished, ReferenceData, SYSTEM_ACTOR, bulletinPublicationStream } from '@app/domain';
import { EventStore, canonicalJson, checkedVersions, nameBasedUuid } from '@app/event-store';
import { ReadStore } from '../read-store';
import { BulletinRow, buildBulletin } from './build-bulletin';
import { bulletinFactsKnownAt } from './known-at';

export type Publication = BulletinPublished['data'];

/** A bulletin's content as published: the canonical JSON (RFC 8785) of its rows, every region; its hash is taken over these bytes. */
export const bulletinContent = (rows: BulletinRow[]) => canonicalJson(rows);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The bulletin of a month, every region, as the system knew it at an instant. */
export async function bulletinKnownAt(store: EventStore, readStore: ReadStore, reference: ReferenceData, month: string, knownAt: Date) {
  return buildBulletin(await bulletinFactsKnownAt(store, readStore, month, knownAt), reference, month);
}

/**
 * Publishes a month's bulletin: records the moment whose knowledge it shows and the hash of its content.
 * Each publication of a month is kept (a month republished after corrections has several).
 */
export async function publishBulletin(
  store: EventStore,
  readStore: ReadStore,
  reference: ReferenceData,
  month: string,
  options: { actor?: Actor; now?: Date } = {},
): Promise<{ publication: Publication; rows: BulletinRow[] }> {
  const knownAt = options.now ?? new Date();
  const rows = await bulletinKnownAt(store, readStore, reference, month, knownAt);
  const publication: Publication = { month, knownAt: knownAt.toISOString(), contentHash: sha256(bulletinContent(rows)), rows: rows.length };
  checkedVersions([{ type: 'BulletinPublished', data: publication }]);
  const stream = bulletinPublicationStream(month);
  const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
  const commandId = nameBasedUuid(`bulletin-publication:${month}:${publication.knownAt}`);
  const metadata = { commandId, actor: options.actor ?? SYSTEM_ACTOR, businessDate: publication.knownAt.slice(0, 10), schemaVersion: 1 };
  await store.appendToStream(stream, [{ id: commandId, type: 'BulletinPublished', data: publication, metadata }], {
    expectedRevision: last ? last.revision : 'no_stream',
  });
  return { publication, rows };
}

/** Every publication of a month, oldest first. */
export async function publications(store: EventStore, month: string): Promise<Publication[]> {
  return (await store.readStream(bulletinPublicationStream(month))).map((e) => e.data as Publication);
}

/**
 * Rebuilds each published bulletin of a month from the history as it was known at its publication and
 * compares the hash of the content with the one recorded: what was published is what the history gave then.
 */
export async function replayPublications(store: EventStore, readStore: ReadStore, reference: ReferenceData, month: string) {
  return Promise.all(
    (await publications(store, month)).map(async (publication) => {
      const rows = await bulletinKnownAt(store, readStore, reference, month, new Date(publication.knownAt));
      const reproducedHash = sha256(bulletinContent(rows));
      return { publication, reproducedHash, same: reproducedHash === publication.contentHash, rows };
    }),
  );
}
