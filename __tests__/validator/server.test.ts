// --context: every object goes to a real API server as a server-side dry run. A fake kubectl
// (fixtures/fake-kubectl-dry-run.js) stands in for the cluster: it answers as an API server does.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXIT } from '../../validator/command';
import { PROCESS_TIMEOUT_MS } from '../process';

const ROOT = path.join(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-server-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const bin = path.join(tmp, 'bin');
fs.mkdirSync(bin);
fs.copyFileSync(path.join(ROOT, '__tests__', 'fixtures', 'fake-kubectl-dry-run.js'), path.join(bin, 'kubectl'));
fs.chmodSync(path.join(bin, 'kubectl'), 0o755);
const log = path.join(tmp, 'kubectl.log');

function validate(pathDirs: string, ...args: string[]) {
  return spawnSync(process.execPath, ['scripts/run.js', 'validator/cli.ts', ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: PROCESS_TIMEOUT_MS, killSignal: 'SIGKILL',
    env: { ...process.env, PATH: pathDirs, FAKE_KUBECTL_LOG: log },
  });
}

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

const deployment = (replicas: number, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "example/web:1"${extra}}]
`;

describe('--context: the API server as referee', () => {
  test('each object is dry-run on the server with strict validation; a refusal is a server finding beside the validator\'s own', () => {
    fs.rmSync(log, { force: true });
    const file = write('negative.yaml', deployment(-1));
    const result = validate(`${bin}${path.delimiter}${process.env.PATH}`, '--context', 'kind-test', '--format', 'json', '--skip', 'pod-security,runs-on-minikube,hardening', file);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(EXIT.findings);
    const report = JSON.parse(result.stdout);
    expect(report.findings.map((f: { rule: string; family: string }) => `${f.family}/${f.rule}`)).toEqual(['schema/number-range', 'server/server-dry-run']);
    expect(report.findings[1].message).toBe('the API server refuses it: The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    expect(fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      ['--context', 'kind-test', 'apply', '--dry-run=server', '--validate=strict', '-o', 'name', '-f', '-'],
    ]);
  });

  test('what the server accepts is no finding; an object whose Namespace only the manifests make is said as not checked', () => {
    const file = write('ok.yaml', `${deployment(1)}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\ndata: {a: b}\n`);
    const result = validate(`${bin}${path.delimiter}${process.env.PATH}`, '--context', 'kind-test', '--skip', 'pod-security,runs-on-minikube,hardening', file);
    expect(result.status).toBe(EXIT.clean);
    expect(result.stdout).toContain('not checked by the API server: ConfigMap/shop/c (its Namespace is in the manifests, and a dry run creates none)');
  });

  test('a field the validator does not know and the server refuses shows up as a server finding', () => {
    const file = write('unknown.yaml', deployment(1, ', madeUp: true'));
    const result = validate(`${bin}${path.delimiter}${process.env.PATH}`, '--context', 'kind-test', '--format', 'json', '--skip', 'schema,pod-security,runs-on-minikube,hardening', file);
    expect(JSON.parse(result.stdout).findings.map((f: { rule: string }) => f.rule)).toEqual(['server-dry-run']);
  });

  test('a cluster that cannot be reached, or no kubectl: one line and exit code 9', () => {
    const file = write('reach.yaml', deployment(1));
    const unreachable = validate(`${bin}${path.delimiter}${process.env.PATH}`, '--context', 'unreachable', file);
    expect(unreachable.status).toBe(EXIT.server);
    expect(unreachable.stderr).toBe('validate: kubectl --context unreachable cannot reach a cluster: Unable to connect to the server: dial tcp 127.0.0.1:6443: connect: connection refused\n');
    const empty = path.join(tmp, 'empty-bin');
    fs.mkdirSync(empty, { recursive: true });
    const missing = validate(empty, '--context', 'kind-test', file);
    expect(missing.status).toBe(EXIT.server);
    expect(missing.stderr).toBe('validate: --context needs kubectl on PATH\n');
  });
});
