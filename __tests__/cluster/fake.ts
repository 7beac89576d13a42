// A stand-in for kubectl in unit tests: answers from a script of rules and records every call.
import * as path from 'path';
import { ClusterDeps } from '../../tools/cluster/common';
import { Kubectl, RunResult } from '../../tools/cluster/kubectl';
import { EXAMPLES } from '../../examples';
import { DEFAULT_PROFILE, PROFILES } from '../../examples/profiles';

export const ROOT = path.join(__dirname, '..', '..');

export type Rule = [match: (args: string[]) => boolean, result: Partial<RunResult> | ((args: string[]) => Partial<RunResult>)];

export const startsWith = (...prefix: string[]) => (args: string[]) => prefix.every((p, i) => args[i] === p);

export const SERVER_VERSION = JSON.stringify({ clientVersion: { major: '1', minor: '32' }, serverVersion: { major: '1', minor: '31', gitVersion: 'v1.31.2' } });

/** A reachable cluster with context "minikube", the IngressClass nginx and the default StorageClass standard, and no CRDs. */
export const HEALTHY: Rule[] = [
  [startsWith('config', 'current-context'), { stdout: 'minikube\n' }],
  [startsWith('version'), { stdout: SERVER_VERSION }],
  [startsWith('get', 'ingressclasses'), { stdout: JSON.stringify({ items: [{ metadata: { name: 'nginx' } }] }) }],
  [startsWith('get', 'storageclasses'), {
    stdout: JSON.stringify({ items: [{ metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } }] }),
  }],
  // No custom resources: kubectl reports each CRD asked for as missing.
  [startsWith('get', 'customresourcedefinitions'), (args) => ({
    code: 1,
    stderr: args.slice(2).filter((a) => !a.startsWith('--')).map((n) => `Error from server (NotFound): customresourcedefinitions.apiextensions.k8s.io "${n}" not found\n`).join(''),
  })],
  [startsWith('apply'), { stdout: 'namespace/x configured\n' }],
  [startsWith('rollout', 'status'), (args) => ({ stdout: `${args[4]} successfully rolled out\n` })],
  [startsWith('get', 'namespace'), (args) => ({ stdout: `namespace/${args[2]}\n` })],
  [startsWith('get', 'secret'), (args) => ({ stdout: `secret/${args[2]}\n` })],
  [startsWith('delete'), { stdout: 'namespace "x" deleted\n' }],
];

/** A Kubectl that answers with the first matching rule (rules given first win) and records its calls. */
export function fakeKubectl(...rules: Rule[][]): Kubectl & { calls: string[][] } {
  const all = rules.flat();
  const calls: string[][] = [];
  const kubectl = (async (args: readonly string[], options?: { onLine?: (line: string) => void }) => {
    calls.push([...args]);
    const rule = all.find(([match]) => match([...args]));
    if (!rule) return { code: 1, stdout: '', stderr: `error: the fake kubectl has no answer for: ${args.join(' ')}` };
    const r = typeof rule[1] === 'function' ? rule[1]([...args]) : rule[1];
    const result = { code: r.code ?? 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    result.stdout.split('\n').filter(Boolean).forEach((l) => options?.onLine?.(l));
    return result;
  }) as Kubectl & { calls: string[][] };
  kubectl.calls = calls;
  return kubectl;
}

/** Dependencies of the cluster commands with this kubectl, collecting the output lines. */
export function deps(kubectl: Kubectl, overrides: Partial<ClusterDeps> = {}): ClusterDeps & { lines: string[] } {
  const lines: string[] = [];
  return {
    root: ROOT,
    examples: EXAMPLES.map((e) => e.name),
    profiles: PROFILES,
    defaultProfile: DEFAULT_PROFILE,
    kubectl,
    out: (line) => lines.push(line),
    lines,
    ...overrides,
  };
}
