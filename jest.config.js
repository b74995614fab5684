/**
 * Two projects that run side by side on every core: `unit` (libs and apps: pure code, stores, projections)
 * and `e2e` (test/: the API over HTTP, child processes, crashes and races). Tests run through SWC (no type
 * check: `npm run typecheck` does that). The province-scale calibration is left to `npm run calibration`.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
  },
];
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc, '^.+\\.js$': swc },
  // These ship only ES modules, which Jest 30 on Node 20 cannot require: content-disposition (under @fastify/static,
  // for /docs), and the EventSource client the feed's tests consume it with.
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|eventsource|eventsource-parser)/)'],
  // Stryker's sandboxes (npm run mutation) are copies of the whole tree: never tests or modules of this run.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/mutation/.stryker-tmp/'],
  modulePathIgnorePatterns: ['<rootDir>/test/mutation/.stryker-tmp/'],
  moduleNameMapper: {
    '^@app/domain$': '<rootDir>/libs/domain/src',
    '^@app/domain/(.*)$': '<rootDir>/libs/domain/src/$1',
    '^@app/event-store$': '<rootDir>/libs/event-store/src',
    '^@app/event-store/(.*)$': '<rootDir>/libs/event-store/src/$1',
    '^@app/programme$': '<rootDir>/libs/programme/src',
    '^@app/programme/(.*)$': '<rootDir>/libs/programme/src/$1',
    '^@app/projections$': '<rootDir>/libs/projections/src',
    '^@app/projections/(.*)$': '<rootDir>/libs/projections/src/$1',
    '^@app/simulation$': '<rootDir>/libs/simulation/src',
    '^@app/simulation/(.*)$': '<rootDir>/libs/simulation/src/$1',
  },
};
const calibration = process.env.CALIBRATION === '1';

module.exports = {
  maxWorkers: 2,
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/support/postgres.global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/postgres.global-teardown.mjs',
  projects: [
    {
      ...common,
      displayName: 'unit',
      roots: ['<rootDir>/libs', '<rootDir>/apps'],
      testMatch: calibration ? ['**/*.calibration-spec.ts'] : ['**/*.spec.ts'],
    },
    { ...common, displayName: 'e2e', roots: ['<rootDir>/test'], testMatch: calibration ? [] : ['**/*.spec.ts', '**/*.e2e-spec.ts'] },
  ],
};
