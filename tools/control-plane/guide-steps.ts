// The guides as a list of steps a learner runs, in order: every statement of their `sh` blocks
// (and of `console` blocks, whose `$ ` lines are commands and whose other lines the sample of
// what the command prints), with where it can run and what the guide says it does. Pure: it reads
// Markdown and runs nothing (guide-runner.ts runs the steps).
//
// Where a step runs, by one rule over its simple commands (the first that applies wins):
// - "build": the project's own build and tests (`npm ci`, `npm test`, `npm run e2e`, `npm run
//   bench`): CI runs them, not a cluster;
// - "by hand": what the suite never runs, even against a real cluster: making, changing or
//   deleting a cluster or machine (minikube, multipass, k3s's installer, sudo, files under `~`),
//   pointing kubectl at another cluster (`export KUBECONFIG`, `kubectl config use-context`,
//   `minikube start -p`, and every later command of the same block), watches (`-w`), background
//   jobs (`&`), job control (`kill %1`), port-forward, proxy and `logs -f`, which never end by
//   themselves; `git clone` and `kubectl apply -f <URL>`, which fetch from the internet; `npm run sandbox`, which
//   starts or changes a control plane of its own (and every later command of its block);
// - "real cluster": what needs running containers, a kubelet, traffic or a node of the guide's
//   cluster: kubectl logs, exec, attach, port-forward, cp, debug, top, proxy; a command that names
//   a node (drain, cordon, uncordon, taint); `kubectl wait` on a Gateway API object, whose
//   controller the simulated cluster does not run; kubectl in the namespace of a cluster add-on
//   (CLUSTER_NAMESPACES: ingress-nginx, kube-system, ...), whose controllers the simulated cluster
//   does not run; HTTP, DNS and database clients (curl, wget, nslookup,
//   dig, psql, pg_isready); helm; `npm run smoke`; and what a section for a k3s or cloud cluster
//   runs (its title says so: the runner plays profile minikube's cluster). `npm run e2e -- --context <ctx>` runs them;
// - "simulated": everything else the rule knows: kubectl's other verbs, `npm run
//   synth|deploy|destroy|validate|docs`, git, and the shell's text tools. The simulated control
//   plane runs these, and each must exit as the guide implies.
// A program the rule does not know is an error: a new kind of command needs a decision here.
import { CodeBlock, codeBlocks, sections } from '../docs/markdown';
import { Command, Statement, Word, programWords, splitStatements } from '../docs/shell-words';
import { KUBECTL_VALUE_FLAGS, flagValue, hasFlag, parseCommandWords, resolveKind } from '../docs/check/command-words';
import { CLUSTER_NAMESPACES } from '../docs/check/world';

export type Where = 'simulated' | 'real cluster' | 'by hand' | 'build';

export interface Step {
  readonly file: string;
  readonly line: number;
  readonly endLine: number;
  /** The `##` (or `###`) section the step is in. */
  readonly section: string;
  /** What is run: the statement's lines as written. */
  readonly source: string;
  readonly commands: Command[];
  /** The comment at the end of the statement ('' when none). */
  readonly comment: string;
  /** The sample output that follows the command in a `console` block. */
  readonly sample?: readonly string[];
  readonly where: Where;
  /** Why the step runs where it does, in a few words. */
  readonly reason: string;
  /** Whether the guide says the command fails (`# fails: ...`, `# refused: ...`, or `auth can-i` answering `no`). */
  readonly fails: boolean;
  /** Texts the output contains, from the comment: `# "..."`, `# fails: ...`, `auth can-i`'s `# yes` / `# no`. */
  readonly contains: readonly string[];
}

/** Programs the simulated control plane runs. */
const SIMULATED_PROGRAMS = new Set(['kubectl', 'npm', 'git', 'perl', 'openssl', 'head', 'tail', 'sort', 'uniq', 'grep', 'seq', 'echo', 'cat', 'awk', 'sed', 'true', 'for', 'do', 'done', 'wc', 'base64', 'tr', 'cut', 'jq']);
/** HTTP, DNS and database clients: they talk to pods. */
const NETWORK_CLIENTS = new Set(['curl', 'wget', 'nslookup', 'dig', 'host', 'psql', 'pg_isready', 'nc', 'ping']);
/** Tools that make, change or delete a cluster or a machine. */
const CLUSTER_TOOLS = new Set(['minikube', 'multipass', 'k3s', 'sudo', 'systemctl', 'ssh', 'kind', 'mkdir', 'rm', 'unset', 'export', 'sh']);
/** kubectl verbs that need a kubelet, running containers or metrics. */
const KUBELET_VERBS = new Set(['logs', 'exec', 'attach', 'port-forward', 'cp', 'debug', 'top', 'proxy']);
/** kubectl verbs that name a node of the guide's own cluster. */
const NODE_VERBS = new Set(['drain', 'cordon', 'uncordon', 'taint']);
/** Kinds whose status a controller outside Kubernetes writes (the Gateway API's). */
const CUSTOM_KINDS = new Set(['Gateway', 'HTTPRoute', 'GatewayClass']);
const BUILD_SCRIPTS = new Set(['ci', 'test', 'install', 'e2e', 'bench', 'control-plane:build']);
const SIMULATED_SCRIPTS = new Set(['synth', 'deploy', 'destroy', 'validate', 'docs']);

export interface KubectlCall { readonly verb: string; readonly positionals: Word[]; readonly namespace: string | undefined; readonly args: ReturnType<typeof parseCommandWords> }

/** The verb, positionals and namespace of a kubectl command (words after `kubectl`). */
export function kubectlCall(words: readonly Word[]): KubectlCall | undefined {
  const args = parseCommandWords(words, KUBECTL_VALUE_FLAGS);
  const [verb, ...positionals] = args.positionals;
  if (!verb) return undefined;
  return { verb: verb.text, positionals, namespace: flagValue(args, '-n', '--namespace')?.text, args };
}

/** Whether a command points kubectl at another cluster than the one the guide is for. */
function switchesCluster(words: Word[]): boolean {
  const [program, ...rest] = words;
  if (!program) return false;
  if (program.text === 'export' && rest.some((w) => w.text.startsWith('KUBECONFIG='))) return true;
  if (program.text === 'unset' && rest.some((w) => w.text === 'KUBECONFIG')) return true;
  if (program.text === 'npm' && rest[0]?.text === 'run' && rest[1]?.text === 'sandbox') return true;
  if (program.text === 'minikube' && ['start', 'delete'].includes(rest[0]?.text ?? '')) {
    const profile = rest.findIndex((w) => w.text === '-p' || w.text === '--profile');
    return profile >= 0 && rest[profile + 1]?.text !== 'minikube';
  }
  if (program.text === 'kubectl') {
    const call = kubectlCall(rest);
    return call?.verb === 'config' && call.positionals[0]?.text === 'use-context';
  }
  return false;
}

/** Where one simple command can run, and why; throws for a program the rule does not know. */
export function classifyCommand(command: Command): { where: Where; reason: string } {
  const words = programWords(command.words);
  const program = words[0]?.text ?? '';
  const rest = words.slice(1);
  if (!program) return { where: 'simulated', reason: 'a shell keyword' };
  if (words.some((w) => /^~(\/|$)/.test(w.text) || w.text.startsWith('$HOME'))) return { where: 'by hand', reason: 'a file in your home folder' };
  if (command.words[0]?.text === 'sudo') return { where: 'by hand', reason: 'sudo: changes the machine' };
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(command.words[0]?.text ?? '') && words.length === 0) return { where: 'simulated', reason: 'a shell variable' };
  if (program === 'kill' && rest.some((w) => w.text.startsWith('%'))) return { where: 'by hand', reason: 'job control of a background command' };
  if (CLUSTER_TOOLS.has(program)) return { where: 'by hand', reason: `${program}: makes or changes a cluster or machine` };
  if (NETWORK_CLIENTS.has(program)) return { where: 'real cluster', reason: `${program}: traffic to pods` };
  if (program === 'helm') return { where: 'real cluster', reason: 'helm: installs a controller that runs containers' };
  if (program === 'npm' && rest[0]?.text === 'run' && rest[1]?.text === 'sandbox') return { where: 'by hand', reason: 'npm run sandbox: starts, stops or changes a control plane' };
  if (program === 'npm') {
    const script = rest[0]?.text === 'run' ? rest[1]?.text ?? '' : rest[0]?.text ?? '';
    if (BUILD_SCRIPTS.has(script)) return { where: 'build', reason: `npm ${script}: the project's own build and tests` };
    if (script === 'smoke') return { where: 'real cluster', reason: 'npm run smoke: traffic to pods' };
    if (SIMULATED_SCRIPTS.has(script)) return { where: 'simulated', reason: `npm run ${script}` };
    throw new Error(`${command.line}: npm script "${script}" is not classified (tools/control-plane/guide-steps.ts)`);
  }
  if (program === 'kubectl') {
    const call = kubectlCall(rest);
    if (!call) return { where: 'simulated', reason: 'kubectl' };
    if ([...call.args.flags.get('-f') ?? [], ...call.args.flags.get('--filename') ?? []].some((w) => /^https?:\/\//.test(w.text))) return { where: 'by hand', reason: 'kubectl -f <URL>: fetches from the internet' };
    if (hasFlag(call.args, '-w', '--watch', '--watch-only')) return { where: 'by hand', reason: 'a watch: runs until Ctrl-C' };
    if (['port-forward', 'proxy'].includes(call.verb) || (call.verb === 'logs' && hasFlag(call.args, '-f', '--follow'))) return { where: 'by hand', reason: `kubectl ${call.verb}: runs until Ctrl-C` };
    if (KUBELET_VERBS.has(call.verb)) return { where: 'real cluster', reason: `kubectl ${call.verb}: needs a kubelet and running containers` };
    if (NODE_VERBS.has(call.verb)) return { where: 'real cluster', reason: `kubectl ${call.verb}: names a node of the guide's cluster` };
    if (call.verb === 'wait' && call.positionals.some((w) => CUSTOM_KINDS.has(resolveKind(w.text.split('/')[0])?.kind ?? ''))) {
      return { where: 'real cluster', reason: 'kubectl wait on a custom resource: its controller is not in the simulated cluster' };
    }
    if (call.namespace && call.namespace !== 'default' && CLUSTER_NAMESPACES.includes(call.namespace)) return { where: 'real cluster', reason: `namespace ${call.namespace}: a cluster add-on's` };
    if (call.verb === 'config' && call.positionals[0]?.text === 'use-context') return { where: 'by hand', reason: 'points kubectl at another cluster' };
    return { where: 'simulated', reason: `kubectl ${call.verb}` };
  }
  if (program === 'git' && rest[0]?.text === 'clone') return { where: 'by hand', reason: 'git clone: fetches the repository' };
  if (SIMULATED_PROGRAMS.has(program)) return { where: 'simulated', reason: program };
  throw new Error(`${command.line}: program "${program}" is not classified (tools/control-plane/guide-steps.ts)`);
}

/** A section written for another profile's cluster: its title names k3s or a cloud cluster. */
const OTHER_CLUSTER_SECTION = /\bk3s\b|\bcloud cluster\b/i;

const RANK: Record<Where, number> = { simulated: 0, 'real cluster': 1, 'by hand': 2, build: 3 };

/** Where a statement runs: the most demanding of its commands; a background statement only by hand. */
export function classifyStatement(statement: Statement, afterSwitch: boolean): { where: Where; reason: string } {
  if (afterSwitch) return { where: 'by hand', reason: 'after a command of the block that points kubectl at another cluster' };
  if (/&\s*(#.*)?$/.test(statement.source.trimEnd()) && !/&&\s*(#.*)?$/.test(statement.source.trimEnd())) {
    return { where: 'by hand', reason: 'runs in the background' };
  }
  let best: { where: Where; reason: string } | undefined;
  for (const c of statement.commands) {
    const r = classifyCommand(c);
    if (!best || RANK[r.where] > RANK[best.where]) best = r;
  }
  return best ?? { where: 'simulated', reason: 'no command' };
}

/** What the guide says a step does: fails or not, and texts its output contains. */
export function expectationOf(commands: readonly Command[], comment: string): { fails: boolean; contains: string[] } {
  const contains: string[] = [];
  const words = programWords(commands[0]?.words ?? []);
  const call = words[0]?.text === 'kubectl' ? kubectlCall(words.slice(1)) : undefined;
  if (call?.verb === 'auth' && call.positionals[0]?.text === 'can-i') {
    const answer = /^(yes|no)\b/.exec(comment);
    if (answer) return { fails: answer[1] === 'no', contains: [answer[1]] };
  }
  const failing = /^(fails|refused)\b:?\s*(.*)$/.exec(comment);
  const quoted = (text: string) => [...text.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  if (failing) {
    contains.push(...(failing[2].startsWith('"') ? quoted(failing[2]) : failing[2] ? [failing[2]] : []));
    return { fails: true, contains };
  }
  if (comment.startsWith('"')) contains.push(...quoted(comment));
  return { fails: false, contains };
}

/** The parts of a guide the runner reads: for README.md, its first screen and "Set up a cluster"; for a guide, all of it. */
function guideBlocks(file: string, markdown: string): Array<{ block: CodeBlock; section: string }> {
  const all = codeBlocks(markdown).filter((b) => ['sh', 'bash', 'shell', 'console'].includes(b.lang));
  const found = sections(markdown);
  const headings = markdown.split('\n').map((l, i) => ({ l, i: i + 1 })).filter(({ l }) => /^#{2,3} /.test(l));
  const sectionAt = (line: number) => [...headings].reverse().find((h) => h.i < line)?.l.replace(/^#+ /, '') ?? '(top)';
  const inReadme = (line: number) => {
    const first = found[0]?.line ?? Infinity;
    if (line < first) return true;
    const setup = found.find((s) => s.title === 'Set up a cluster');
    return !!setup && line > setup.line && line < setup.endLine;
  };
  return all.filter((b) => file !== 'README.md' || inReadme(b.line)).map((block) => ({ block, section: sectionAt(block.line) }));
}

/** Every step of a guide, in order, classified. Throws on a command the rule does not know. */
export function guideSteps(file: string, markdown: string): Step[] {
  const steps: Step[] = [];
  for (const { block, section } of guideBlocks(file, markdown)) {
    let switched = false;
    const pieces: Array<{ statement: Statement; sample?: string[] }> = [];
    if (block.lang === 'console') {
      const lines = block.body.split('\n');
      lines.forEach((l, i) => {
        if (!l.startsWith('$ ')) return;
        const [statement] = splitStatements(l.slice(2), block.line + i);
        const sample: string[] = [];
        for (let j = i + 1; j < lines.length && !lines[j].startsWith('$ '); j++) sample.push(lines[j]);
        while (sample.length && sample[sample.length - 1].trim() === '') sample.pop();
        if (statement) pieces.push({ statement, sample });
      });
    } else {
      for (const statement of splitStatements(block.body, block.line)) pieces.push({ statement });
    }
    for (const { statement, sample } of pieces) {
      let where: { where: Where; reason: string };
      try {
        where = classifyStatement(statement, switched);
      } catch (e) {
        throw new Error(`${file}:${(e as Error).message}`, { cause: e });
      }
      if (where.where === 'simulated' && OTHER_CLUSTER_SECTION.test(section)) where = { where: 'real cluster', reason: 'a section for a k3s or cloud cluster: the runner plays minikube' };
      if (statement.commands.some((c) => switchesCluster(programWords(c.words)) || switchesCluster(c.words))) switched = true;
      const { fails, contains } = expectationOf(statement.commands, statement.comment);
      steps.push({
        file, line: statement.line, endLine: statement.endLine, section, source: statement.source, commands: statement.commands,
        comment: statement.comment, sample, ...where, fails, contains,
      });
    }
  }
  return steps;
}

/** How many steps run where, over some guides. */
export function countSteps(steps: readonly Step[]): Record<Where, number> {
  const counts: Record<Where, number> = { simulated: 0, 'real cluster': 0, 'by hand': 0, build: 0 };
  for (const s of steps) counts[s.where]++;
  return counts;
}
