import Database from 'better-sqlite3';
import { request } from 'node:http';
import { percentile } from './stats';
import { application, runLoad, startApi } from './load';

const AUDITOR = { user: 'bench-auditor', role: 'auditor', org: 'AUDIT' };
const CLERK = { user: 'bench-clerk', role: 'centre_clerk', org: 'GC-360721' };

/**
 * Follows the SSE feed after a position; `onEvent` gets each event's data (JSON text) as it arrives. Resolves when
 * the stream ends (with `live=false`, once caught up).
 */
function follow(url: string, headers: Record<string, string>, onEvent: (data: string) => void) {
  let cancel = () => undefined as void;
  const ended = new Promise<void>((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`the feed answered ${res.statusCode}`));
      res.setEncoding('utf8');
      let rest = '';
      res.on('data', (chunk: string) => {
        const messages = (rest + chunk).split('\n\n');
        rest = messages.pop()!;
        for (const m of messages) {
          const at = m.indexOf('\ndata: ');
          if (at >= 0) onEvent(m.slice(at + 7));
        }
      });
      res.on('end', resolve).on('close', resolve);
    });
    req.on('error', reject).end();
    cancel = () => req.destroy();
  });
  return { ended, cancel };
}

/** The position `back` events before the end of the history, as the feed names positions. */
function positionBack(path: string, back: number): string {
  const db = new Database(path, { readonly: true });
  const { p } = db.prepare('SELECT max(position) - ? AS p FROM events').get(back) as { p: number };
  db.close();
  return `${p}/${p}`;
}

/**
 * The feed over HTTP from an API in its own process (projections off), on a fresh file filled with `events` events
 * (loan applications over HTTP, two events each): all of them to one consumer, and the last tenth to each of 100
 * at once (events/s delivered in all); then, with one consumer following live, `samples` applications sent one at a
 * time, each timed from its request to its LoanApplied event's arrival.
 */
export async function feedThroughput(path: string, events: number, samples: number) {
  const api = await startApi(path);
  try {
    const clerk = await api.signIn(CLERK);
    const filled = await runLoad(api.base, Math.ceil(events / 2), 32, application, clerk);
    if (Object.keys(filled.failures).length) throw new Error(`filling the log failed: ${JSON.stringify(filled.failures)}`);
    const auditor = await api.signIn(AUDITOR);
    const timed = async (consumers: number, back: number) => {
      const url = `${api.base}/feed?live=false&after=${positionBack(path, back)}`;
      let delivered = 0;
      const started = process.hrtime.bigint();
      await Promise.all(Array.from({ length: consumers }, () => follow(url, auditor, () => delivered++).ended));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (delivered !== consumers * back) throw new Error(`the feed delivered ${delivered} events, not ${consumers * back}`);
      return delivered / seconds;
    };
    const one = await timed(1, events);
    const hundred = await timed(100, Math.floor(events / 10));

    const waiting = new Map<string, (at: bigint) => void>();
    const live = follow(`${api.base}/feed?types=LoanApplied&after=${positionBack(path, 0)}`, auditor, (data) => {
      const loanId = /"loanId":"([^"]+)"/.exec(data)?.[1];
      if (loanId) waiting.get(loanId)?.(process.hrtime.bigint());
    });
    const delays: number[] = [];
    for (let n = 0; n < samples; n++) {
      const body = application(5_000_000 + n);
      const loanId = `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;
      const arrived = new Promise<bigint>((resolve) => waiting.set(loanId, resolve));
      const sent = process.hrtime.bigint();
      const res = await fetch(`${api.base}/loans`, {
        method: 'POST',
        headers: { ...clerk, 'content-type': 'application/json' },
        body: JSON.stringify({ ...(body.body as object), loanId }),
      });
      // A simulated borrower may hold the same ID number: that sample is left out.
      if (res.status === 409) continue;
      if (res.status !== 201) throw new Error(`an application answered ${res.status}: ${await res.text()}`);
      delays.push(Number((await arrived) - sent) / 1e6);
    }
    live.cancel();
    return { one, hundred, delay: { p50: percentile(delays, 50), p99: percentile(delays, 99) } };
  } finally {
    await api.stop();
  }
}
