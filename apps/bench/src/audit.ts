import { copyFileSync } from 'node:fs';
import { SqliteEventStore, newSigningKey, sealMonth, verifyHistory } from '@app/event-store';

/**
 * The auditors' costs over a history (on a copy of it, since sealing records a digest): sealing a month
 * with no digest before (the Merkle tree over every event), and `audit verify`'s replay of the history
 * (every chain recomputed, the root at the digest compared). Seconds each.
 */
export async function auditCosts(history: string, copy: string): Promise<{ seal: number; verify: number; problems: number }> {
  copyFileSync(history, copy);
  const store = new SqliteEventStore({ path: copy });
  try {
    const { key } = newSigningKey();
    let t0 = performance.now();
    await sealMonth(store, key, '2011-06');
    const seal = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const report = await verifyHistory(store, { publicKey: key.publicKey });
    const verify = (performance.now() - t0) / 1000;
    return { seal, verify, problems: report.problems.length };
  } finally {
    await store.close();
  }
}
