// The e2e suite: run by `npm run e2e` (tools/control-plane/e2e.ts), which starts the control plane
// or points the suite at a user's context first. `npm test` never picks these files up: its roots
// are __tests__.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/e2e'],
  testMatch: ['**/*.e2e.test.ts'],
  // Type-checking is `npm test`'s tsc; here the files are only transpiled.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  setupFilesAfterEnv: ['<rootDir>/e2e/setup.ts'],
  testEnvironment: 'node',
  // One cluster, shared: the files run one after another, in this order.
  maxWorkers: 1,
  testSequencer: '<rootDir>/e2e/sequencer.js',
  // Minutes, not seconds: a rollout on a loaded 2-core machine. Each wait inside has its own deadline.
  testTimeout: 15 * 60 * 1000,
  slowTestThreshold: 120,
};
