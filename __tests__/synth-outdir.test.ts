// How synth treats its output folder: it writes only what is its own, and all or nothing.
// These run synth in this process, watching (or failing) each call that changes the filesystem.
import fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runSynth } from '../tools/synth';
import { generationExamples } from './fixtures/synth-examples';
import { readTree } from './fixtures/synth-generation';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-outdir-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The fs functions that change the filesystem: spied to watch or fail them. */
const MUTATORS = ['writeFileSync', 'renameSync', 'rmSync', 'rmdirSync', 'mkdirSync', 'mkdtempSync', 'copyFileSync', 'unlinkSync', 'openSync', 'symlinkSync'] as const;

/** Calls `before(name, args)` ahead of every filesystem change until the returned function restores fs. */
function watchFs(before: (name: string, args: unknown[]) => void): () => void {
  const spies = MUTATORS.map((name) => {
    const real = fs[name] as (...args: unknown[]) => unknown;
    return jest.spyOn(fs, name).mockImplementation(((...args: unknown[]) => {
      before(name, args);
      return real.apply(fs, args);
    }) as never);
  });
  return () => spies.forEach((s) => s.mockRestore());
}

interface Result { code: number; out: string; err: string }

function synth(outdir: string, args: string[], generation = '2', names = ['alpha', 'beta'], env: NodeJS.ProcessEnv = {}): Result {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((m) => { out.push(String(m)); });
  const error = jest.spyOn(console, 'error').mockImplementation((m) => { err.push(String(m)); });
  try {
    const code = runSynth(['--outdir', outdir, ...args], env, generationExamples(generation, names));
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/** What synth left of its own run folders: none once a run is over. */
const leftovers = (dir: string) => fs.readdirSync(dir).filter((n) => n.startsWith('.synth-') && n !== '.synth-files');

let counter = 0;
const fresh = () => path.join(tmp, `out-${counter++}`);

/**
 * An output folder as a previous synth left it (generation 1 of alpha and retired), with a file
 * of the user in a profile folder; and the trees before and after a synth of generation 2 of
 * alpha and beta (beta is new, retired goes).
 */
function scenario() {
  const base = fresh();
  expect(synth(base, [], '1', ['alpha', 'retired']).code).toBe(0);
  fs.writeFileSync(path.join(base, 'cloud', 'notes.txt'), 'mine');
  const oldTree = readTree(base);
  const done = fresh();
  fs.cpSync(base, done, { recursive: true });
  expect(synth(done, []).code).toBe(0);
  const newTree = readTree(done);
  const copy = () => {
    const dir = fresh();
    fs.cpSync(base, dir, { recursive: true });
    return dir;
  };
  return { base, oldTree, newTree, copy };
}

describe('synth writes only what is its own', () => {
  test('a file of the user in a profile folder survives every synth, and only listed files are removed', () => {
    const { copy, oldTree, newTree } = scenario();
    expect(oldTree['cloud/notes.txt']).toBe('mine');
    expect(newTree['cloud/notes.txt']).toBe('mine');
    expect(Object.keys(oldTree)).toContain('minikube/retired.yaml');
    expect(Object.keys(newTree).filter((f) => f.includes('retired'))).toEqual([]);
    expect(newTree['.synth-files'].split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([
      'cloud/alpha.yaml', 'cloud/beta.yaml', 'k3s/alpha.yaml', 'k3s/beta.yaml', 'minikube/alpha.yaml', 'minikube/beta.yaml',
    ]);
    // A profile folder that synth no longer writes into is removed once empty, never when it holds other files.
    const dir = copy();
    expect(synth(dir, ['--profile', 'cloud'], '2', []).code).toBe(0);
    expect(readTree(dir)['cloud/notes.txt']).toBe('mine');
    expect(Object.keys(readTree(dir)).filter((f) => f.startsWith('cloud/'))).toEqual(['cloud/notes.txt']);
    expect(synth(dir, ['--profile', 'k3s'], '2', []).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'k3s'))).toBe(false);
    expect(leftovers(dir)).toEqual([]);
  });

  test('--profile replaces the listed files of that profile only', () => {
    const { copy, oldTree } = scenario();
    const dir = copy();
    expect(synth(dir, ['--profile', 'k3s']).code).toBe(0);
    const tree = readTree(dir);
    for (const file of Object.keys(oldTree).filter((f) => !f.startsWith('k3s/') && f !== '.synth-files')) expect(tree[file]).toBe(oldTree[file]);
    expect(Object.keys(tree).filter((f) => f.startsWith('k3s/'))).toEqual(['k3s/alpha.yaml', 'k3s/beta.yaml']);
    expect(tree['minikube/retired.yaml']).toBe(oldTree['minikube/retired.yaml']);
    expect(tree['.synth-files']).toContain('minikube/retired.yaml');
  });

  test('a folder that holds files but no manifest is refused in one line, exit 3, and left as it was', () => {
    const dir = fresh();
    fs.mkdirSync(path.join(dir, 'cloud'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'cloud', 'notes.txt'), 'mine');
    const r = synth(dir, []);
    expect([r.code, r.out, r.err]).toEqual([3, '', `synth failed: the output folder ${dir} holds files that synth did not write (it has no .synth-files): `
      + 'choose a new or empty folder, or one that synth wrote before (set DEBUG=1 for the stack)']);
    expect(readTree(dir)).toEqual({ 'cloud/notes.txt': 'mine' });
    expect(fs.readdirSync(dir)).toEqual(['cloud']);
  });

  test('a file synth did not write is never replaced, even in its own folder', () => {
    const { copy } = scenario();
    const dir = copy();
    fs.writeFileSync(path.join(dir, 'k3s', 'beta.yaml'), 'hand-written');
    const before = readTree(dir);
    const r = synth(dir, []);
    expect([r.code, r.err]).toEqual([3, `synth failed: ${path.join(dir, 'k3s', 'beta.yaml')} exists but synth did not write it `
      + `(it is not in ${path.join(dir, '.synth-files')}): move it away, or choose another --outdir (set DEBUG=1 for the stack)`]);
    expect(readTree(dir)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
  });

  test('an unlisted file that already holds exactly what synth writes is taken over (a merge of two new examples)', () => {
    const { copy, newTree } = scenario();
    const dir = copy();
    fs.writeFileSync(path.join(dir, 'k3s', 'beta.yaml'), newTree['k3s/beta.yaml']);
    const r = synth(dir, []);
    expect(r.code).toBe(0);
    expect(readTree(dir)).toEqual(newTree);
    expect(leftovers(dir)).toEqual([]);
  });

  test('a manifest that names a file outside the folder is refused, and nothing is removed', () => {
    const { copy } = scenario();
    const dir = copy();
    const outside = path.join(tmp, 'outside.yaml');
    fs.writeFileSync(outside, 'keep');
    fs.appendFileSync(path.join(dir, '.synth-files'), `../${path.basename(outside)}\n`);
    const before = readTree(dir);
    const r = synth(dir, []);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/^synth failed: .*\.synth-files line \d+: "\.\.\/outside\.yaml" is not a file synth writes: restore it \(git checkout\) or remove the folder/);
    expect(readTree(dir)).toEqual(before);
    expect(fs.readFileSync(outside, 'utf8')).toBe('keep');
  });

  test.each([
    ['the root folder', () => path.parse(process.cwd()).root, (d: string) => `the output folder ${d} is the root folder`],
    ['the home folder', () => os.homedir(), (d: string) => `the output folder ${d} is the home folder`],
  ])('%s is refused before anything is written', (_name, dir, message) => {
    const changes: string[] = [];
    const restore = watchFs((name) => { changes.push(name); throw new Error(`${name} called`); });
    try {
      const r = synth(dir(), []);
      expect([r.code, r.err]).toEqual([3, `synth failed: ${message(dir())}: choose a folder of its own, e.g. --outdir dist (set DEBUG=1 for the stack)`]);
    } finally {
      restore();
    }
    expect(changes).toEqual([]);
  });

  test('every path synth changes lies inside the output folder (so renames never cross a mount point)', () => {
    const { copy } = scenario();
    const dir = copy();
    const touched: string[] = [];
    const restore = watchFs((name, args) => {
      const paths = ['renameSync', 'copyFileSync', 'symlinkSync'].includes(name) ? args.slice(0, 2) : args.slice(0, 1);
      touched.push(...paths.map((p) => path.resolve(String(p))));
    });
    let r: Result;
    try {
      r = synth(dir, []);
    } finally {
      restore();
    }
    expect(r.code).toBe(0);
    expect(touched.length).toBeGreaterThan(10);
    expect(touched.filter((p) => p !== dir && !p.startsWith(`${dir}${path.sep}`))).toEqual([]);
  });

  test('a second synth of the same folder while one is writing stops in one line, exit 4', () => {
    const { copy, newTree } = scenario();
    const dir = copy();
    let inner: Result | undefined;
    const restore = watchFs((name, args) => {
      if (!inner && name === 'writeFileSync' && String(args[0]).includes(`${path.sep}.synth-run${path.sep}`)) inner = synth(dir, [], '3');
    });
    let r: Result;
    try {
      r = synth(dir, []);
    } finally {
      restore();
    }
    expect(inner!.code).toBe(4);
    expect(inner!.err).toBe(`synth failed: another synth (pid ${process.pid}) is writing ${dir}: wait for it to finish `
      + `(if none is running, remove ${path.join(dir, '.synth-run')}) (set DEBUG=1 for the stack)`);
    expect(r.code).toBe(0);
    expect(readTree(dir)).toEqual(newTree);
  });
});

describe('synth is all or nothing across every profile', () => {
  test('a reader finds every file whole, old or new, at every step of a synth', () => {
    const { copy, oldTree, newTree } = scenario();
    const dir = copy();
    const seen: string[] = [];
    const check = () => {
      for (const file of new Set([...Object.keys(oldTree), ...Object.keys(newTree)])) {
        const full = path.join(dir, file);
        const text = fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : undefined;
        const allowed: Array<string | undefined> = [oldTree[file], newTree[file]];
        if (!allowed.includes(text)) seen.push(`${file}: ${text === undefined ? 'missing' : 'neither old nor new'}`);
      }
    };
    let steps = 0;
    const restore = watchFs(() => { steps++; check(); });
    try {
      expect(synth(dir, []).code).toBe(0);
    } finally {
      restore();
    }
    check();
    expect(steps).toBeGreaterThan(20);
    expect(seen).toEqual([]);
    expect(readTree(dir)).toEqual(newTree);
  });

  test('a failure at any step leaves the old set or the new one in full, and says so in one line', () => {
    const { copy, oldTree, newTree } = scenario();
    // How many filesystem changes a whole synth makes.
    let total = 0;
    const first = copy();
    const names: string[] = [];
    const counting = watchFs((name, args) => { total++; names.push(`${name} ${args[0]}`); });
    try {
      expect(synth(first, []).code).toBe(0);
    } finally {
      counting();
    }
    expect(total).toBeGreaterThan(20);
    const outcomes: string[] = [];
    for (let step = 1; step <= total; step++) {
      const dir = copy();
      let calls = 0;
      const restore = watchFs((name) => {
        if (++calls === step) throw Object.assign(new Error(`EIO: i/o error, ${name}`), { code: 'EIO' });
      });
      let r: Result;
      try {
        r = synth(dir, []);
      } finally {
        restore();
      }
      const tree = readTree(dir);
      const kept = r.code === 0 ? 'new' : 'old';
      const failed = new RegExp(`^synth failed: could not write ${dir}: EIO: i/o error, \\w+; it was left as it was \\(set DEBUG=1 for the stack\\)$`);
      // Exit 0 with the new set, or exit 5, one line, and the old set.
      expect([step, r.code, r.code === 0 || failed.test(r.err), tree]).toEqual([step, kept === 'new' ? 0 : 5, true, kept === 'new' ? newTree : oldTree]);
      outcomes.push(kept);
      // Whatever a failed step left behind, the next synth removes it and writes the new set.
      expect(synth(dir, []).code).toBe(0);
      expect([step, readTree(dir), leftovers(dir)]).toEqual([step, newTree, []]);
    }
    // Every failure leaves the old set, up to the removal of the journal; after it, the new set is
    // in place and what is left of the run folder is removed by the next synth.
    const finished = names.findIndex((n) => /^rmSync .*\.synth-run[\\/]journal$/.test(n)) + 1;
    expect(finished).toBeGreaterThan(20);
    expect(outcomes).toEqual([...Array(finished).fill('old'), ...Array(total - finished).fill('new')]);
  });
});
