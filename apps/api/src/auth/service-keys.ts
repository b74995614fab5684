import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Logger } from '@nestjs/common';
import { Action, Principal, SERVICE_SCOPES } from '@app/domain';

/**
 * Backend services' keys, kept only as SHA-256 hashes in a file with each key's scopes. A key is 32 random bytes,
 * so a fast hash is enough (a slow password hash protects guessable secrets, which these are not). The API
 * reads the file again when it changes, so a key revoked with the CLI stops working within a second.
 */
export interface ServiceKeyRecord {
  id: string;
  name: string;
  /** SHA-256 of the whole key, hex. */
  hash: string;
  scopes: Action[];
  created: string;
  revoked?: string;
}

const KEY = /^gls_([0-9a-f]{16})_[\w-]{43}$/;
const hashOf = (key: string) => createHash('sha256').update(key).digest('hex');

export class ServiceKeyError extends Error {}

const isRecord = (r: Partial<ServiceKeyRecord>): r is ServiceKeyRecord =>
  typeof r?.id === 'string' && typeof r.name === 'string' && /^[0-9a-f]{64}$/.test(String(r.hash)) && Array.isArray(r.scopes);

export class ServiceKeys {
  private records = new Map<string, ServiceKeyRecord>();
  private seen = '';
  private checkedAt = 0;

  constructor(private readonly file: string) {}

  /** The service a key belongs to, or a ServiceKeyError saying why it is refused. */
  verify(key: string): Principal {
    const id = KEY.exec(key)?.[1];
    if (id === undefined) throw new ServiceKeyError('The service key is not one this API issues (gls_…).');
    const record = this.current().get(id);
    const presented = Buffer.from(hashOf(key), 'hex');
    if (!record || !timingSafeEqual(presented, Buffer.from(record.hash, 'hex'))) throw new ServiceKeyError('The service key is not known.');
    if (record.revoked) throw new ServiceKeyError(`The service key ${id} was revoked on ${record.revoked}.`);
    return {
      kind: 'service',
      userId: `service:${record.name}`,
      role: 'service',
      organisationId: record.name,
      tokenId: id,
      scopes: record.scopes,
    };
  }

  /** The keys as the file holds them now, read again at most once a second and only when it changed. */
  private current(): Map<string, ServiceKeyRecord> {
    const now = Date.now();
    if (now - this.checkedAt < 1_000) return this.records;
    this.checkedAt = now;
    const stamp = fileStamp(this.file);
    if (stamp !== this.seen) {
      this.seen = stamp;
      try {
        this.records = new Map(readKeys(this.file).map((r) => [r.id, r]));
      } catch (error) {
        // Fail closed: a damaged file (edited by hand, say) may have lost a revocation; no key is taken until it is mended.
        new Logger('ServiceKeys').error(`${(error as Error).message}: every service key is refused until it is mended.`);
        this.records = new Map();
      }
    }
    return this.records;
  }
}

/** Makes a key for a service with the given scopes: the key is returned once, only its hash is kept. */
export function createServiceKey(file: string, name: string, scopes: string[]): { key: string; record: ServiceKeyRecord } {
  const unknown = scopes.filter((s) => !(SERVICE_SCOPES as string[]).includes(s));
  if (unknown.length) throw new Error(`${unknown.join(', ')}: not a scope a service may have; use ${SERVICE_SCOPES.join(', ')}.`);
  if (!/^[\w.-]{1,48}$/.test(name)) throw new Error('A service name is 1 to 48 letters, digits or _ . -');
  const id = randomBytes(8).toString('hex');
  const key = `gls_${id}_${randomBytes(32).toString('base64url')}`;
  const record: ServiceKeyRecord = { id, name, hash: hashOf(key), scopes: scopes as Action[], created: new Date().toISOString() };
  writeKeys(file, [...readKeys(file), record]);
  return { key, record };
}

export function revokeServiceKey(file: string, id: string): ServiceKeyRecord {
  const records = readKeys(file);
  const record = records.find((r) => r.id === id);
  if (!record) throw new Error(`There is no service key ${id} in ${file}.`);
  record.revoked ??= new Date().toISOString();
  writeKeys(file, records);
  return record;
}

export function readKeys(file: string): ServiceKeyRecord[] {
  try {
    const { keys } = JSON.parse(readFileSync(file, 'utf8')) as { keys?: unknown };
    if (!Array.isArray(keys) || !keys.every(isRecord))
      throw new Error('it is not {"keys": [...]} of keys with an id, a name, a hash and scopes');
    return keys;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`Cannot read the service keys ${file}: ${(error as Error).message}`);
  }
}

/** Written whole to a new file then renamed over the old, so a reader never sees half a file. */
function writeKeys(file: string, keys: ServiceKeyRecord[]): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ keys }, null, 2), { mode: 0o600 });
  renameSync(temporary, file);
}

function fileStamp(file: string): string {
  try {
    const s = statSync(file);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return 'absent';
  }
}
