/**
 * A separate process writing to the same SQLite file as the test: for races between real parallel
 * writers, and for being killed between the two writes of a cross-stream rule.
 * Usage: child.ts '<json job>' (see Job in ./race). Without a barrier it prints one JSON line, its outcomes;
 * with one (test/support/race.ts) it first folds every stream its commands touch, waits for the others,
 * and prints what it saw (Raced).
 */
import { DomainError, Fen, borrowerDecider, borrowerStream, fundDecider, fundStream, loanDecider, loanStream } from '@app/domain';
import { CommandHandler, EventStore } from '@app/event-store';
import { GatedStore } from './gated-store';
import { applicationData, envelope, guaranteeData, openFile, programmeOn } from './programme';
import { Job, Raced, waitAtBarrier } from './race';

/** Pays off 50,000 yuan disbursed at 6 % on 2011-01-10, on 2011-02-01: 22 days of interest. */
const payOff = { principal: 5_000_000 as Fen, interest: 18_333 as Fen, borrowerFees: 0 as Fen };

async function main() {
  const job: Job = JSON.parse(process.argv[2]);
  const opened = openFile(job.path);
  // One transaction per command, as the API runs on this store, unless the job is to die between the steps of one.
  const store = new GatedStore(job.dieAfter ? dyingAfter(opened, job.dieAfter) : opened, { transactions: !job.dieAfter });
  const { programme, handler } = programmeOn(store);
  let folded: Record<string, string> = {};
  let wentAt = 0;
  if (job.barrier) {
    folded = await warmUp(handler, job);
    wentAt = await waitAtBarrier(job.barrier);
  }
  const outcomes: string[] = [];
  for (const loanId of job.loanIds) {
    try {
      if (job.action === 'apply')
        await programme.applyForLoan(applicationData(loanId, borrowerOf(job, loanId)), envelope(`apply-${loanId}`, '2011-01-05'));
      else if (job.action === 'guarantee')
        await programme.issueGuarantee(loanId, guaranteeData(), envelope(`guarantee-${loanId}`, '2011-01-08'));
      else await programme.repay(loanId, payOff, envelope(`pay-off-${loanId}`, '2011-02-01'));
      outcomes.push('ok');
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      outcomes.push(error.code);
    }
  }
  const doneAt = performance.timeOrigin + performance.now();
  if (job.barrier) {
    const conflicts: Record<string, number> = {};
    for (const a of store.appends) if (a.outcome === 'wrong_expected_version') conflicts[a.streamName] = (conflicts[a.streamName] ?? 0) + 1;
    const raced: Raced = { outcomes, folded, conflicts, wentAt, doneAt };
    process.stdout.write(JSON.stringify(raced) + '\n');
  } else process.stdout.write(JSON.stringify(outcomes) + '\n');
  await store.close();
}

const borrowerOf = (job: Job, loanId: string) => job.borrowerId ?? `B-${loanId}`;

/**
 * Folds every stream the job's commands will touch, as a process that has been running a while has them
 * in its cache: from here on it decides without reading, and only the expected revision of its appends
 * tells it that another process moved a stream on.
 */
async function warmUp(handler: CommandHandler, job: Job): Promise<Record<string, string>> {
  const folded: Record<string, string> = {};
  const remember = (stream: string, revision?: bigint) => (folded[stream] = revision === undefined ? 'none' : String(revision));
  for (const loanId of job.loanIds) {
    const loan = await handler.load(loanStream(loanId), loanDecider);
    remember(loanStream(loanId), loan.revision);
    const borrower = borrowerStream(loan.state.application?.borrowerId ?? borrowerOf(job, loanId));
    remember(borrower, (await handler.load(borrower, borrowerDecider)).revision);
  }
  const fund = fundStream('GC-360721'); // every loan of test/support/programme.ts is at this centre
  remember(fund, (await handler.load(fund, fundDecider)).revision);
  return folded;
}

function dyingAfter(store: EventStore, type: string): EventStore {
  const append = store.appendToStream.bind(store);
  store.appendToStream = async (name, events, options) => {
    const result = await append(name, events, options);
    if (events[0]?.type === type) process.kill(process.pid, 'SIGKILL');
    return result;
  };
  return store;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
