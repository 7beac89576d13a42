// `node scripts/run.js tools/control-plane/up.ts [--runs N]`: starts the control plane and stops it
// again, N times, and prints each time to ready in milliseconds as JSON (for npm run bench). Builds
// nothing: it fails when the binaries are not there yet (npm run control-plane:build).
import { ensureBinaries, EXIT } from './build';
import { startCluster } from './harness';

async function main(): Promise<number> {
  const i = process.argv.indexOf('--runs');
  const runs = i === -1 ? 3 : Number(process.argv[i + 1]);
  let built: string[] = [];
  const ensured = ensureBinaries({ say: (line) => { built.push(line); } });
  if (ensured.built.length > 0) built = ensured.built;
  const upMs: number[] = [];
  const stopMs: number[] = [];
  for (let n = 0; n < runs; n++) {
    const cluster = await startCluster({ binaries: ensured.binaries, kwokStages: ensured.kwokStages });
    upMs.push(cluster.upMs);
    const t = Date.now();
    await cluster.stop();
    stopMs.push(Date.now() - t);
  }
  console.log(JSON.stringify({ upMs, stopMs, built }));
  return EXIT.ok;
}

main().then((code) => { process.exitCode = code; }, (e) => { console.error(`up: ${(e as Error).message}`); process.exitCode = 1; });
