// Input an attacker or a clumsy user might give the validator: each is one clear line with its own
// exit code (never 7, "a bug in the validator"), in bounded time and memory.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { validate } from '../../validator';
import { EXIT, runValidate } from '../../validator/command';
import { MAX_DEPTH } from '../../validator/load';
import { PROCESS_TIMEOUT_MS } from '../process';

const ROOT = path.join(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-hostile-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runValidate(args, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) }, {});
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'in-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/**
 * Runs `fn` and fails when it took longer than `seconds`. The limits are many times what the
 * work takes on a loaded machine: they catch a hang or a quadratic blow-up, not a slow run.
 */
function bounded<T>(seconds: number, fn: () => T): T {
  const start = process.hrtime.bigint();
  const result = fn();
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  expect(elapsed).toBeLessThan(seconds);
  return result;
}

const pod = (name: string, cpu = '100m', namespace = 'test') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: app
    image: example/app:1.0.0
    securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
    resources: {requests: {cpu: "${cpu}", memory: 64Mi}, limits: {memory: 64Mi}}
`;

/** The exit code and the lines on stderr, to compare with one line that matches `message`. */
function answer(result: ReturnType<typeof run>) {
  return { code: result.code, err: result.err.split('\n') };
}
const oneLine = (code: number, message: RegExp) => ({ code, err: [expect.stringMatching(message)] });

describe('files that are not regular files', () => {
  test('a FIFO and a link to /dev/zero named *.yaml: refused without reading, exit 3 (through a process, which a hang would not end)', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'special-'));
    const made = spawnSync('mkfifo', [path.join(dir, 'pipe.yaml')], { timeout: PROCESS_TIMEOUT_MS });
    expect(made.status).toBe(0);
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
    const cli = spawnSync(process.execPath, ['scripts/run.js', 'validator/cli.ts', dir], { cwd: ROOT, encoding: 'utf8', timeout: PROCESS_TIMEOUT_MS, killSignal: 'SIGKILL' });
    expect(cli.signal).toBeNull();
    expect(cli.status).toBe(EXIT.missingPath);
    expect(cli.stderr.trim().split('\n')).toEqual([
      `validate: ${path.join(dir, 'pipe.yaml')}: cannot check it: it is a FIFO (named pipe), not a regular file`,
      `validate: ${path.join(dir, 'zero.yaml')}: cannot check it: it is a character device, not a regular file`,
    ]);
  });

  test('a device named on the command line', () => {
    expect(answer(run('/dev/null'))).toEqual(oneLine(EXIT.missingPath, /^validate: \/dev\/null: cannot check it: it is a character device, not a regular file$/));
  });

  test('a folder that cannot be read: one line, exit 3', () => {
    const dir = folder({ 'a.yaml': pod('a') });
    const locked = path.join(dir, 'locked');
    fs.mkdirSync(locked);
    // As root every folder is readable, so the refusal is simulated for that one folder.
    const realFs = jest.requireActual<typeof fs>('fs');
    const readdir = realFs.readdirSync;
    const spy = jest.spyOn(realFs, 'readdirSync').mockImplementation(((p: fs.PathLike, options?: unknown) => {
      if (String(p) === locked) throw Object.assign(new Error(`EACCES: permission denied, scandir '${locked}'`), { code: 'EACCES' });
      return (readdir as (p: fs.PathLike, o?: unknown) => unknown)(p, options);
    }) as typeof fs.readdirSync);
    try {
      expect(answer(run(dir))).toEqual(oneLine(EXIT.missingPath, new RegExp(`^validate: ${locked.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read this folder \\(EACCES\\)$`)));
    } finally {
      spy.mockRestore();
    }
  });
});

describe('size limits', () => {
  test('a file over the limit for one file is refused before it is read; --max-file-size raises the limit', () => {
    const dir = folder({ 'big.yaml': `${pod('a')}# ${'x'.repeat(2000)}\n` });
    expect(answer(run('--max-file-size', '1Ki', dir))).toEqual(oneLine(EXIT.overLimit,
      /^validate: .*big\.yaml: the file is over the limit of 1Ki for one file \(raise it with --max-file-size\)$/));
    expect(run('--max-file-size', '4Ki', dir).code).toBe(EXIT.clean);
  });

  test('the default limit holds for a huge sparse file, which is not read', () => {
    const file = path.join(folder({}), 'sparse.yaml');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 17 * 2 ** 20);
    expect(answer(bounded(30, () => run(file)))).toEqual(oneLine(EXIT.overLimit, /the file is over the limit of 16Mi for one file/));
  });

  test('all files together over the limit: said once; --max-total-size raises the limit', () => {
    const dir = folder({ 'a.yaml': pod('a'), 'b.yaml': pod('b'), 'c.yaml': pod('c') });
    expect(answer(run('--max-total-size', '1Ki', dir))).toEqual(oneLine(EXIT.overLimit,
      /^validate: .*\.yaml: the files together are over the limit of 1Ki \(raise it with --max-total-size\)$/));
    expect(run('--max-total-size', '1Mi', dir).code).toBe(EXIT.clean);
  });

  test('a bad size is a usage error', () => {
    expect(answer(run('--max-file-size', 'lots'))).toEqual(oneLine(EXIT.usage, /^validate: --max-file-size "lots" is not a size such as 64Mi or 1Gi \(see --help\)$/));
    expect(answer(run('--max-total-size', '0'))).toEqual(oneLine(EXIT.usage, /^validate: --max-total-size "0" is not a size/));
  });
});

describe('YAML that is valid but hostile, or not valid', () => {
  const bomb = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 9 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`)].join('\n');
  const cases: Array<[string, string, number, RegExp]> = [
    ['an alias bomb', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  ${bomb.replace(/\n/g, '\n  ')}\n`, EXIT.overLimit,
      /: document 1: its aliases expand it to more than \d+ values \(an alias bomb\?\): write the repeated parts out$/],
    ['an alias to an undefined anchor', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: *nowhere\n', EXIT.notYaml,
      /: document 1: not valid YAML: an alias names no anchor set before it: nowhere$/],
    ['an alias inside its own anchor', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: &loop {a: *loop}\n', EXIT.notYaml,
      /: document 1: not valid YAML: an alias refers to a value that contains it \(a cycle\)$/],
    ['more aliases than the limit', `apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: a}\ndata: [${Array(10_001).fill('*m').join(', ')}]\n`, EXIT.overLimit,
      /: document 1: uses 10001 aliases, over the limit of 10000$/],
    ['values nested deeper than the limit', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: ${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}\n`, EXIT.overLimit,
      new RegExp(`: document 1: values nest more than ${MAX_DEPTH} levels deep, over the limit$`)],
    ['values nested deeper than the parser can go', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`, EXIT.overLimit,
      /: document 1: values nest too deeply to read$/],
    ['a key twice in one mapping', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  a: x\n  a: y\n', EXIT.notYaml,
      /\.yaml:6: not valid YAML: map keys must be unique: "a" is there twice$/],
  ];
  test.each(cases)('%s: one line, its own exit code', (_, text, exitCode, message) => {
    expect(answer(bounded(30, () => run(folder({ 'm.yaml': text }))))).toEqual(oneLine(exitCode, message));
  });

  test('a kind: List that reuses one anchor in every item is read like kubectl reads it', () => {
    const items = Array.from({ length: 500 }, (_, i) => `- {<<: *base, metadata: {name: c${i}, namespace: test}}`).join('\n');
    const text = `apiVersion: v1\nkind: List\nitems:\n- &base {apiVersion: v1, kind: ConfigMap, metadata: {name: base, namespace: test}, data: {a: b}}\n${items}\n`;
    const result = run(folder({ 'list.yaml': text }));
    expect(result.err).toBe('');
    expect(result.out).toBe('no findings: 501 objects in 1 file (1 set checked together), against Kubernetes 1.28 and 1.36');
  });
});

describe('kinds and keys that are names of Object\'s own properties', () => {
  const names = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];
  test.each(names)('kind: %s is an unknown kind, not a crash', (name) => {
    const text = `apiVersion: v1\nkind: ${name}\nmetadata: {name: a, namespace: test}\nspec: {template: {spec: {containers: []}}}\n`;
    const { code, out, err } = run(folder({ 'm.yaml': text }));
    expect(err).toBe('');
    expect(code).toBe(EXIT.findings);
    expect(out).toContain(`  ${name}/test/a\n    kind: Kubernetes has no kind "${name}" in v1 [api-version]`);
  });

  test.each(names)('apiVersion, kind and label key %s: a selector on that key selects no pod without it', (name) => {
    const text = `${pod('a')}---
apiVersion: ${name}
kind: ${name}
metadata: {name: ${name === '__proto__' ? 'proto' : name.toLowerCase()}, namespace: test, labels: {${name}: x}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: test}
spec: {selector: {${name}: x}, ports: [{port: 80}]}
`;
    const { code, out, err } = run(folder({ 'm.yaml': text }));
    expect(err).toBe('');
    expect(code).toBe(EXIT.findings);
    expect(out).toContain('\n  Service/test/web\n');
    expect(out).toContain(`\n    spec.selector: selects no pods: no pod template in namespace "test" has the labels {"${name}":"x"} [service-selector]\n`);
  });
});

describe('namespaces', () => {
  const cm = (namespace?: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'site', ...(namespace === undefined ? {} : { namespace }) }, data: { a: 'b' } });
  test('an object without a namespace and one in "default" are in the same namespace', () => {
    const findings = validate([cm(), cm('default')].map((object, index) => ({ file: 'm.yaml', index, object })));
    expect(findings.map((f) => `${f.object}: ${f.message} [${f.rule}]`)).toEqual(['ConfigMap/default/site: is defined twice: also in m.yaml (document 1) [unique-object]']);
    expect(validate([cm(), cm('other')].map((object, index) => ({ file: 'm.yaml', index, object })))).toEqual([]);
  });

  test('a Service without a namespace selects the pods of a Deployment in "default", and a reference finds its ConfigMap', () => {
    const manifests = `${pod('web', '100m', 'default').replace('metadata: {name: web, namespace: default}', 'metadata: {name: web, namespace: default, labels: {app: web}}')}---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
`;
    const { out } = run(folder({ 'm.yaml': manifests }));
    expect(out).not.toContain('[service-selector]');
    expect(out).toContain('  Service/web\n    spec.ports[0].targetPort: targets port 8080, which the pods of Pod "web" do not declare (they declare no ports) [service-target-port]');
  });
});

describe('long inputs take time in proportion to their size', () => {
  test('a quantity of 200,000 digits, in a manifest and in --cpu-budget', () => {
    const long = `${'1'.repeat(200_000)}x`;
    const result = bounded(30, () => run(folder({ 'm.yaml': pod('a', long) })));
    expect(result.code).toBe(EXIT.findings);
    expect(result.out).toContain('spec.containers[0].resources.requests.cpu: must be a quantity such as 250m, 0.5, 64Mi or 1G');
    expect(bounded(30, () => run('--cpu-budget', long)).code).toBe(EXIT.usage);
  });

  test('one mapping with 100,000 keys', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `  k${i}: v`).join('\n');
    const result = bounded(60, () => run(folder({ 'm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: test}\ndata:\n${keys}\n` })));
    expect(result.out).toBe('no findings: 1 object in 1 file (1 set checked together), against Kubernetes 1.28 and 1.36');
  });

  test('an unknown field with a name of a million characters', () => {
    const result = bounded(30, () => run(folder({ 'm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: test}\n? ${'x'.repeat(1_000_000)}\n: 1\n` })));
    expect(result.code).toBe(EXIT.findings);
    expect(result.out).toContain('is not a field of ConfigMap [unknown-field]');
  });

  test('half a million empty documents are read one at a time: the process needs no more than 200 MB of heap', () => {
    const file = path.join(folder({}), 'dashes.yaml');
    fs.writeFileSync(file, '---\n'.repeat(500_000));
    const cli = spawnSync(process.execPath, ['--max-old-space-size=200', 'scripts/run.js', 'validator/cli.ts', file], { cwd: ROOT, encoding: 'utf8', timeout: PROCESS_TIMEOUT_MS, killSignal: 'SIGKILL' });
    expect(cli.signal).toBeNull();
    expect(cli.stderr).toBe(`validate: ${file}: no Kubernetes objects in this file\n`);
    expect(cli.status).toBe(EXIT.nothingToCheck);
  });

  test('10,000 Deployments with their Services, budgets and autoscalers in 100 namespaces with quotas: each lookup is indexed, not compared with every object', () => {
    const namespaces = Array.from({ length: 100 }, (_, n) => `ns-${n}`);
    const objects: object[] = namespaces.flatMap((namespace) => [
      { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'defaults', namespace }, spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '1m' } }] } },
      { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'quota', namespace }, spec: { hard: { 'requests.cpu': '100', 'requests.memory': '100Gi', 'pods': '1000' } } },
    ]);
    for (let i = 0; i < 10_000; i++) {
      const namespace = namespaces[i % namespaces.length];
      const labels = { app: `web-${i}` };
      const metadata = { name: `web-${i}`, namespace };
      const spec = {
        securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{
          name: 'app', image: 'example/app:1.0.0', ports: [{ name: 'http', containerPort: 8080 }],
          securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          resources: { requests: { cpu: '1m', memory: '1Mi' }, limits: { memory: '1Mi' } },
        }],
      };
      objects.push(
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec } } },
        { apiVersion: 'v1', kind: 'Service', metadata, spec: { selector: labels, ports: [{ port: 80, targetPort: 'http' }] } },
        { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } },
        { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: metadata.name }, minReplicas: 1, maxReplicas: 2 } },
      );
    }
    const findings = bounded(60, () => validate(objects.map((object, index) => ({ file: 'm.yaml', index, object })), { cpuBudgetMillis: 100_000, memoryBudgetMiB: 100_000 }));
    expect(findings.map((f) => `${f.object}: ${f.message} [${f.rule}]`)).toEqual([]);
  });
});
