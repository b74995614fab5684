/** Tests run through SWC (no type check: `npm run typecheck` does that). */
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
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': swc, '^.+\\.js$': swc },
  // content-disposition (under @fastify/static, for /docs) ships only ES modules, which Jest 30 on Node 20 cannot require.
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
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
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/support/postgres.global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/postgres.global-teardown.mjs',
};
