import { NotFoundException } from '@nestjs/common';
import { RecordedEvent, positionToString } from '@app/event-store';

/** An event as the API shows it: revisions and positions as strings (they are 64-bit), times in ISO 8601. */
export function eventView(e: RecordedEvent) {
  return {
    id: e.id,
    type: e.type,
    streamName: e.streamName,
    revision: e.revision.toString(),
    position: positionToString(e.position),
    recordedAt: e.created.toISOString(),
    data: e.data,
    // Events recorded before schema versions existed are version 1.
    metadata: { schemaVersion: 1, ...(e.metadata as object) },
  };
}

export function streamView(streamName: string, events: RecordedEvent[], what: string) {
  if (events.length === 0) throw new NotFoundException({ code: 'STREAM.NOT_FOUND', message: `There is no ${what} with that id.` });
  return { streamName, revision: events[events.length - 1].revision.toString(), events: events.map(eventView) };
}

export function commandView(handled: { appended: RecordedEvent[]; duplicate: boolean; revision?: bigint }) {
  return { duplicate: handled.duplicate, revision: handled.revision?.toString(), events: handled.appended.map(eventView) };
}
