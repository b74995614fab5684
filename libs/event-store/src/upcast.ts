import { eventContract, upcastData } from '@app/domain';
import type { RecordedEvent } from './store.port';

/**
 * An event as the current version of its type records it: what every store hands out, so consumers and
 * projections never see an older shape. Events recorded before versions existed are version 1.
 */
export function inCurrentShape(e: RecordedEvent): RecordedEvent {
  const contract = eventContract(e.type);
  if (!contract || contract.version === 1) return e;
  const metadata = e.metadata as { schemaVersion?: number } | null;
  const version = metadata?.schemaVersion ?? 1;
  if (version === contract.version) return e;
  return {
    ...e,
    data: upcastData(e.type, version, e.data),
    metadata: { ...metadata, schemaVersion: contract.version },
    asRecorded: { data: e.data, metadata: e.metadata },
  };
}
