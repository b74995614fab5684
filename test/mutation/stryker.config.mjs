/**
 * Mutation testing (docs/mutation.md), in parts that `npm run mutation` runs one after the other
 * (test/mutation/run.mjs); MUTATION_PART names the part this run is. Each part mutates some files and runs
 * the unit specs that guard them, so that a mutant meets the specs written for its code and not every spec
 * that happens to pass through it (the projection specs build their histories through the command handler
 * and the deciders); per-test coverage narrows that further to the tests that reach the mutant.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export const PARTS = {
  // The rules, pinned by the deciders' given/when/then specs and the domain's own specs.
  domain: {
    mutate: [
      'libs/domain/src/**/*.ts',
      '!libs/domain/src/**/index.ts',
      // Types only: nothing to mutate.
      '!libs/domain/src/events.ts',
      '!libs/domain/src/loan/loan.commands.ts',
      '!libs/domain/src/shared/decider.ts',
    ],
    specs: ['**/libs/domain/test/**/*.spec.ts'],
    tsconfig: 'test/mutation/tsconfig.domain.json',
  },
  // Deciding over a store: read, fold, decide, append with the revision folded, retry.
  'command-handler': {
    mutate: ['libs/event-store/src/command/command-handler.ts'],
    specs: ['**/libs/event-store/**/*.spec.ts', '**/libs/programme/test/**/*.spec.ts'],
    tsconfig: 'test/mutation/tsconfig.json',
  },
  // Following the store into the read store: batches, checkpoints, rebuilds, status.
  runner: {
    mutate: ['libs/projections/src/runner.ts'],
    specs: ['**/libs/projections/test/**/*.spec.ts'],
    tsconfig: 'test/mutation/tsconfig.json',
  },
};
const name = process.env.MUTATION_PART ?? 'domain';
const part = PARTS[name];
if (!part) throw new Error(`MUTATION_PART must be one of ${Object.keys(PARTS).join(', ')}, not ${name}`);

export default {
  mutate: part.mutate,
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'test/mutation/jest.config.js',
    config: { testMatch: part.specs },
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  // A mutant run only while a module loads (the Jiangxi policy and reference tables, top-level constants)
  // would need every spec run for it, over a thousand times: ignored, and listed as such in the report.
  ignoreStatic: true,
  // Mutants that do not compile are told apart by tsc, over the mutated library (and what it imports) only.
  checkers: ['typescript'],
  tsconfigFile: part.tsconfig,
  plugins: ['@stryker-mutator/jest-runner', '@stryker-mutator/typescript-checker', './test/mutation/ignore-error-messages.mjs'],
  ignorers: ['error-messages'],
  // Two cores, shared: two workers at most (a type checker and a test runner, then two test runners).
  concurrency: 2,
  timeoutMS: 10000,
  dryRunTimeoutMinutes: 15,
  // Everything Stryker writes stays under test/mutation and is ignored by git, Jest, ESLint, Prettier and tsc.
  tempDirName: 'test/mutation/.stryker-tmp',
  ignorePatterns: ['dist', 'data', 'coverage', 'apps/bench/emmett', 'test/mutation/reports', '*.db', '*.db-wal', '*.db-shm'],
  incrementalFile: `test/mutation/reports/${name}.incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `test/mutation/reports/${name}.html` },
  jsonReporter: { fileName: `test/mutation/reports/${name}.json` },
  clearTextReporter: { allowEmojis: false, logTests: false },
  thresholds: { high: 90, low: 80, break: null },
};
