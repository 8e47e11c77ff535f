/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/test/support/shared-realm-environment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  testSequencer: '<rootDir>/test/support/sequencer.js',
  // V8's code cache across the test files of a Jest worker (see the file).
  runtime: '<rootDir>/test/support/code-cache-runtime.js',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Time-skipping tests move months of workflow time; in real time they still need to bundle
  // workflows and start a server.
  testTimeout: 120_000,
  // Three on two cores: each file's tests also wait on the time-skipping server and the database,
  // so a third worker fills the idle time (measured: 323 s with two, 258 s with three).
  maxWorkers: 3,
};
