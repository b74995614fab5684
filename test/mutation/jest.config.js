/**
 * The unit specs that guard the mutated files, run the way `npm test` runs them (the `unit` project of the
 * root config: SWC, the same module names); each part of the mutation testing narrows `testMatch` to its
 * own specs (stryker.config.mjs). No global setup: Stryker runs Jest once per mutant, so the PostgreSQL the
 * read-store specs need is started once by run.mjs instead.
 */
const { resolve } = require('node:path');
const root = require('../../jest.config.js');

const unit = root.projects.find((p) => p.displayName === 'unit');

module.exports = {
  ...unit,
  displayName: 'mutation',
  rootDir: resolve(__dirname, '../..'),
  // Every file a spec imports must lie under a root, or Jest's --findRelatedTests (which Stryker uses to pick
  // the specs for a mutant) cannot follow the imports from a spec to the mutated file.
  roots: ['<rootDir>/libs', '<rootDir>/test/support'],
  testMatch: [
    '**/libs/domain/test/**/*.spec.ts',
    '**/libs/event-store/**/*.spec.ts',
    '**/libs/programme/test/**/*.spec.ts',
    '**/libs/projections/test/**/*.spec.ts',
  ],
  // The property specs take seconds to a minute each and cover most mutants, and Jest runs every spec that
  // covers a mutant: too slow to run once per mutant (docs/mutation.md). npm test runs them.
  testPathIgnorePatterns: ['/node_modules/', '\\.property\\.spec\\.ts$'],
  testTimeout: 60000,
};
