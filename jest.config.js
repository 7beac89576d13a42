// The fast suite: `npm test` (after tsc and ESLint). The e2e suite has its own config, e2e/jest.config.js.
/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  maxWorkers: '100%',
  // Only a hang reaches this: process tests are bounded by PROCESS_TIMEOUT_MS (__tests__/process.ts).
  testTimeout: 300000,
  // `npm run bench` measures a cold run with a cache folder of its own (clearing the shared one
  // would disturb other jest runs on the machine).
  ...(process.env.JEST_CACHE_DIR ? { cacheDirectory: process.env.JEST_CACHE_DIR } : {}),
};
