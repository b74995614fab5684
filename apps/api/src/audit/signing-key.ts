import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SigningKey, newSigningKey, signingKeyFromPem } from '@app/event-store';

/**
 * The programme's digest signing key from its file. Outside production (`create`), a missing file is made
 * with a new key, readable by its owner only, as the embedded setup's local issuer makes its key.
 */
export function loadSigningKey(file: string | undefined, create: boolean): SigningKey | undefined {
  if (!file) return undefined;
  if (existsSync(file)) return signingKeyFromPem(readFileSync(file, 'utf8'));
  if (!create) throw new Error(`The audit signing key file ${file} does not exist`);
  const { key, pem } = newSigningKey();
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process (the CLI beside the API) made it first: theirs is the key.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return signingKeyFromPem(readFileSync(file, 'utf8'));
  }
  return key;
}
