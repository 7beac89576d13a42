import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROCESS_TIMEOUT_MS } from './process';

// These tests run synth as users do, in a separate node process.
const ROOT = path.join(__dirname, '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-process-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(entry: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'run.js'), entry, ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, DEBUG: '', ...env }, timeout: PROCESS_TIMEOUT_MS, killSignal: 'SIGKILL',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (entry.isFile()) files[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
  }
  return files;
}

describe('synth in a process of its own', () => {
  test('two synths write byte-identical files with no timestamps or machine paths', () => {
    const a = path.join(tmp, 'a');
    const b = path.join(tmp, 'b');
    expect(run('main.ts', ['--outdir', a]).code).toBe(0);
    expect(run('main.ts', ['--outdir', b]).code).toBe(0);
    const first = readTree(a);
    expect(Object.keys(first).length).toBeGreaterThan(0);
    expect(readTree(b)).toEqual(first);
    const all = Object.values(first).join('\n');
    expect(all).not.toContain(ROOT);
    expect(all).not.toContain(tmp);
    expect(all).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });

  test('a chart that throws leaves the output folder byte-identical and prints one line', () => {
    const outdir = path.join(tmp, 'kept');
    expect(run('main.ts', ['--outdir', outdir]).code).toBe(0);
    const before = readTree(outdir);
    const result = run('__tests__/fixtures/failing-synth.ts', ['--outdir', outdir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('synth failed: image "example/web" is not pinned: add a version tag, e.g. "example/web:1.2.3" (set DEBUG=1 for the stack)\n');
    expect(readTree(outdir)).toEqual(before);
    expect(fs.readdirSync(tmp).filter((f) => f.includes('staging'))).toEqual([]);
  });

  test('DEBUG=1 adds the stack', () => {
    const result = run('__tests__/fixtures/failing-synth.ts', ['--outdir', path.join(tmp, 'debug')], { DEBUG: '1' });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').length).toBeGreaterThan(3);
    expect(result.stderr).toContain('at new WebApp');
  });
});
