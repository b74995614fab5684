import { createHash } from 'node:crypto';

/** Name-based UUID (version 5, RFC 9562): the same name always gives the same id. */
const NAMESPACE = Buffer.from('6f1c2d4e8a9b4c3d9e0f1a2b3c4d5e6f', 'hex');

export function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Event ids follow from the command id, so a retried command appends nothing twice. */
export const eventIdFor = (commandId: string, streamName: string, index: number) => nameBasedUuid(`${commandId}|${streamName}|${index}`);

export const fingerprint = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 22);

/**
 * What identifies a request for idempotency: the command without what the use case read to decide it (a
 * top-level property named `…Facts`, such as risk control's `riskFacts`). A retry may meet other facts and is
 * still the same request; a command without such facts prints as it always did.
 */
export const commandFingerprint = (command: unknown) =>
  fingerprint(
    command && typeof command === 'object' && !Array.isArray(command)
      ? Object.fromEntries(Object.entries(command).filter(([key]) => !key.endsWith('Facts')))
      : command,
  );
