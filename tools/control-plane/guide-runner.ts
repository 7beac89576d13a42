// Runs the steps of a guide (guide-steps.ts) the way a learner does: one statement after another,
// in bash, in a folder that is a copy of the repository (so that `npm run synth` and an edited
// chart never touch the user's own files), with the cluster's KUBECONFIG and kubectl on PATH.
// Each step must exit as the guide implies, print what its comment quotes, match its sample output
// and make its stated results true (guide-checks.ts). What is read only is re-run until it holds
// or a deadline passes (controllers take a moment); the first step that fails stops the guide, as
// it would stop a learner.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { programWords } from '../docs/shell-words';
import { Observed, containsText, sampleProblems, statedResults } from './guide-checks';
import { Step, kubectlCall } from './guide-steps';

export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** simulated: the steps classified "simulated"; context: those and the "real cluster" ones. */
  readonly mode: 'simulated' | 'context';
  /** How long a stated result, a sample or a read-only command may take to hold (default 180 s). */
  readonly settleMs?: number;
  /** How long one command may run (default 360 s: a rollout on a loaded machine). */
  readonly commandTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface StepResult {
  readonly step: Step;
  readonly ran: boolean;
  readonly problems: string[];
  readonly code?: number;
  readonly output?: string;
}

interface Ran { code: number; stdout: string; stderr: string; timedOut: boolean }

function sh(source: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', source], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, timeoutMs);
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? 1, stdout, stderr, timedOut }); });
  });
}

const READ_ONLY_VERBS = new Set(['get', 'describe', 'auth', 'explain', 'api-resources', 'version', 'events', 'wait', 'cluster-info']);
const TEXT_TOOLS = new Set(['head', 'tail', 'sort', 'uniq', 'grep', 'wc', 'base64', 'tr', 'cut', 'seq', 'echo', 'jq', 'awk', 'sed', 'cat']);

/** Whether a step only reads (kubectl get, describe, auth can-i, rollout status|history, text tools): it can be run again. */
export function readOnly(step: Step): boolean {
  return step.commands.every((c) => {
    const words = programWords(c.words);
    if (TEXT_TOOLS.has(words[0]?.text ?? '')) return true;
    if (words[0]?.text !== 'kubectl') return false;
    const call = kubectlCall(words.slice(1));
    if (!call) return false;
    if (call.verb === 'rollout') return ['status', 'history'].includes(call.positionals[0]?.text ?? '');
    if (call.verb === 'config') return ['view', 'current-context', 'get-contexts'].includes(call.positionals[0]?.text ?? '');
    return READ_ONLY_VERBS.has(call.verb);
  });
}

/** What a step looks at: the namespace (`-n`, else `default`) and label selector (`-l`) of its first kubectl command. */
function scopeOf(step: Step): { namespace: string; selector?: string } {
  for (const c of step.commands) {
    const words = programWords(c.words);
    if (words[0]?.text === 'kubectl') {
      const call = kubectlCall(words.slice(1));
      const selector = call?.args.flags.get('-l')?.[0]?.text ?? call?.args.flags.get('--selector')?.[0]?.text;
      return { namespace: call?.namespace ?? 'default', selector };
    }
  }
  return { namespace: 'default' };
}

/** The pods and ReplicaSets a step looks at, and the nodes, from the API. */
async function observe(scope: { namespace: string; selector?: string }, cwd: string, env: NodeJS.ProcessEnv): Promise<Observed> {
  const get = async (args: string[]) => {
    const r = await sh(['kubectl', 'get', ...args, '-o', 'json', '--request-timeout=30s'].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' '), cwd, env, 60_000);
    return r.code === 0 ? JSON.parse(r.stdout).items : [];
  };
  const selected = (kind: string) => ['-n', scope.namespace, kind, ...(scope.selector ? ['-l', scope.selector] : [])];
  const [pods, replicaSets, nodes] = await Promise.all([get(selected('pods')), get(selected('replicasets.apps')), get(['nodes'])]);
  return { pods, replicaSets, nodes };
}

/** What is wrong with one run of a step; the stated results are read from the API. */
async function judge(step: Step, ran: Ran, options: RunOptions): Promise<string[]> {
  const problems: string[] = [];
  const output = `${ran.stdout}${ran.stderr}`;
  if (ran.timedOut) problems.push(`did not finish within ${(options.commandTimeoutMs ?? 360_000) / 1000} s`);
  else if (step.fails && ran.code === 0) problems.push('exited 0; the guide says it fails');
  else if (!step.fails && ran.code !== 0) problems.push(`exited ${ran.code}: ${ran.stderr.trim().split('\n').slice(-2).join(' ') || ran.stdout.trim().split('\n').slice(-2).join(' ')}`);
  for (const text of step.contains) if (!containsText(output, text)) problems.push(`printed no "${text}" (it printed: ${output.trim().split('\n').slice(0, 6).join(' | ')})`);
  if (step.sample) problems.push(...sampleProblems(step.sample, ran.stdout).map((p) => `output unlike the sample: ${p}`));
  const stated = statedResults(step.comment);
  if (stated.length > 0) {
    const seen = await observe(scopeOf(step), options.cwd, options.env);
    for (const { result, match } of stated) problems.push(...result.judge(match, seen).map((p) => `"${match[0]}": ${p}`));
  }
  return problems;
}

/** Runs the steps in order; stops at the first that fails. */
export async function runSteps(steps: readonly Step[], options: RunOptions): Promise<StepResult[]> {
  const results: StepResult[] = [];
  const settleMs = options.settleMs ?? 180_000;
  const timeoutMs = options.commandTimeoutMs ?? 360_000;
  for (const step of steps) {
    const runs = step.where === 'simulated' || (options.mode === 'context' && step.where === 'real cluster');
    if (!runs) { results.push({ step, ran: false, problems: [] }); continue; }
    options.log?.(`${step.file}:${step.line}: ${step.source.split('\n')[0]}`);
    const end = Date.now() + settleMs;
    let ran = await sh(step.source, options.cwd, options.env, timeoutMs);
    let problems = await judge(step, ran, options);
    // A read-only step is run again until it holds; after a change, only its stated results are re-read.
    while (problems.length > 0 && Date.now() < end && !ran.timedOut) {
      await new Promise((r) => setTimeout(r, 1_000));
      if (readOnly(step)) {
        ran = await sh(step.source, options.cwd, options.env, timeoutMs);
        problems = await judge(step, ran, options);
      } else {
        if (problems.some((p) => !p.startsWith('"'))) break;
        problems = await judge(step, ran, options);
      }
    }
    results.push({ step, ran: true, problems, code: ran.code, output: `${ran.stdout}${ran.stderr}` });
    if (problems.length > 0) break;
  }
  return results;
}

/** One line per failed step: where it is, what it ran, what went wrong. */
export const failures = (results: readonly StepResult[]): string[] => results.filter((r) => r.problems.length > 0)
  .map((r) => `${r.step.file}:${r.step.line}: ${r.step.source.split('\n')[0].trim()}: ${r.problems.join('; ')}`);

/**
 * A copy of the repository for a guide to run in: its files (tracked and new, as they are in the
 * working tree), node_modules as links to the repository's packages (its own, empty cache, so a
 * bundle built here is never reused there), and a git repository of its own with one commit, so
 * that `git checkout -- <file>` returns to the copied state.
 */
export function copyRepo(root: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-by-example-guide-'));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr.trim()}`);
    for (const file of listed.stdout.split('\0').filter(Boolean)) {
      const from = path.join(root, file);
      if (!fs.existsSync(from)) continue; // deleted in the working tree
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.copyFileSync(from, path.join(dir, file));
    }
    fs.mkdirSync(path.join(dir, 'node_modules'));
    for (const entry of fs.readdirSync(path.join(root, 'node_modules'))) {
      if (entry === '.cache') continue;
      fs.symlinkSync(path.join(root, 'node_modules', entry), path.join(dir, 'node_modules', entry));
    }
    const git = (...args: string[]) => {
      const r = spawnSync('git', ['-c', 'user.name=guide runner', '-c', 'user.email=guide-runner@localhost', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      if (r.status !== 0) throw new Error(`git ${args[0]} in the copy failed: ${r.stderr.trim()}`);
    };
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'the repository as the guide found it');
    return { dir, remove };
  } catch (e) {
    remove();
    throw e;
  }
}
