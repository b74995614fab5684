import type { RecordedEvent } from '../store.port';
import type { EventMetadata } from './command-handler';

/** A command a stream records: its fingerprint, and the revisions of its first and last event there. */
export interface CommandSeen {
  fingerprint: string;
  from: bigint;
  to: bigint;
}

/** Notes the commands events record and where, so that a command sent again is answered from its own events without a scan. */
export function noteCommands(commands: Map<string, CommandSeen>, events: readonly RecordedEvent[]) {
  for (const e of events) {
    const m = e.metadata as Partial<EventMetadata>;
    if (!m.commandId) continue;
    const seen = commands.get(m.commandId);
    if (seen) seen.to = e.revision;
    else commands.set(m.commandId, { fingerprint: m.commandFingerprint ?? '', from: e.revision, to: e.revision });
  }
}
