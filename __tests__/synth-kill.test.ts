// Synth's writing of its output folder (tools/synth/outdir.ts), killed (SIGKILL) at each of its
// changes to the folder, in a process of its own:
// every file stays whole, and the next run recovers the old set or the new one in full.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { recoverOutdir, unfinishedSynth, writeOutdir } from '../tools/synth/outdir';
import { generationFiles, readTree } from './fixtures/synth-generation';
import { PROCESS_TIMEOUT_MS } from './process';

const ROOT = path.join(__dirname, '..');
const PRELOAD = path.join(__dirname, 'fixtures', 'kill-at-fs-change.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-kill-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const synthHere = (outdir: string, generation: string, names: string[]) => writeOutdir(outdir, generationFiles(generation, names));

interface Child { code: number | null; signal: NodeJS.Signals | null; stderr: string; report: string }

/** Writes generation 2 (alpha and beta) into `outdir` in a process killed at change `at` (0: not killed). */
function synthKilledAt(outdir: string, at: number): Promise<Child> {
  const report = `${outdir}.report`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', PRELOAD, 'scripts/run.js', '__tests__/fixtures/write-generation.ts', '--outdir', outdir], {
      cwd: ROOT,
      env: { ...process.env, DEBUG: '', SYNTH_GENERATION: '2', SYNTH_EXAMPLES: 'alpha,beta', KILL_UNDER: outdir, KILL_AT_CHANGE: String(at), KILL_REPORT: report },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: PROCESS_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code, signal) => {
      const text = fs.existsSync(report) ? fs.readFileSync(report, 'utf8') : '';
      fs.rmSync(report, { force: true });
      resolve({ code, signal, stderr, report: text });
    });
  });
}

test('a synth killed at any step leaves every file whole, and the next run recovers the old set or the new one', async () => {
  const base = path.join(tmp, 'base');
  synthHere(base, '1', ['alpha', 'retired']);
  fs.writeFileSync(path.join(base, 'cloud', 'notes.txt'), 'mine');
  let copies = 0;
  const copy = () => {
    const dir = path.join(tmp, `run-${copies++}`);
    fs.cpSync(base, dir, { recursive: true });
    return dir;
  };
  const oldTree = readTree(base);
  const done = copy();
  synthHere(done, '2', ['alpha', 'beta']);
  const newTree = readTree(done);
  expect(newTree).not.toEqual(oldTree);

  // How many changes a whole run makes (this first run also builds the bundle of the entry).
  const counted = await synthKilledAt(copy(), 0);
  expect([counted.code, counted.stderr]).toEqual([0, '']);
  const total = Number(counted.report);
  expect(total).toBeGreaterThan(20);

  const outcomes: string[] = new Array(total);
  const unfinished: boolean[] = new Array(total);
  const steps = Array.from({ length: total }, (_, i) => i + 1);
  const worker = async () => {
    for (let step = steps.shift(); step !== undefined; step = steps.shift()) {
      const dir = copy();
      const killed = await synthKilledAt(dir, step);
      expect([step, killed.signal, killed.report]).toEqual([step, 'SIGKILL', String(step)]);
      // Before any recovery, a reader finds each file old or new, never missing or cut short.
      const tree = readTree(dir);
      for (const file of new Set([...Object.keys(oldTree), ...Object.keys(newTree)])) {
        expect([step, file, [oldTree[file], newTree[file]].includes(tree[file])]).toEqual([step, file, true]);
      }
      unfinished[step - 1] = unfinishedSynth(dir);
      recoverOutdir(dir);
      const recovered = readTree(dir);
      expect([step, fs.readdirSync(dir).filter((n) => n.startsWith('.synth-') && n !== '.synth-files')]).toEqual([step, []]);
      if (JSON.stringify(recovered) === JSON.stringify(oldTree)) outcomes[step - 1] = 'old';
      else if (JSON.stringify(recovered) === JSON.stringify(newTree)) outcomes[step - 1] = 'new';
      else outcomes[step - 1] = `step ${step}: neither the old set nor the new one: ${JSON.stringify(Object.keys(recovered))}`;
      // And a synth after the kill writes the new set, whatever the kill left.
      synthHere(dir, '2', ['alpha', 'beta']);
      expect([step, readTree(dir)]).toEqual([step, newTree]);
    }
  };
  await Promise.all([worker(), worker()]);
  // One switch, at the commit point: old before it, new after it.
  const commit = outcomes.indexOf('new');
  expect(commit).toBeGreaterThan(10);
  expect(outcomes).toEqual([...Array(commit).fill('old'), ...Array(total - commit).fill('new')]);
  // A kill between the commit point and the end leaves an unfinished synth (which deploy refuses to read).
  expect(unfinished.indexOf(true)).toBe(commit);
  expect(unfinished.filter(Boolean).length).toBeGreaterThan(5);
});

// A mount point needs a mount namespace of its own (unshare), which some machines do not allow.
const canMount = process.platform === 'linux'
  && spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'true'], { timeout: PROCESS_TIMEOUT_MS }).status === 0;

(canMount ? describe : describe.skip)('an output folder that is a mount point', () => {
  test('synth writes it, and replaces its files', () => {
    const outdir = path.join(tmp, 'mounted');
    fs.mkdirSync(outdir);
    const script = [
      'mount -t tmpfs synth-test "$1"',
      `"${process.execPath}" scripts/run.js main.ts --outdir "$1" --profile k3s`,
      `"${process.execPath}" scripts/run.js main.ts --outdir "$1"`,
      'cd "$1" && find . -type f | sort',
    ].join(' && ');
    const r = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script, 'sh', outdir], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, DEBUG: '' }, timeout: PROCESS_TIMEOUT_MS, killSignal: 'SIGKILL',
    });
    expect([r.status, r.stderr]).toEqual([0, '']);
    const files = r.stdout.split('\n').filter(Boolean);
    expect(files).toContain('./.synth-files');
    expect(files).toContain('./minikube/deployment.yaml');
    expect(files).toContain('./k3s/deployment.yaml');
    expect(files.filter((f) => f.includes('.synth-run'))).toEqual([]);
    // The mount ended with its namespace: nothing was written beside it, or into the folder below it.
    expect(fs.readdirSync(tmp).filter((n) => n.includes('staging'))).toEqual([]);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });
});
