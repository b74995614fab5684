import { existsSync, mkdtempSync, readdirSync, renameSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTs } from './spawn';

/** What test/support/child.ts does: the commands, and where it waits for the others. */
export interface Job {
  path: string;
  action: 'apply' | 'guarantee' | 'payOff';
  loanIds: string[];
  borrowerId?: string;
  /** Kill this process (SIGKILL) right after an append whose first event has this type. */
  dieAfter?: string;
  /** Warm up, say so with `<dir>/<name>.ready`, then wait for `<dir>/go` before the first command. */
  barrier?: { dir: string; name: string };
}

/** What a child that waited at the barrier reports. */
export interface Raced {
  outcomes: string[];
  /** The revision of each stream it folded while warming up (`none`: the stream did not exist yet). */
  folded: Record<string, string>;
  /** Appends the store refused because another process had moved the stream on, by stream. */
  conflicts: Record<string, number>;
  /** When it passed the barrier and when it finished its last command (ms since the epoch). */
  wentAt: number;
  doneAt: number;
}

const GO = 'go';

/**
 * Runs one child process per job and lets them go at once: each starts (from the built JavaScript, or
 * through ts-node), opens the store and folds the streams its commands need, then waits at a barrier;
 * when every child is waiting, one file releases them all. So they decide on the same state and append
 * at the same time, instead of one after another as they happen to finish starting.
 */
export async function race(scratchDir: string, jobs: Omit<Job, 'barrier'>[], timeoutMs = 60_000): Promise<Raced[]> {
  const dir = mkdtempSync(join(scratchDir, 'barrier-'));
  const ended: boolean[] = jobs.map(() => false);
  const running = jobs.map((job, i) =>
    runTs('test/support/child.ts', [JSON.stringify({ ...job, barrier: { dir, name: `racer-${i}` } } satisfies Job)]).then((r) => {
      ended[i] = true;
      return r;
    }),
  );
  const go = () => {
    writeFileSync(join(dir, `${GO}.tmp`), '');
    renameSync(join(dir, `${GO}.tmp`), join(dir, GO)); // appears at once, complete
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = readdirSync(dir).filter((f) => f.endsWith('.ready')).length;
    if (ready === jobs.length) break;
    if (ended.some((e, i) => e && !existsSync(join(dir, `racer-${i}.ready`))) || Date.now() > deadline) {
      go(); // let the others finish rather than wait for ever
      const results = await Promise.all(running);
      const failed = results.find((r, i) => ended[i] && r.code !== 0) ?? results[0];
      throw new Error(`Not every racer reached the barrier (${ready} of ${jobs.length}): ${failed.stderr}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  go();
  const results = await Promise.all(running);
  return results.map((r, i) => {
    if (r.code !== 0) throw new Error(`racer ${i} ended with ${r.code ?? r.signal}: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as Raced;
  });
}

/** In the child: announces it is ready, then resolves when the go file appears. */
export function waitAtBarrier(barrier: NonNullable<Job['barrier']>): Promise<number> {
  const goFile = join(barrier.dir, GO);
  return new Promise((resolve) => {
    let done = false;
    const check = () => {
      if (done || !existsSync(goFile)) return;
      done = true;
      watcher.close();
      clearInterval(poll);
      resolve(performance.timeOrigin + performance.now());
    };
    const watcher = watch(barrier.dir, check);
    const poll = setInterval(check, 25); // in case a change notification is missed
    writeFileSync(join(barrier.dir, `${barrier.name}.ready`), String(process.pid));
    check();
  });
}
