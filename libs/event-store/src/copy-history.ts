import { EventStore, NewEvent, Position, RecordedEvent, positionFromString, positionToString } from './store.port';

export interface CopyProgress {
  copied: number;
  lastPosition?: string;
}

/**
 * Copies the whole history from one store to another — the embedded file to EventStoreDB — stream by
 * stream in global order, keeping event ids, types, data, metadata and revisions. Each run resumes
 * after the last event the target already has (its metadata says where it came from), and every
 * append carries the exact expected revision with the same ids, so a repeated batch is a no-op.
 * The target records its own time; the original recorded time travels in metadata `recordedAt`.
 */
export async function copyHistory(
  source: EventStore,
  target: EventStore,
  options: { pageSize?: number; stopAfter?: number; onProgress?: (p: CopyProgress) => void } = {},
): Promise<CopyProgress> {
  const pageSize = options.pageSize ?? 1000;
  let from: Position | undefined = await resumePoint(target);
  const progress: CopyProgress = { copied: 0, lastPosition: from && positionToString(from) };
  for (;;) {
    const page = (await source.readAll({ fromPosition: from ?? 'start', maxCount: pageSize + 1 })).filter(
      (e) => !from || positionToString(e.position) !== positionToString(from),
    );
    if (page.length === 0) return progress;
    for (const group of sameCommitGroups(page)) {
      if (options.stopAfter !== undefined && progress.copied >= options.stopAfter) return progress;
      const first = group[0];
      const events: NewEvent[] = group.map((e) => ({
        id: e.id,
        type: e.type,
        data: e.data,
        metadata: {
          ...(e.metadata as object),
          recordedAt: (e.metadata as { recordedAt?: string }).recordedAt ?? e.created.toISOString(),
          copiedFrom: positionToString(e.position),
        },
      }));
      await target.appendToStream(first.streamName, events, {
        expectedRevision: first.revision === 0n ? 'no_stream' : first.revision - 1n,
      });
      progress.copied += group.length;
      progress.lastPosition = positionToString(group[group.length - 1].position);
      from = group[group.length - 1].position;
      options.onProgress?.(progress);
    }
  }
}

/** The source position of the last event the target has, if it was copied. */
async function resumePoint(target: EventStore): Promise<Position | undefined> {
  const [last] = await target.readAll({ direction: 'backwards', maxCount: 1 });
  const copiedFrom = (last?.metadata as { copiedFrom?: string } | undefined)?.copiedFrom;
  return copiedFrom ? positionFromString(copiedFrom) : undefined;
}

/**
 * Consecutive events of one stream with consecutive revisions and the same command: what one append wrote.
 * Two commands in a row on one stream were two appends, and may not fit in one (the parts of a subsidy claim).
 */
function sameCommitGroups(events: RecordedEvent[]): RecordedEvent[][] {
  const groups: RecordedEvent[][] = [];
  const commandOf = (e: RecordedEvent) => (e.metadata as { commandId?: unknown } | undefined)?.commandId;
  for (const e of events) {
    const last = groups.at(-1)?.at(-1);
    if (last && last.streamName === e.streamName && last.revision + 1n === e.revision && commandOf(last) === commandOf(e))
      groups.at(-1)!.push(e);
    else groups.push([e]);
  }
  return groups;
}
