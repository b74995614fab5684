import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';

/**
 * Personal data in events is sealed text: AES-256-GCM under a key of its own borrower, written as
 * `pii1.<borrowerId>.<generation>.<base64url of iv ‖ ciphertext ‖ tag>`. The token names its key, so any
 * output can open it without knowing where it came from, and destroying the key leaves it unreadable.
 *
 * Sealing is deterministic: the IV is an HMAC of the text under the key's second half (the synthetic-IV
 * construction of RFC 5297, on GCM because Node has no GCM-SIV). The same text of the same borrower always
 * seals to the same token, so a retried command is the same command, and the rule that second support is for
 * the same project compares tokens. It reveals only that two of one borrower's values are equal.
 */
export const SEALED = /pii1\.([\w-]+)\.(\d+)\.([\w-]+)/g;
const PREFIX = 'pii1.';
/** A borrower's key: 32 bytes for AES-256-GCM, then 32 for the synthetic IV. */
export const KEY_BYTES = 64;

export interface SealedParts {
  borrowerId: string;
  generation: number;
}

export function seal(key: Buffer, borrowerId: string, generation: number, text: string): string {
  const iv = createHmac('sha256', key.subarray(32)).update(text).digest().subarray(0, 12);
  const cipher = createCipheriv('aes-256-gcm', key.subarray(0, 32), iv);
  cipher.setAAD(Buffer.from(`${borrowerId}.${generation}`));
  const sealed = Buffer.concat([iv, cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${borrowerId}.${generation}.${sealed.toString('base64url')}`;
}

/** The text, or undefined when the key is not the token's or the token was altered. */
export function open(key: Buffer, borrowerId: string, generation: number, body: string): string | undefined {
  const sealed = Buffer.from(body, 'base64url');
  if (sealed.length < 28) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.subarray(0, 32), sealed.subarray(0, 12));
    decipher.setAAD(Buffer.from(`${borrowerId}.${generation}`));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

export const isSealed = (value: unknown): boolean => typeof value === 'string' && value.startsWith(PREFIX);
