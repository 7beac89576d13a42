// Random and hostile YAML, thrown at the validator as a user would give it: whatever the input,
// the answer is an exit code of the table (never 7, "a bug in the validator"), one line per
// problem, in bounded time. fast-check shrinks a failing input to a small one and prints it with
// the seed; FAST_CHECK_SEED=<seed> replays a run (the default seed makes every run the same).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { EXIT, runValidate } from '../../validator/command';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-property-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const file = path.join(tmp, 'input.yaml');

const SEED = Number(process.env.FAST_CHECK_SEED ?? 20_240_601);
const KNOWN_CODES: readonly number[] = Object.values(EXIT).filter((code) => code !== EXIT.internalError);
/** Per input: the validator answers small inputs in milliseconds; this only catches a hang or a blow-up. */
const SECONDS_PER_CASE = 20;

/** Validates `text` as a file; fails the property on exit 7, an unknown code, a stack trace or a hang. */
function answersCleanly(text: string, ...args: string[]): void {
  fs.writeFileSync(file, text);
  const err: string[] = [];
  const start = process.hrtime.bigint();
  const code = runValidate([...args, file], { stdout: () => undefined, stderr: (line) => err.push(line) }, {});
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (code === EXIT.internalError || !KNOWN_CODES.includes(code)) throw new Error(`exit ${code}: ${err.join(' | ')}`);
  for (const line of err) if (!line.startsWith('validate: ') || /\n\s+at /.test(line)) throw new Error(`not a one-line message: ${line}`);
  if (seconds > SECONDS_PER_CASE) throw new Error(`took ${seconds.toFixed(1)} s`);
}

/** Names that are Object's own properties, empty, long or odd: what plain-object lookups trip on. */
const hostileName = fc.constantFrom('constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'prototype', 'length', '', '-', '.', '..', 'default', '1demo', 'a'.repeat(300));
const realName = fc.constantFrom('web', 'db', 'app', 'site', 'test', 'kube-system');
const name = fc.oneof(realName, hostileName, fc.string({ maxLength: 12 }));

const KINDS = ['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Service', 'Ingress', 'ConfigMap', 'Secret', 'PersistentVolumeClaim',
  'ServiceAccount', 'NetworkPolicy', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'Namespace', 'CustomResourceDefinition', 'List', 'Role', 'RoleBinding'];
const API_VERSIONS = ['v1', 'apps/v1', 'batch/v1', 'networking.k8s.io/v1', 'policy/v1', 'autoscaling/v2', 'apiextensions.k8s.io/v1', 'rbac.authorization.k8s.io/v1', 'example.com/v1'];
/** Field names the rules look at, so that random values land where the rules read. */
const FIELDS = ['spec', 'template', 'metadata', 'labels', 'annotations', 'selector', 'matchLabels', 'matchExpressions', 'key', 'operator', 'values', 'containers', 'initContainers',
  'ephemeralContainers', 'name', 'image', 'ports', 'containerPort', 'port', 'targetPort', 'nodePort', 'protocol', 'env', 'envFrom', 'value', 'valueFrom', 'configMapKeyRef',
  'secretKeyRef', 'configMapRef', 'secretRef', 'volumes', 'volumeMounts', 'configMap', 'secret', 'secretName', 'items', 'persistentVolumeClaim', 'claimName', 'resources',
  'requests', 'limits', 'cpu', 'memory', 'securityContext', 'runAsUser', 'runAsNonRoot', 'capabilities', 'add', 'drop', 'seccompProfile', 'type', 'replicas', 'minReplicas',
  'scaleTargetRef', 'kind', 'rules', 'http', 'paths', 'backend', 'service', 'number', 'tls', 'data', 'stringData', 'binaryData', 'jobTemplate', 'serviceName', 'clusterIP',
  'podSelector', 'livenessProbe', 'httpGet', 'restartPolicy', 'hostNetwork', 'volumeClaimTemplates', 'group', 'versions', 'names', 'namespace', 'optional', 'prefix'];
const key = fc.oneof(fc.constantFrom(...FIELDS), hostileName);

/** Scalars as YAML 1.1 and kubectl read them, and the quantities, ports and names the rules parse. */
const scalar = fc.oneof(
  fc.integer(), fc.double(), fc.boolean(), fc.constant(null), name,
  fc.constantFrom('100m', '64Mi', '1e3', '0.5', '-1', '1'.repeat(3000) + 'x', 'http', '8080', 'ALL', 'RuntimeDefault', 'example/app:1.0.0', 'latest', '$(A)', '$$(B)', 'None', 'In', 'Exists'),
);
const value: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 })),
})).value;

/** A Kubernetes-shaped object whose fields hold anything. */
const object = fc.record({
  apiVersion: fc.oneof(fc.constantFrom(...API_VERSIONS), hostileName),
  kind: fc.oneof(fc.constantFrom(...KINDS), hostileName),
  metadata: fc.record({ name, namespace: fc.option(name, { nil: undefined }), labels: fc.option(fc.dictionary(key, scalar, { maxKeys: 3 }), { nil: undefined }) }, { requiredKeys: ['name'] }),
  spec: value,
  items: fc.option(fc.array(value, { maxLength: 3 }), { nil: undefined }),
}, { requiredKeys: ['apiVersion', 'kind'] });

/** Lines of YAML with the constructs that attack a reader: anchors, aliases, merges, tags, nesting, documents. */
const anchor = fc.constantFrom('a', 'b', 'x');
const indent = fc.constantFrom('', '  ', '    ', '\t');
const line = fc.oneof(
  fc.tuple(indent, key, scalar).map(([i, k, v]) => `${i}${k}: ${JSON.stringify(v)}`),
  fc.tuple(indent, key, anchor, scalar).map(([i, k, a, v]) => `${i}${k}: &${a} ${JSON.stringify(v)}`),
  fc.tuple(indent, key, anchor).map(([i, k, a]) => `${i}${k}: &${a}`),
  fc.tuple(indent, key, anchor).map(([i, k, a]) => `${i}${k}: *${a}`),
  fc.tuple(indent, anchor).map(([i, a]) => `${i}<<: *${a}`),
  fc.tuple(indent, anchor, fc.integer({ min: 1, max: 30 })).map(([i, a, n]) => `${i}- [${Array(n).fill(`*${a}`).join(', ')}]`),
  fc.tuple(indent, scalar).map(([i, v]) => `${i}- ${JSON.stringify(v)}`),
  fc.tuple(indent, key, fc.integer({ min: 1, max: 400 })).map(([i, k, n]) => `${i}${k}: ${'['.repeat(n)}${']'.repeat(n)}`),
  fc.tuple(indent, key, fc.constantFrom('!!set {a, b}', '!!binary aGk=', '!!omap [a: 1]', '!!js/function f', '!!int x', '!!map [1]', '|', '>-', '? k', '{a: 1, a: 2}', '[a, b', '"\\u0000"', '~')).map(([i, k, v]) => `${i}${k}: ${v}`),
  fc.constantFrom('---', '...', '--- |', '%YAML 1.2', '%TAG ! tag:x,2000:', '# comment', '', '\uFEFF', 'apiVersion: v1', 'kind: List', 'items:', 'kind: Pod', 'metadata:', 'spec:'),
);
const hostileYaml = fc.tuple(fc.constantFrom('apiVersion: v1\nkind: Pod\n', 'apiVersion: apps/v1\nkind: Deployment\n', 'apiVersion: v1\nkind: List\nitems:\n', 'apiVersion: v1\nkind: constructor\n', ''),
  fc.array(line, { maxLength: 25 })).map(([header, lines]) => header + lines.join('\n'));

const RUNS = 100;

describe('whatever YAML it is given, the validator answers with an exit code of its table, never 7, in bounded time', () => {
  test('Kubernetes-shaped objects with anything in their fields, several to a file', () => {
    expect(() => fc.assert(fc.property(fc.array(object, { minLength: 1, maxLength: 4 }), fc.boolean(), (objects, asList) => {
      const docs = asList ? [{ apiVersion: 'v1', kind: 'List', items: objects }] : objects;
      answersCleanly(docs.map((o) => stringify(o, { version: '1.1', aliasDuplicateObjects: false })).join('---\n'));
    }), { numRuns: RUNS, seed: SEED })).not.toThrow();
  });

  test('lines of YAML with anchors, aliases, merges, tags, nesting and document markers', () => {
    expect(() => fc.assert(fc.property(hostileYaml, (text) => answersCleanly(text)), { numRuns: RUNS, seed: SEED })).not.toThrow();
  });

  test('any text at all, and any text under small size limits', () => {
    expect(() => fc.assert(fc.property(fc.string({ maxLength: 300, unit: 'binary' }), fc.boolean(), (text, limited) => {
      answersCleanly(text, ...(limited ? ['--max-file-size', '64', '--max-total-size', '100'] : []));
    }), { numRuns: RUNS, seed: SEED })).not.toThrow();
  });

  test('a valid set with random edits: characters inserted, deleted or replaced', () => {
    const good = fs.readFileSync(path.join(__dirname, 'fixtures', 'valid', 'batch.yaml'), 'utf8');
    const edit = fc.tuple(fc.nat({ max: good.length }), fc.nat({ max: 5 }), fc.string({ maxLength: 4, unit: fc.constantFrom(':', '-', ' ', '\n', '&', '*', '[', '{', '"', '#', '!', '|', 'a', '0') }));
    expect(() => fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
      let text = good;
      for (const [at, remove, insert] of edits) text = text.slice(0, at) + insert + text.slice(at + remove);
      answersCleanly(text);
    }), { numRuns: RUNS, seed: SEED })).not.toThrow();
  });
});
