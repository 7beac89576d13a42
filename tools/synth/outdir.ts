// How synth writes its output folder: it never deletes what it did not write, and it changes the
// whole set of files at once, even when it is killed at any moment.
//
// Ownership. A folder is synth's when synth created it or found it empty: synth then writes the
// file `.synth-files` (MANIFEST) in it, which lists every file synth wrote there, one relative path
// a line. Synth replaces or removes only the files listed there (and construct-metadata.json, the
// one name it reserves for the cdk8s CLI); anything else in the folder, such as a notes.txt next to
// the YAML of a profile, is left alone. Synth refuses the root folder, the home folder, a folder
// that holds files but no manifest, and a file it would write that exists but is not listed, unless
// that file already holds exactly what synth would write (nothing is lost by taking it over).
//
// All or nothing. A file is replaced by rename(2), which is atomic: whoever reads a file sees its
// old text or its new text, never a missing or half-written file. The set of files changes at one
// moment, the commit point, through a journal kept in the run folder `.synth-run` inside the output
// folder. It is inside (not beside it) so that every rename stays on one filesystem, also when the
// output folder is a mount point.
//   1. Lock: a folder holding `owner` (pid and a token) is prepared and renamed to `.synth-run`,
//      which fails while another run holds it. When that run is dead (killed), its folder is taken
//      over and recovered first (see below); when it is alive, this run stops.
//   2. Stage, in `.synth-run` only: each new file, a copy of each file it will replace, and the new
//      manifest. Files under a folder that is on another filesystem are refused here.
//   3. Commit point: `journal` is written under a temporary name and renamed into place. From now
//      on the run is decided.
//   4. Apply: create missing folders, rename each staged file over its target, move each file the
//      run drops into `.synth-run`, remove folders that became empty, rename the new manifest over
//      the old one. Each of these moves can be repeated (a move whose source is gone was done).
//   5. Finish: delete `journal`, then the run folder.
// An error in step 2 deletes the run folder; the output folder was not touched. An error in step 4
// marks the journal `undo` and puts every file back from the copies of step 2 (each undo move can be
// repeated too). A kill leaves the run folder behind, and the next run recovers it before anything
// else: without a journal it is deleted (the old set stays); with one, step 4 is completed (the new
// set), or the undo when the journal says so (the old set). Between a kill in step 4 and the next
// run, some files are old and some new, each of them whole; `npm run deploy` refuses to read dist/
// in that state (tools/cluster/common.ts). Power loss is outside this: nothing is fsynced.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The file that marks a folder as synth's and lists the files synth wrote there. */
export const MANIFEST = '.synth-files';
/** The run folder: the lock, the staged files and the journal of the run in progress. */
export const RUN_DIR = '.synth-run';
/** The file of the output folder that synth owns without listing it (the cdk8s CLI reads it). */
export const RESERVED_FILE = 'construct-metadata.json';
const JOURNAL = 'journal';
const OWNER = 'owner';
const STAGED_MANIFEST = 'manifest';
const OLD_MANIFEST = 'manifest.old';
/** A prepared lock folder and a taken-over dead run folder: `.synth-lock-<pid>-<token>`, `.synth-dead-<token>`. */
const LOCK_PREFIX = '.synth-lock-';
const DEAD_PREFIX = '.synth-dead-';
const MANIFEST_HEADER = [
  '# The files `npm run synth` wrote in this folder: it replaces or removes only these.',
  '# Anything else here is left alone. Written by synth; do not edit.',
];
/** A path synth may write: folders and file names of letters, digits, `.`, `_` and `-`, no `..`. */
const SAFE_PATH = /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/**
 * Whether the file already holds exactly `text`. Such an unlisted file loses nothing when synth
 * takes it over: this is what a merge of two branches that each synthesized a new example leaves.
 */
function holdsExactly(file: string, text: string): boolean {
  const expected = Buffer.from(text);
  return fs.statSync(file).size === expected.length && fs.readFileSync(file).equals(expected);
}

/** Why synth will not write the output folder: one line; `exitCode` tells the kinds apart. */
export class OutdirError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

/** Exit codes of synth's refusals (1 is a chart that fails, 2 a bad argument). */
export const EXIT = {
  /** The output folder is not synth's to write (root, home, someone else's files). */
  refused: 3,
  /** Another synth is writing the same folder. */
  busy: 4,
  /** Writing failed (disk full, permissions); the folder was left as it was. */
  writeFailed: 5,
} as const;

export interface WriteOptions {
  /** The folders written (the profile of --profile): listed files outside them stay as they are. */
  readonly onlyUnder?: readonly string[];
}

const exists = (p: string) => {
  try {
    fs.lstatSync(p);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
};
const token = () => crypto.randomBytes(6).toString('hex');

function realOrResolved(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Entries of a folder that say nothing about who owns it: a filesystem's lost+found. */
const IGNORED = new Set(['lost+found']);

/**
 * Checks that `outdir` may be written by synth, without writing anything: throws an OutdirError
 * for the root folder, the home folder, a file, and a folder that holds files but is not synth's.
 */
export function checkOutdir(outdir: string, home: string = os.homedir()): void {
  const full = realOrResolved(outdir);
  if (path.parse(full).root === full) throw new OutdirError(`the output folder ${outdir} is the root folder: choose a folder of its own, e.g. --outdir dist`, EXIT.refused);
  if (home && full === realOrResolved(home)) throw new OutdirError(`the output folder ${outdir} is the home folder: choose a folder of its own, e.g. --outdir dist`, EXIT.refused);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(full);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!stat.isDirectory()) throw new OutdirError(`the output folder ${outdir} is a file, not a folder`, EXIT.refused);
  const entries = fs.readdirSync(full).filter((e) => !IGNORED.has(e));
  const ours = entries.includes(MANIFEST) || entries.length === 0 || entries.every(isRunFolderName) || hasRunFolder(full);
  if (!ours) {
    throw new OutdirError(`the output folder ${outdir} holds files that synth did not write (it has no ${MANIFEST}): `
      + 'choose a new or empty folder, or one that synth wrote before', EXIT.refused);
  }
}

const isRunFolderName = (name: string) => name === RUN_DIR || name.startsWith(LOCK_PREFIX) || name.startsWith(DEAD_PREFIX);

/** Whether `dir` holds a run folder of synth (one with an owner file), as a first run that was killed leaves. */
function hasRunFolder(dir: string): boolean {
  return exists(path.join(dir, RUN_DIR, OWNER));
}

/** Reads the manifest of `outdir`: the posix paths of the files synth wrote (empty when there is none). */
export function readManifest(outdir: string): string[] {
  const file = path.join(outdir, MANIFEST);
  if (!exists(file)) return [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const paths: string[] = [];
  lines.forEach((line, i) => {
    const p = line.trim();
    if (p === '' || p.startsWith('#')) return;
    if (!SAFE_PATH.test(p) || p === MANIFEST || p.startsWith('.synth-')) {
      throw new OutdirError(`${path.join(outdir, MANIFEST)} line ${i + 1}: "${p.slice(0, 80)}" is not a file synth writes: restore it (git checkout) or remove the folder`, EXIT.refused);
    }
    paths.push(p);
  });
  return paths;
}

/** The text of a manifest listing these paths. */
export function manifestText(paths: Iterable<string>): string {
  return [...MANIFEST_HEADER, ...[...new Set(paths)].sort(), ''].join('\n');
}

interface Journal {
  /** `apply` while the run goes forward, `undo` once it puts everything back. */
  readonly state: 'apply' | 'undo';
  /** The files written: staged at `n<i>`, a copy of the file it replaces (if any) at `b<i>`. */
  readonly files: ReadonlyArray<{ readonly path: string; readonly replaces: boolean }>;
  /** The listed files the run removes, moved to `s<i>`. */
  readonly stale: readonly string[];
  /** Folders the run creates (parents first). */
  readonly folders: readonly string[];
  /** Whether there was a manifest before (copied to `manifest.old`). */
  readonly hadManifest: boolean;
}

/** The tokens of the runs in progress in this process (a pid alone cannot tell them from dead ones). */
const activeTokens = new Set<string>();

/** Whether the run `pid`/`runToken` is still running. */
function runAlive(pid: number, runToken: string | undefined): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return runToken !== undefined && activeTokens.has(runToken);
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The owner of a run folder, from its owner file (`<pid> <token>`); undefined when it has none. */
function ownerOf(run: string): { pid: number; runToken: string } | undefined {
  try {
    const [pid, runToken] = fs.readFileSync(path.join(run, OWNER), 'utf8').trim().split(/\s+/);
    return { pid: Number(pid), runToken };
  } catch {
    return undefined;
  }
}

function moveIfPresent(from: string, to: string): void {
  if (!exists(from)) return;
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.renameSync(from, to);
}

function removeIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOENT') throw err;
  }
}

function writeJournal(run: string, journal: Journal): void {
  const tmp = path.join(run, `${JOURNAL}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(journal));
  fs.renameSync(tmp, path.join(run, JOURNAL));
}

/** Step 4: every move can be repeated, so a recovery runs it again from the start. */
function applyJournal(outdir: string, run: string, journal: Journal): void {
  for (const folder of journal.folders) fs.mkdirSync(path.join(outdir, folder), { recursive: true });
  journal.files.forEach((f, i) => moveIfPresent(path.join(run, `n${i}`), path.join(outdir, f.path)));
  journal.stale.forEach((p, i) => moveIfPresent(path.join(outdir, p), path.join(run, `s${i}`)));
  const emptied = [...new Set(journal.stale.map((p) => path.posix.dirname(p)).filter((d) => d !== '.'))];
  for (const dir of emptied.sort().reverse()) removeIfEmpty(path.join(outdir, dir));
  moveIfPresent(path.join(run, STAGED_MANIFEST), path.join(outdir, MANIFEST));
}

/** Puts back what step 4 changed; every move can be repeated too. */
function undoJournal(outdir: string, run: string, journal: Journal): void {
  if (journal.hadManifest) moveIfPresent(path.join(run, OLD_MANIFEST), path.join(outdir, MANIFEST));
  else if (!exists(path.join(run, STAGED_MANIFEST))) fs.rmSync(path.join(outdir, MANIFEST), { force: true });
  journal.stale.forEach((p, i) => moveIfPresent(path.join(run, `s${i}`), path.join(outdir, p)));
  journal.files.forEach((f, i) => {
    if (f.replaces) moveIfPresent(path.join(run, `b${i}`), path.join(outdir, f.path));
    else if (!exists(path.join(run, `n${i}`))) fs.rmSync(path.join(outdir, f.path), { force: true });
  });
  for (const folder of [...journal.folders].reverse()) removeIfEmpty(path.join(outdir, folder));
}

/** Finishes or deletes a run folder left by a run that is no longer running. */
function recover(outdir: string, run: string): void {
  const journalFile = path.join(run, JOURNAL);
  if (exists(journalFile)) {
    const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8')) as Journal;
    if (journal.state === 'undo') undoJournal(outdir, run, journal);
    else applyJournal(outdir, run, journal);
    fs.rmSync(journalFile);
  }
  fs.rmSync(run, { recursive: true, force: true });
}

/**
 * Step 1: takes the lock `.synth-run` of `outdir`, after recovering whatever killed runs left.
 * Returns the run folder and its token.
 */
function lock(outdir: string, display: string): { run: string; runToken: string } {
  const runToken = token();
  const prepared = path.join(outdir, `${LOCK_PREFIX}${process.pid}-${runToken}`);
  const run = path.join(outdir, RUN_DIR);
  fs.mkdirSync(prepared);
  fs.writeFileSync(path.join(prepared, OWNER), `${process.pid} ${runToken}\n`);
  activeTokens.add(runToken);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.renameSync(prepared, run);
        break;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if ((code !== 'EEXIST' && code !== 'ENOTEMPTY' && code !== 'EPERM') || attempt > 5) throw err;
      }
      const owner = ownerOf(run);
      if (owner && runAlive(owner.pid, owner.runToken)) {
        throw new OutdirError(`another synth (pid ${owner.pid}) is writing ${display}: wait for it to finish `
          + `(if none is running, remove ${path.join(display, RUN_DIR)})`, EXIT.busy);
      }
      // A dead run: take its folder out of the way (one taker wins the rename), recover it once locked.
      try {
        fs.renameSync(run, path.join(outdir, `${DEAD_PREFIX}${token()}`));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  } catch (err) {
    unlock(prepared, runToken);
    throw err;
  }
  // Locked: whatever other run folders are here belong to runs that died (a prepared lock folder
  // `.synth-lock-<pid>-<token>` whose run is still running is left to it).
  for (const name of fs.readdirSync(outdir).sort()) {
    const full = path.join(outdir, name);
    if (name.startsWith(DEAD_PREFIX)) recover(outdir, full);
    else if (name.startsWith(LOCK_PREFIX)) {
      const [pid, otherToken] = name.slice(LOCK_PREFIX.length).split('-');
      if (!runAlive(Number(pid), otherToken)) fs.rmSync(full, { recursive: true, force: true });
    }
  }
  return { run, runToken };
}

/** Step 5, last part: removes the run folder; if that fails, the next run finds it dead and removes it. */
function unlock(run: string, runToken: string): void {
  activeTokens.delete(runToken);
  try {
    fs.rmSync(run, { recursive: true, force: true });
  } catch {
    // Left for the next run: its owner is no longer running.
  }
}

/**
 * Writes `files` (posix paths relative to `outdir` → text) into `outdir`, all or nothing, and
 * removes the listed files of the previous run that `files` no longer has (within `onlyUnder`,
 * when given: the folders of the profiles written). See the top of this file for how.
 */
export function writeOutdir(outdir: string, files: ReadonlyMap<string, string>, options: WriteOptions = {}, display = outdir): void {
  checkOutdir(outdir);
  let locked: { run: string; runToken: string };
  try {
    fs.mkdirSync(outdir, { recursive: true });
    locked = lock(outdir, display);
  } catch (err) {
    if (err instanceof OutdirError) throw err;
    throw new OutdirError(`could not write ${display}: ${(err as Error).message}; it was left as it was`, EXIT.writeFailed);
  }
  const { run, runToken } = locked;
  let committed = false;
  let journal: Journal | undefined;
  try {
    // Step 2: stage. Nothing outside the run folder changes until the journal exists.
    const listed = readManifest(outdir);
    const listedSet = new Set(listed);
    const inScope = (p: string) => !options.onlyUnder || options.onlyUnder.some((dir) => p.startsWith(`${dir}/`));
    const stale = listed.filter((p) => inScope(p) && !files.has(p));
    const entries = [...files.keys()];
    for (const p of entries) {
      if (!SAFE_PATH.test(p)) throw new Error(`synth would write ${JSON.stringify(p)}, which is not a plain relative path`);
      const target = path.join(outdir, p);
      if (!exists(target)) continue;
      if (!fs.lstatSync(target).isFile()) throw new OutdirError(`${path.join(display, p)} is not a file: synth would replace it with one`, EXIT.refused);
      if (!listedSet.has(p) && p !== RESERVED_FILE && !holdsExactly(target, files.get(p) as string)) {
        throw new OutdirError(`${path.join(display, p)} exists but synth did not write it (it is not in ${path.join(display, MANIFEST)}): `
          + 'move it away, or choose another --outdir', EXIT.refused);
      }
    }
    const runDev = fs.statSync(run).dev;
    const folders: string[] = [];
    for (const p of entries) {
      const parts = p.split('/').slice(0, -1);
      for (let i = 1; i <= parts.length; i++) {
        const folder = parts.slice(0, i).join('/');
        const full = path.join(outdir, folder);
        if (!exists(full)) {
          if (!folders.includes(folder)) folders.push(folder);
          continue;
        }
        const stat = fs.lstatSync(full);
        if (!stat.isDirectory()) throw new OutdirError(`${path.join(display, folder)} is not a folder: synth writes ${path.join(display, p)} there`, EXIT.refused);
        if (stat.dev !== runDev) {
          throw new OutdirError(`${path.join(display, folder)} is on another filesystem than ${display} (a mount point?): `
            + 'synth replaces files by renaming them, which cannot cross filesystems; mount the output folder itself instead', EXIT.refused);
        }
      }
    }
    const journalFiles = entries.map((p, i) => {
      fs.writeFileSync(path.join(run, `n${i}`), files.get(p)!, { flag: 'wx' });
      const replaces = exists(path.join(outdir, p));
      if (replaces) fs.copyFileSync(path.join(outdir, p), path.join(run, `b${i}`));
      return { path: p, replaces };
    });
    const keep = listed.filter((p) => !stale.includes(p));
    fs.writeFileSync(path.join(run, STAGED_MANIFEST), manifestText([...keep, ...entries.filter((p) => p !== RESERVED_FILE)]), { flag: 'wx' });
    const hadManifest = exists(path.join(outdir, MANIFEST));
    if (hadManifest) fs.copyFileSync(path.join(outdir, MANIFEST), path.join(run, OLD_MANIFEST));
    // Step 3: the commit point.
    journal = { state: 'apply', files: journalFiles, stale, folders, hadManifest };
    writeJournal(run, journal);
    committed = true;
    // Step 4: apply.
    applyJournal(outdir, run, journal);
    // Step 5: finish.
    fs.rmSync(path.join(run, JOURNAL));
  } catch (err) {
    if (!committed) {
      unlock(run, runToken);
      if (err instanceof OutdirError) throw err;
      throw new OutdirError(`could not write ${display}: ${(err as Error).message}; it was left as it was`, EXIT.writeFailed);
    }
    try {
      journal = { ...journal!, state: 'undo' };
      writeJournal(run, journal);
      undoJournal(outdir, run, journal);
      fs.rmSync(path.join(run, JOURNAL));
    } catch (undoErr) {
      activeTokens.delete(runToken);
      throw new OutdirError(`could not write ${display}: ${(err as Error).message}; putting the old files back failed too `
        + `(${(undoErr as Error).message}): the next synth finishes the job`, EXIT.writeFailed);
    }
    unlock(run, runToken);
    throw new OutdirError(`could not write ${display}: ${(err as Error).message}; it was left as it was`, EXIT.writeFailed);
  }
  unlock(run, runToken);
}

/**
 * Folders an older synth left beside `outdir` when it was killed (`.<name>-staging-XXXXXX`). They
 * may hold the only copy of a profile folder it was replacing, so synth names them and leaves
 * them to the user.
 */
export function legacyLeftovers(outdir: string): string[] {
  const full = path.resolve(outdir);
  const prefix = `.${path.basename(full)}-staging-`;
  const isLeftover = (n: string) => n.startsWith(prefix) && /^[A-Za-z0-9]{6}$/.test(n.slice(prefix.length));
  try {
    return fs.readdirSync(path.dirname(full)).filter(isLeftover).sort().map((n) => path.join(path.dirname(outdir), n));
  } catch {
    return [];
  }
}

/**
 * Whether a synth of `outdir` is past its commit point and not finished: one is writing it now,
 * or one was killed while it did (the next synth finishes it). Its files are then a mix of old and new.
 */
export function unfinishedSynth(outdir: string): boolean {
  return exists(path.join(outdir, RUN_DIR, JOURNAL));
}

/**
 * Recovers what killed runs left in `outdir` (see the top of this file) without writing anything
 * new: afterwards it holds the files of the last run that reached its commit point.
 */
export function recoverOutdir(outdir: string, display = outdir): void {
  checkOutdir(outdir);
  if (!fs.readdirSync(outdir).some(isRunFolderName)) return;
  const { run, runToken } = lock(outdir, display);
  unlock(run, runToken);
}
