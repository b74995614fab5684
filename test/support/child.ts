/**
 * A separate process writing to the same SQLite file as the test: for races between real parallel
 * writers, and for being killed between the two writes of a cross-stream rule.
 * Usage: child.ts '<json job>'; prints one JSON line of outcomes.
 */
import { DomainError, Fen } from '@app/domain';
import { EventStore } from '@app/event-store';
import { applicationData, envelope, guaranteeData, openFile, programmeOn } from './programme';

interface Job {
  path: string;
  action: 'apply' | 'guarantee' | 'payOff';
  loanIds: string[];
  borrowerId?: string;
  /** Kill this process (SIGKILL) right after an append whose first event has this type. */
  dieAfter?: string;
}

/** Pays off 50,000 yuan disbursed at 6 % on 2011-01-10, on 2011-02-01: 22 days of interest. */
const payOff = { principal: 5_000_000 as Fen, interest: 18_333 as Fen, borrowerFees: 0 as Fen };

async function main() {
  const job: Job = JSON.parse(process.argv[2]);
  const store = job.dieAfter ? dyingAfter(openFile(job.path), job.dieAfter) : openFile(job.path);
  const { programme } = programmeOn(store);
  const outcomes: string[] = [];
  for (const loanId of job.loanIds) {
    try {
      if (job.action === 'apply')
        await programme.applyForLoan(applicationData(loanId, job.borrowerId ?? `B-${loanId}`), envelope(`apply-${loanId}`, '2011-01-05'));
      else if (job.action === 'guarantee')
        await programme.issueGuarantee(loanId, guaranteeData(), envelope(`guarantee-${loanId}`, '2011-01-08'));
      else await programme.repay(loanId, payOff, envelope(`pay-off-${loanId}`, '2011-02-01'));
      outcomes.push('ok');
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      outcomes.push(error.code);
    }
  }
  process.stdout.write(JSON.stringify(outcomes) + '\n');
  await store.close();
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
