import { ProjectedEvent, ProjectionTx, Row, TableSpec } from '../projection';

/**
 * The bulletin's rows as they stood at the end of every epoch (a run of a fixed number of the events it
 * reads), kept beside the live rows, so that "as known at a time" starts from stored rows and folds at most
 * one epoch of events. A row first changed in a new epoch is copied (copy on write): the copy becomes the
 * live row and the new epoch's version, and the object it replaces stays unchanged as the earlier version.
 */
export const BULLETIN_KNOWN = 'bulletin_known';
/** Where each epoch starts in the log, and when its first event was recorded. */
export const BULLETIN_EPOCHS = 'bulletin_epochs';
export const BULLETIN_META = 'bulletin_meta';

export type VersionKind = 'month' | 'pending' | 'horizon' | 'target' | 'loan';

export const VERSION_TABLES: TableSpec[] = [
  {
    name: BULLETIN_KNOWN,
    // Epoch before key, so that versions are inserted in order; the index for "latest by then" is made once built.
    primaryKey: ['kind', 'epoch', 'month', 'key'],
    indexes: [['kind', 'month', 'key', 'epoch']],
    appendOnly: true, // never read back by the fold: streamed out, not held
    columns: { kind: 'text', month: 'text', key: 'text', epoch: 'integer', row: 'json' },
  },
  {
    name: BULLETIN_EPOCHS,
    primaryKey: ['epoch'],
    columns: { epoch: 'integer', first_position: 'text', first_recorded_at: 'text' },
  },
  { name: BULLETIN_META, primaryKey: ['id'], columns: { id: 'text', epoch: 'integer', events: 'integer' } },
];

type Meta = Row & { id: string; epoch: number; events: number };

/** Counts an event into the current epoch, starting the next one when it is full; returns the event's epoch. */
export function epochOf(tx: ProjectionTx, e: ProjectedEvent, epochEvents: number): number {
  const meta = tx.get<Meta>(BULLETIN_META, { id: 'meta' }) ?? { id: 'meta', epoch: -1, events: Infinity };
  if (meta.events >= epochEvents) {
    meta.epoch++;
    meta.events = 0;
    tx.put(BULLETIN_EPOCHS, { epoch: meta.epoch, first_position: e.position ?? null, first_recorded_at: e.recordedAt.toISOString() });
  }
  meta.events++;
  tx.put(BULLETIN_META, meta);
  return meta.epoch;
}

/** The bulletin's read-write rows, versioned by epoch. */
export class Versioned {
  constructor(
    readonly tx: ProjectionTx,
    readonly epoch: number,
  ) {}

  /** A live row to change: a deep copy when it was last changed in an earlier epoch, whose version it stays. */
  get<T extends Row>(table: string, key: Row): T | undefined {
    const row = this.tx.get<T & { epoch?: number }>(table, key);
    if (!row || row.epoch === this.epoch) return row;
    return { ...structuredClone(row), epoch: this.epoch };
  }

  /**
   * Writes the live row and its version for this epoch: the row itself (the same object, written as it
   * stands when the batch commits), or only the part of it that changes (`version`), when the rest is fixed.
   */
  put(table: string, row: Row, kind: VersionKind, month: string, key: string, version: Row = row) {
    row.epoch = this.epoch;
    this.tx.put(table, row);
    this.tx.append(BULLETIN_KNOWN, { kind, month, key, epoch: this.epoch, row: version });
  }
}
