// The cluster scripts run as a user runs them, at the process boundary: a real process, its
// PATH, KUBECONFIG, exit code and output. A fake kubectl (fixtures/fake-kubectl.js) stands in
// for kubectl, since there is no cluster here.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { PRUNE_ALLOWLIST } from '../../tools/cluster/deploy';
import { ROOT } from './fake';
import { EXAMPLES } from '../../examples';
import { PROCESS_TIMEOUT_MS } from '../process';

const KNOWN = EXAMPLES.map((e) => e.name).join(', ');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A folder for PATH holding `node` and, unless told otherwise, the fake `kubectl`. */
function binDir(withKubectl: boolean): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'bin-'));
  fs.symlinkSync(process.execPath, path.join(dir, 'node'));
  if (withKubectl) {
    fs.copyFileSync(path.join(__dirname, '..', 'fixtures', 'fake-kubectl.js'), path.join(dir, 'kubectl'));
    fs.chmodSync(path.join(dir, 'kubectl'), 0o755);
  }
  return dir;
}

function kubeconfig(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(tmp, 'kube-')), 'config');
  fs.writeFileSync(file, text);
  return file;
}
const MINIKUBE_CONFIG = 'apiVersion: v1\nkind: Config\ncurrent-context: minikube\n';

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs `node scripts/run.js tools/cluster/cli.ts ARGS` (what npm run deploy/destroy/smoke run) with only this environment. */
function run(args: string[], env: NodeJS.ProcessEnv, command = process.execPath, prefix = ['scripts/run.js', 'tools/cluster/cli.ts']): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, [...prefix, ...args], { cwd: ROOT, env: { HOME: tmp, ...env }, timeout: PROCESS_TIMEOUT_MS, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lines = (text: string) => text.split('\n').filter(Boolean);

// Each test starts its own processes with its own files: they run side by side.

describe('npm run deploy / destroy / smoke, run as a user runs them', () => {
  const withKubectl = binDir(true);
  const withoutKubectl = binDir(false);

  test.concurrent('an unknown example: exit 1 and one line that lists the known ones', async () => {
    const r = await run(['deploy', 'nope'], { PATH: withKubectl });
    expect([r.code, r.stdout, lines(r.stderr)]).toEqual([1, '', [`deploy: unknown example "nope": known examples are ${KNOWN}`]]);
  });

  test.concurrent('kubectl not on PATH', async () => {
    const r = await run(['deploy', 'services'], { PATH: withoutKubectl, KUBECONFIG: kubeconfig(MINIKUBE_CONFIG) });
    expect([r.code, lines(r.stderr)]).toEqual([1, ['deploy: kubectl not found on PATH: install it (https://kubernetes.io/docs/tasks/tools/) and try again']]);
  });

  test.concurrent('KUBECONFIG is an empty file: no current context', async () => {
    const r = await run(['deploy', 'services'], { PATH: withKubectl, KUBECONFIG: kubeconfig('') });
    expect([r.code, lines(r.stderr)]).toEqual([1, [
      'deploy: no current kube context: start a cluster (minikube start) or choose one (kubectl config get-contexts, then kubectl config use-context NAME)',
    ]]);
  });

  test.concurrent('the cluster does not answer', async () => {
    const r = await run(['deploy', 'services'], { PATH: withKubectl, KUBECONFIG: kubeconfig(MINIKUBE_CONFIG), FAKE_KUBECTL_SCENARIO: 'unreachable' });
    expect([r.code, r.stdout, lines(r.stderr)]).toEqual([1, '', [
      'deploy: cannot reach the cluster of context "minikube": The connection to the server 192.168.49.2:8443 was refused - did you specify the right host or port? (is it running? minikube status)',
    ]]);
  });

  test.concurrent('smoke with no cluster says it found none and checked nothing', async () => {
    const r = await run(['smoke', 'services'], { PATH: withKubectl, KUBECONFIG: kubeconfig(MINIKUBE_CONFIG), FAKE_KUBECTL_SCENARIO: 'unreachable' });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^smoke: found no cluster to test, nothing was checked: cannot reach the cluster of context "minikube": /)]);
  });

  test.concurrent('a deploy on a healthy cluster: the exact kubectl invocations, exit 0', async () => {
    const log = path.join(tmp, 'deploy.log');
    const r = await run(['deploy', 'deployment'], { PATH: withKubectl, KUBECONFIG: kubeconfig(MINIKUBE_CONFIG), FAKE_KUBECTL_LOG: log });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(lines(fs.readFileSync(log, 'utf8')).map((l) => JSON.parse(l))).toEqual([
      ['config', 'current-context'],
      ['version', '--output=json', '--request-timeout=10s'],
      // The fake cluster has no CRDs: the Gateway API kinds stay off the allowlist, which kubectl would refuse.
      ['get', 'customresourcedefinitions', 'gateways.gateway.networking.k8s.io', 'httproutes.gateway.networking.k8s.io', '--output=name'],
      ['apply', '-f', 'dist/minikube/deployment.yaml', '--prune', '-l', 'app.kubernetes.io/part-of=deployment-demo',
        ...PRUNE_ALLOWLIST.filter((k) => !k.startsWith('gateway.networking.k8s.io/')).map((k) => `--prune-allowlist=${k}`)],
      ['rollout', 'status', '-n', 'deployment-demo', 'deployment/web', '--timeout=300s'],
    ]);
    expect(lines(r.stdout)).toEqual([
      'deploy: dist/minikube/deployment.yaml → context "minikube" (Kubernetes v1.31.2)',
      'namespace/example configured (fake, from dist/minikube/deployment.yaml)',
      'deployment/web successfully rolled out',
      'deploy: deployment is running in namespace deployment-demo; check it with npm run smoke -- deployment',
    ]);
  });

  test.concurrent('destroy on a healthy cluster', async () => {
    const r = await run(['destroy', 'services'], { PATH: withKubectl, KUBECONFIG: kubeconfig(MINIKUBE_CONFIG) });
    expect([r.code, r.stderr, lines(r.stdout).pop()]).toEqual([0, '', 'destroy: services is gone']);
  });

  test.concurrent('smoke through a real port-forward process, to a local HTTP server standing in for the pods', async () => {
    const server = http.createServer((_req, res) => res.end('Hostname: web-1'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const r = await run(['smoke', 'services'], { PATH: withKubectl, KUBECONFIG: kubeconfig(MINIKUBE_CONFIG), FAKE_FORWARD_PORT: String(port) });
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(lines(r.stdout)).toEqual([
        'ok    Service web :80: HTTP GET / → 200',
        'ok    Service web-nodeport :80: HTTP GET / → 200',
        'ok    Service web-lb :8000: HTTP GET / → 200',
        'ok    Service web-headless :8080: HTTP GET / → 200',
        'skip  Service web-alias: an ExternalName Service is only a DNS alias',
        'smoke: 4 of 4 checks passed in namespace services-demo (context "minikube")',
      ]);
    } finally {
      server.close();
    }
  });

  test.concurrent('through npm run, as the README says (--silent drops npm\'s own header)', async () => {
    const r = await run(['run', '--silent', 'deploy', '--', 'nope'], { PATH: process.env.PATH }, 'npm', []);
    expect([r.code, lines(r.stderr)]).toEqual([1, [`deploy: unknown example "nope": known examples are ${KNOWN}`]]);
  });
});
