import fc from 'fast-check';
import { refusalsSeen } from './invariants-commands';
import { observed } from './invariants-checks';

/** The seed CI runs with, unless FC_SEED says otherwise: the same histories on every run. */
const CI_SEED = 20110630;

/**
 * How many histories, from which seed. In CI: a fixed seed and a modest number of runs. With FC_NIGHTLY=1:
 * a random seed and many more runs. FC_SEED, FC_RUNS and FC_PATH override; FC_SEED with FC_PATH replays
 * exactly the shrunk history a failure printed.
 */
export function settings(runs: { ci: number; nightly: number }) {
  const env = process.env;
  const nightly = env.FC_NIGHTLY === '1';
  const seed = env.FC_SEED ? Number(env.FC_SEED) : nightly ? (Date.now() ^ Math.floor(Math.random() * 0x1_0000_0000)) | 0 : CI_SEED;
  const numRuns = env.FC_RUNS ? Number(env.FC_RUNS) : nightly ? runs.nightly : runs.ci;
  return { seed, numRuns, path: env.FC_PATH || undefined, nightly, replaying: !!env.FC_PATH };
}

/** A nightly run may take a while; a CI run keeps to Jest's usual minute. */
export const timeoutFor = (runs: { ci: number; nightly: number }) => (settings(runs).nightly ? 3 * 60 * 60_000 : 120_000);

/**
 * Checks a property of histories. On failure it throws (and prints) the seed and path that replay it, the
 * shrunk history as a trace of what each action did, and the error.
 */
export async function checkHistories<T>(options: {
  file: string;
  runs: { ci: number; nightly: number };
  histories: fc.Arbitrary<T>;
  property: (history: T) => Promise<void>;
  trace: (history: T) => Promise<string[]>;
}): Promise<void> {
  const s = settings(options.runs);
  const started = Date.now();
  const details = await fc.check(fc.asyncProperty(options.histories, options.property), {
    seed: s.seed,
    numRuns: s.numRuns,
    path: s.path,
  });
  const summary = `${options.file}: ${details.numRuns} histories from seed ${details.seed} in ${Date.now() - started} ms`;
  if (s.nightly) console.log(summary);
  if (!details.failed) return;
  const trace = details.counterexample ? await options.trace(details.counterexample[0]) : ['(no counterexample: the run was interrupted)'];
  const message = [
    `Property failed: ${summary}; the history below was shrunk ${details.numShrinks} times.`,
    `Replay it: FC_SEED=${details.seed} FC_PATH=${details.counterexamplePath} npx jest ${options.file}`,
    '',
    ...trace,
    '',
    String(details.errorInstance instanceof Error ? details.errorInstance.message : details.errorInstance),
  ].join('\n');
  console.error(message);
  throw new Error(message);
}

/**
 * The histories must meet the rules the invariants guard, and go far into the lifecycle, for a pass to
 * mean something. Skipped when replaying one history.
 */
export function expectDeepHistories(runs: { ci: number; nightly: number }): void {
  const s = settings(runs);
  if (s.nightly)
    console.log(
      `refusals: ${JSON.stringify(Object.fromEntries(refusalsSeen))}\nevents: ${JSON.stringify(Object.fromEntries(observed.types))}\n` +
        `compensation left a fund above 5 × its balance ${observed.overCapAfterCompensation} times`,
    );
  if (s.replaying) return;
  for (const code of ['FUND.LEVERAGE_EXCEEDED', 'BORROWER.HAS_OPEN_LOAN', 'BORROWER.DEFAULTED', 'LOAN.REPAYMENT_EXCEEDS_OUTSTANDING'])
    expect([...refusalsSeen.keys()]).toContain(code);
  for (const type of [
    'LoanApplicationRejected',
    'SecondSupportGranted',
    'Repaid',
    'LoanSettled',
    'LoanExtended',
    'Overdue',
    'CompensationPaid',
    'RecoveryCollected',
    'LoanWrittenOff',
    'FundExposureReleased',
    'FundRecoveryCredited',
  ])
    expect([...observed.types.keys()]).toContain(type);
}
