import type { CommandEnvelope, EventMetadata } from './command-handler';

/** What every event of a command records beside its data: who, when in business terms, under which policy, and why. */
export function eventMetadata(env: CommandEnvelope, fingerprint: string, policyVersion: string): EventMetadata {
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
