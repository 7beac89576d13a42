// What the guide runner checks beyond exit codes, as pure functions: the shape of a sample
// output against what the command printed, and the results a guide states in a comment, judged
// from the objects the API server returned. Each returns its problems (empty: it holds).
import type { Obj } from '../../e2e/checks';

/**
 * The placeholders a sample output may use for what differs from run to run. Anything else in
 * angle brackets (`<none>`, `<pending>`) is kubectl's own text and must be printed as written.
 */
export const SAMPLE_PLACEHOLDERS: Readonly<Record<string, string>> = {
  hash: '[a-z0-9]{5,10}',
  suffix: '[a-z0-9]{5}',
  age: '\\d+(s|m|h|d)(\\d+(s|m|h))?',
  ip: '\\d{1,3}(\\.\\d{1,3}){3}',
  'cluster-ip': '\\d{1,3}(\\.\\d{1,3}){3}',
  node: '[a-z0-9]([-a-z0-9.]*[a-z0-9])?',
  n: '\\d+',
};

function tokenPattern(token: string): RegExp {
  let pattern = '';
  let rest = token;
  for (;;) {
    const m = /<([a-z-]+)>/.exec(rest);
    if (!m || !(m[1] in SAMPLE_PLACEHOLDERS)) {
      pattern += rest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      break;
    }
    pattern += rest.slice(0, m.index).replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + `(?:${SAMPLE_PLACEHOLDERS[m[1]]})`;
    rest = rest.slice(m.index + m[0].length);
  }
  return new RegExp(`^${pattern}$`);
}

const tokens = (line: string) => line.trim().split(/\s+/).filter(Boolean);
const rowMatches = (sample: string, printed: string) => {
  const s = tokens(sample);
  const p = tokens(printed);
  return s.length === p.length && s.every((t, i) => tokenPattern(t).test(p[i]));
};

/** Groups of lines separated by blank lines (kubectl prints one table per kind). */
const tables = (lines: readonly string[]) => lines.join('\n').split(/\n\s*\n/).map((t) => t.split('\n').filter((l) => l.trim() !== '')).filter((t) => t.length > 0);

/**
 * Whether what a command printed has the sample's shape: the same tables, each with the same
 * header and as many rows, every printed row matching a row of the sample (in any order: names
 * with hashes sort differently each run), words compared one by one, placeholders matching what
 * varies.
 */
export function sampleProblems(sample: readonly string[], printed: string): string[] {
  const want = tables(sample);
  const got = tables(printed.split('\n'));
  if (want.length !== got.length) return [`${got.length} table(s) printed, the sample has ${want.length}`];
  const problems: string[] = [];
  want.forEach((table, t) => {
    const [header, ...rows] = table;
    const [gotHeader, ...gotRows] = got[t];
    if (!rowMatches(header, gotHeader)) problems.push(`printed "${gotHeader.trim()}" where the sample has "${header.trim()}"`);
    if (rows.length !== gotRows.length) problems.push(`${gotRows.length} row(s) under "${tokens(gotHeader).slice(0, 3).join(' ')}", the sample has ${rows.length}: ${gotRows.map((r) => `"${tokens(r).join(' ')}"`).join(', ')}`);
    const free = [...rows];
    for (const row of gotRows) {
      const i = free.findIndex((s) => rowMatches(s, row));
      if (i >= 0) free.splice(i, 1);
      else if (rows.length === gotRows.length) problems.push(`printed row "${tokens(row).join(' ')}" matches no row of the sample`);
    }
  });
  return problems;
}

/** The API objects a stated result is judged from. */
export interface Observed {
  readonly pods: Obj[];
  readonly replicaSets: Obj[];
  readonly nodes: Obj[];
}

const readyAt = (pod: Obj): string | undefined => (pod.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready' && c.status === 'True')?.lastTransitionTime;
const ownedBy = (o: Obj, kind: string, name: string) => (o.metadata?.ownerReferences ?? []).some((r: Obj) => r.kind === kind && r.name === name && r.controller);
const live = (pods: Obj[]) => pods.filter((p) => !p.metadata?.deletionTimestamp);

/** A result a guide states in a comment, and how to judge it. */
export interface StatedResult {
  readonly pattern: RegExp;
  readonly describe: string;
  readonly judge: (m: RegExpExecArray, seen: Observed) => string[];
}

export const STATED_RESULTS: readonly StatedResult[] = [
  {
    pattern: /a new ReplicaSet with (\d+) pods?, the old one with (\d+)/,
    describe: 'the newest ReplicaSet has N ready pods, every older one M',
    judge: (m, seen) => {
      const sets = [...seen.replicaSets].sort((a, b) => Number(a.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0) - Number(b.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0));
      if (sets.length < 2) return [`${sets.length} ReplicaSet(s), the guide speaks of a new one and an old one`];
      const newest = sets[sets.length - 1];
      const problems: string[] = [];
      if (newest.spec?.replicas !== Number(m[1]) || (newest.status?.readyReplicas ?? 0) !== Number(m[1])) {
        problems.push(`the new ReplicaSet ${newest.metadata.name} has ${newest.spec?.replicas} pods (${newest.status?.readyReplicas ?? 0} ready), the guide says ${m[1]}`);
      }
      for (const old of sets.slice(0, -1)) {
        if (old.spec?.replicas !== Number(m[2])) problems.push(`the old ReplicaSet ${old.metadata.name} has ${old.spec?.replicas} pods, the guide says ${m[2]}`);
      }
      return problems;
    },
  },
  {
    pattern: /([a-z0-9-]+) starts after ([a-z0-9-]+) is ready/,
    describe: 'pod A was created after pod B became Ready, and A is Ready',
    judge: (m, seen) => {
      const [after, before] = [m[1], m[2]].map((n) => live(seen.pods).find((p) => p.metadata.name === n));
      if (!after || !before) return [`no pod ${!after ? m[1] : m[2]}`];
      const ready = readyAt(before);
      if (!ready) return [`${m[2]} is not Ready`];
      if (!readyAt(after)) return [`${m[1]} is not Ready`];
      return Date.parse(after.metadata.creationTimestamp) >= Date.parse(ready) ? [] : [`${m[1]} was created at ${after.metadata.creationTimestamp}, before ${m[2]} was Ready (${ready})`];
    },
  },
  {
    pattern: /one ([a-z0-9-]+) pod on every node/,
    describe: 'the DaemonSet has exactly one pod on every node',
    judge: (m, seen) => {
      const pods = live(seen.pods).filter((p) => ownedBy(p, 'DaemonSet', m[1]));
      return seen.nodes.flatMap((n) => {
        const here = pods.filter((p) => p.spec?.nodeName === n.metadata.name).length;
        return here === 1 ? [] : [`${here} ${m[1]} pods on node ${n.metadata.name}, the guide says one`];
      });
    },
  },
  {
    pattern: /the ([a-z0-9-]+) pods spread over the nodes/,
    describe: 'the Deployment\'s pods: no node has two more than another (maxSkew 1)',
    judge: (m, seen) => {
      const sets = seen.replicaSets.filter((rs) => ownedBy(rs, 'Deployment', m[1])).map((rs) => rs.metadata.name);
      const pods = live(seen.pods).filter((p) => sets.some((s) => ownedBy(p, 'ReplicaSet', s)));
      if (pods.length === 0) return [`no pods of Deployment ${m[1]}`];
      const schedulable = seen.nodes.filter((n) => !n.spec?.unschedulable);
      const counts = schedulable.map((n) => pods.filter((p) => p.spec?.nodeName === n.metadata.name).length);
      const skew = Math.max(...counts) - Math.min(...counts);
      return skew <= 1 ? [] : [`${m[1]} pods per node ${schedulable.map((n, i) => `${n.metadata.name}=${counts[i]}`).join(', ')}: skew ${skew}, the guide says they spread`];
    },
  },
  {
    pattern: /a new ([a-z0-9-]+) pod stays Pending/,
    describe: 'a pod of that name prefix exists, with no node',
    judge: (m, seen) => (live(seen.pods).some((p) => p.metadata.name.startsWith(`${m[1]}`) && !p.spec?.nodeName && p.status?.phase === 'Pending') ? [] : [`no Pending ${m[1]} pod without a node`]),
  },
];

/** The stated results a comment makes, with the text that names each. */
export function statedResults(comment: string): Array<{ result: StatedResult; match: RegExpExecArray }> {
  return STATED_RESULTS.flatMap((result) => {
    const match = result.pattern.exec(comment);
    return match ? [{ result, match }] : [];
  });
}

/** Whether a printed output contains an expected text, `...` standing for any run of characters. */
export function containsText(printed: string, expected: string): boolean {
  const pattern = expected.split('...').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*?');
  return new RegExp(pattern).test(printed);
}
