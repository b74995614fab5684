import type { DomainEvent } from '@app/domain';
import type { NewEvent } from '../store.port';
import type { CommandEnvelope, EventMetadata } from './command-handler';
import { eventIdFor } from './derived-id';
import { checkedVersions } from './event-contract';

/** What every event of a command records beside its data: who, when in business terms, under which policy, and why. */
export function eventMetadata(env: CommandEnvelope, fingerprint: string, policyVersion: string): Omit<EventMetadata, 'schemaVersion'> {
  return {
    commandId: env.commandId,
    commandFingerprint: fingerprint,
    actor: env.actor,
    businessDate: env.businessDate,
    policyVersion,
    correlationId: env.correlationId ?? env.commandId,
    causationId: env.causationId ?? env.commandId,
    ...env.extra,
  };
}

/**
 * A command's decided events as they are appended: each checked against its published schema (a mismatch
 * records nothing), with an id derived from the command and its schema version in its metadata.
 */
export function toNewEvents(
  events: readonly DomainEvent[],
  streamName: string,
  env: CommandEnvelope,
  metadata: Omit<EventMetadata, 'schemaVersion'>,
): NewEvent[] {
  const versions = checkedVersions(events);
  return events.map((e, i) => ({
    id: eventIdFor(env.commandId, streamName, i),
    type: e.type,
    data: e.data,
    metadata: { ...metadata, schemaVersion: versions[i] },
  }));
}
