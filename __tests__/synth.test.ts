import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROFILES } from '../examples/profiles';
import { parseSynthArgs, runSynth } from '../tools/synth';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs the synth command into a fresh temporary outdir; returns exit code, output and the outdir. */
function synth(args: string[], env: NodeJS.ProcessEnv = {}, outdir = fs.mkdtempSync(path.join(tmp, 'dist-'))) {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((m) => { out.push(String(m)); });
  const error = jest.spyOn(console, 'error').mockImplementation((m) => { err.push(String(m)); });
  try {
    const code = runSynth(['--outdir', outdir, ...args], env);
    return { code, out: out.join('\n'), err: err.join('\n'), outdir };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

function snapshotDir(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files[path.relative(dir, path.join(entry.parentPath, entry.name))] = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
  }
  return files;
}

describe('synth command', () => {
  test('writes every example of every profile by default', () => {
    const { code, outdir } = synth([]);
    expect(code).toBe(0);
    expect(fs.readdirSync(outdir).sort()).toEqual(['.synth-files', ...PROFILES.map((p) => p.name)].sort());
    expect(fs.readdirSync(path.join(outdir, 'k3s'))).toContain('deployment.yaml');
  });

  test('--profile writes only that profile and leaves the others as they were', () => {
    const { outdir } = synth([]);
    fs.writeFileSync(path.join(outdir, 'cloud', 'deployment.yaml'), 'left alone');
    fs.writeFileSync(path.join(outdir, 'k3s', 'notes.txt'), 'mine');
    expect(synth(['--profile', 'k3s'], {}, outdir).code).toBe(0);
    expect(fs.readFileSync(path.join(outdir, 'cloud', 'deployment.yaml'), 'utf8')).toBe('left alone');
    // Only the files synth wrote are replaced (synth-outdir.test.ts has the rest).
    expect(fs.readFileSync(path.join(outdir, 'k3s', 'notes.txt'), 'utf8')).toBe('mine');
  });

  test('SYNTH_PROFILE selects the profile when cdk8s synth runs the app', () => {
    const { outdir } = synth([], { SYNTH_PROFILE: 'cloud' });
    expect(fs.readdirSync(outdir).sort()).toEqual(['.synth-files', 'cloud']);
  });

  test('an unknown profile is one clear line listing the valid ones, and the outdir is untouched', () => {
    const { outdir } = synth([]);
    const before = snapshotDir(outdir);
    const result = synth(['--profile', 'kind'], {}, outdir);
    expect(result.code).toBe(2);
    expect(result.err).toBe('synth failed: unknown profile "kind": valid profiles are minikube, k3s, cloud (set DEBUG=1 for the stack)');
    expect(snapshotDir(outdir)).toEqual(before);
    expect(fs.readdirSync(path.dirname(outdir)).filter((f) => f.includes(`${path.basename(outdir)}-staging-`))).toEqual([]);
  });

  test('unknown arguments are refused with the usage', () => {
    expect(() => parseSynthArgs(['--profiel', 'k3s'], {})).toThrow('unknown argument "--profiel": usage: npm run synth -- [--profile minikube|k3s|cloud] [--outdir DIR]');
    expect(() => parseSynthArgs(['--profile'], {})).toThrow('--profile needs a value');
    expect(parseSynthArgs(['--profile=k3s'], {}).profiles.map((p) => p.name)).toEqual(['k3s']);
  });

  test('--help lists profiles and examples', () => {
    const { code, out } = synth(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('minikube  a default `minikube start`');
    expect(out).toContain('deployment  Deployment → ReplicaSet → Pods');
  });
});
