// The API server as referee: `--context <ctx>` sends every object to the cluster of a kubectl
// context as a server-side dry run (`kubectl apply --dry-run=server --validate=strict`), one
// object at a time, and turns each refusal into a finding of the `server` family. Nothing is
// created: a dry run only runs admission and validation.
import { spawnSync } from 'child_process';
import { EXIT, InputError } from './load';
import { namespaceOf } from './manifest-set';
import { Finding, Manifest, Rule, objectRef } from './types';

/** The one rule of the server family; its findings come only with --context. */
export const SERVER_RULE: Rule = {
  id: 'server-dry-run',
  family: 'server',
  description: 'the API server of the --context cluster accepts the object in a server-side dry run with strict field validation',
  check: () => [],
};

/** How long one kubectl call may take before it is stopped. */
export const KUBECTL_TIMEOUT_MS = 60_000;

/** The first lines of kubectl's answer, without its `Error from server` framing. */
function reason(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.slice(0, 3).join(' ').replace(/^error: /, '').replace(/^Error from server( \([A-Za-z]+\))?: /, '').slice(0, 600);
}

/**
 * Dry-runs each object on the cluster of `context`. An object whose namespace is made by the
 * same set is not refused for that: a dry run creates no namespace, so it is said as not checked.
 */
export function serverFindings(manifests: readonly Manifest[], context: string, timeoutMs = KUBECTL_TIMEOUT_MS): { findings: Finding[]; unchecked: string[] } {
  const findings: Finding[] = [];
  const unchecked: string[] = [];
  const namespaces = new Set(manifests.filter((m) => m.object.kind === 'Namespace').map((m) => m.object.metadata?.name));
  for (const m of manifests) {
    const result = spawnSync('kubectl', ['--context', context, 'apply', '--dry-run=server', '--validate=strict', '-o', 'name', '-f', '-'], {
      input: JSON.stringify(m.object), encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024,
    });
    if (result.error) {
      const code = (result.error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new InputError('--context needs kubectl on PATH', EXIT.server);
      if (code === 'ETIMEDOUT') throw new InputError(`kubectl --context ${context} did not answer within ${Math.round(timeoutMs / 1000)} s`, EXIT.server);
      throw new InputError(`kubectl --context ${context} failed: ${result.error.message}`, EXIT.server);
    }
    if (result.status === 0) continue;
    const why = reason(result.stderr ?? '');
    if (/context .* does not exist|no context exists|Unable to connect to the server|connection refused|dial tcp|i\/o timeout|certificate/i.test(why)) {
      throw new InputError(`kubectl --context ${context} cannot reach a cluster: ${why}`, EXIT.server);
    }
    const namespace = namespaceOf(m.object);
    if (/namespaces? "[^"]+" not found/.test(why) && namespaces.has(namespace)) {
      unchecked.push(`${objectRef(m.object)} (its Namespace is in the manifests, and a dry run creates none)`);
      continue;
    }
    findings.push({ rule: SERVER_RULE.id, file: m.file, object: objectRef(m.object), path: '(object)', message: `the API server refuses it: ${why}` });
  }
  return { findings, unchecked };
}
