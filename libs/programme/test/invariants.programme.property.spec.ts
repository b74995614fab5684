import { BusinessDate, Fen, LoanCommand, SYSTEM_ACTOR, loanDecider, loanStream } from '@app/domain';
import { CommandEnvelope, SqliteEventStore } from '@app/event-store';
import { programmeOn } from '../../../test/support/programme';
import { Driver, Step, histories, play } from './invariants-commands';
import { Invariants } from './invariants-checks';
import { checkHistories, expectDeepHistories, timeoutFor } from './invariants-runner';

/** Random histories through the programme's use cases over an in-memory store: the invariants hold after every action. */
const RUNS = { ci: 60, nightly: 3_000 };

function programmeDriver() {
  const store = new SqliteEventStore({ path: ':memory:' });
  const { handler, programme: p } = programmeOn(store);
  let n = 0;
  const env = (on: BusinessDate): CommandEnvelope => ({
    commandId: `c${n++}`,
    actor: { ...SYSTEM_ACTOR, userId: 'clerk', role: 'centre_clerk' },
    businessDate: on,
  });
  const driver: Driver = {
    async contribute(fundId: string, amount: Fen, on: BusinessDate) {
      await p.contribute(fundId, { source: 'county_finance', amount, reference: 'r' }, env(on));
    },
    async loan(loanId: string, c: LoanCommand, on: BusinessDate) {
      switch (c.type) {
        case 'ApplyForLoan':
          return void (await p.applyForLoan(c.data, env(on)));
        case 'GrantSecondSupport':
          return void (await p.grantSecondSupport(loanId, c.data.jobsCreated, env(on)));
        case 'IssueGuarantee':
          return void (await p.issueGuarantee(loanId, c.data, env(on)));
        case 'DisburseLoan':
          return void (await p.disburse(loanId, c.data, env(on)));
        case 'RecordRepayment':
          return void (await p.repay(loanId, c.data, env(on)));
        case 'MarkOverdue':
          return void (await p.markOverdue(loanId, { actor: SYSTEM_ACTOR, businessDate: on }));
        case 'ExtendLoan':
          return void (await p.extend(loanId, c.data, env(on)));
        case 'PayCompensation':
          return void (await p.payCompensation(loanId, env(on)));
        case 'CollectRecovery':
          return void (await p.collectRecovery(loanId, c.data, env(on)));
        case 'WriteOffLoan':
          return void (await p.writeOff(loanId, c.data, env(on)));
        case 'RejectLoanApplication':
          return void (await p.reject(loanId, c.data, env(on)));
      }
    },
    loanState: async (loanId: string) => (await handler.load(loanStream(loanId), loanDecider)).state,
  };
  return { driver, store };
}

/** Plays a history on a fresh store, checking the invariants over the events recorded after every action. */
async function run(steps: Step[], trace?: string[]): Promise<void> {
  const { driver, store } = programmeDriver();
  const invariants = new Invariants();
  let seen = 0;
  const check = async () => {
    const events = await store.readAll();
    for (const e of events.slice(seen)) invariants.see(e);
    seen = events.length;
    invariants.settle();
  };
  try {
    await play(driver, steps, check, trace);
  } finally {
    await store.close();
  }
}

describe('the programme keeps its invariants over any history of commands', () => {
  it(
    'leverage, one open loan per person, money conserved',
    async () => {
      await checkHistories({
        file: 'libs/programme/test/invariants.programme.property.spec.ts',
        runs: RUNS,
        histories: histories(5, 150),
        property: (steps) => run(steps),
        trace: async (steps) => {
          const trace: string[] = [];
          await run(steps, trace).catch((error) => trace.push(`→ ${error instanceof Error ? error.message : String(error)}`));
          return trace;
        },
      });
      expectDeepHistories(RUNS);
    },
    timeoutFor(RUNS),
  );
});
