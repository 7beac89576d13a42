// Limits for tests that start processes. They are sized for a loaded 2-core machine, where a
// cold `node scripts/run.js` (esbuild, then the command) can take many seconds: a test waits for
// its process to end, and the limit only stops one that hangs. No test measures how fast it ran.

/** How long one spawned process may run before it is killed (SIGKILL) and the test fails. */
export const PROCESS_TIMEOUT_MS = 120_000;
