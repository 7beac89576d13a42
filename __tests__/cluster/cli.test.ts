// The cluster scripts run as a user runs them, at the process boundary: a real process, its
// PATH, KUBECONFIG, exit code and output. A fake kubectl (fixtures/fake-kubectl.js) stands in
// for kubectl, since there is no cluster here.
import { spawn, spawnSync } from 'child_process';
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

/**
 * A folder for PATH whose `kubectl` is a shell script that runs the fake as a child (no exec),
 * as wrappers of kubectl do: stopping the script alone leaves the fake running.
 */
function wrapperBinDir(): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'wrapper-'));
  fs.symlinkSync(process.execPath, path.join(dir, 'node'));
  const fake = path.join(__dirname, '..', 'fixtures', 'fake-kubectl.js');
  fs.writeFileSync(path.join(dir, 'kubectl'), `#!/bin/sh\n"${process.execPath}" "${fake}" "$@"\necho "kubectl wrapper: done" >&2\n`);
  fs.chmodSync(path.join(dir, 'kubectl'), 0o755);
  return dir;
}

/** A FIFO that nobody writes: a fake kubectl told to hang blocks opening it. */
function fifo(): string {
  const file = path.join(fs.mkdtempSync(path.join(tmp, 'fifo-')), 'never');
  expect(spawnSync('mkfifo', [file]).status).toBe(0);
  return file;
}

/** Whether a process runs (a zombie, killed but not yet reaped, does not). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The pids the fakes recorded in `file`. */
const pidsIn = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : []);

/** Waits until no process of `file` runs (a SIGKILL takes effect when the process is next scheduled), bounded. */
async function noneRunning(file: string): Promise<number[]> {
  const deadline = Date.now() + PROCESS_TIMEOUT_MS;
  while (pidsIn(file).some(running) && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
  return pidsIn(file).filter(running);
}

/** Stops whatever fakes of `file` a failed test left running. */
function killLeft(file: string): void {
  for (const pid of pidsIn(file).filter(running)) process.kill(pid, 'SIGKILL');
}

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
      ['version', '--output=json', '--request-timeout=60s'],
      // The fake cluster has no CRDs: the Gateway API kinds stay off the allowlist, which kubectl would refuse.
      ['get', 'customresourcedefinitions', 'gateways.gateway.networking.k8s.io', 'httproutes.gateway.networking.k8s.io', '--output=name', '--request-timeout=60s'],
      ['apply', '-f', 'dist/minikube/deployment.yaml', '--prune', '-l', 'app.kubernetes.io/part-of=deployment-demo',
        ...PRUNE_ALLOWLIST.filter((k) => !k.startsWith('gateway.networking.k8s.io/')).map((k) => `--prune-allowlist=${k}`),
        '--validate=strict', '--warnings-as-errors', '--request-timeout=60s'],
      ['rollout', 'status', '-n', 'deployment-demo', 'deployment/web', '--timeout=300s'],
      ['rollout', 'status', '-n', 'deployment-demo', 'deployment/toolbox', '--timeout=300s'],
    ]);
    expect(lines(r.stdout)).toEqual([
      'deploy: dist/minikube/deployment.yaml → context "minikube" (Kubernetes v1.31.2)',
      'namespace/example configured (fake, from dist/minikube/deployment.yaml)',
      'deployment/web successfully rolled out',
      'deployment/toolbox successfully rolled out',
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

  describe.each([['kubectl', withKubectl], ['a kubectl wrapper script', wrapperBinDir()]])('through %s', (_name, bin) => {
    test.concurrent('a kubectl call that never answers is stopped after KUBECTL_TIMEOUT, with all it started, and named in one line', async () => {
      const pids = path.join(fs.mkdtempSync(path.join(tmp, 'pids-')), 'pids');
      try {
        const r = await run(['deploy', 'deployment'], {
          PATH: bin, KUBECONFIG: kubeconfig(MINIKUBE_CONFIG), KUBECTL_TIMEOUT: '1', FAKE_KUBECTL_HANG: 'version', FAKE_KUBECTL_FIFO: fifo(), FAKE_KUBECTL_PIDS: pids,
        });
        expect([r.code, r.stdout, lines(r.stderr)]).toEqual([1, '', [
          'deploy: kubectl version --output=json --request-timeout=1s did not finish within 1s and was stopped: is the cluster slow? raise KUBECTL_TIMEOUT (seconds)',
        ]]);
        expect(pidsIn(pids)).toHaveLength(1);
        expect(await noneRunning(pids)).toEqual([]);
      } finally {
        killLeft(pids);
      }
    });

    test.concurrent('a kubectl apply that never answers is named too, without its long flags', async () => {
      const pids = path.join(fs.mkdtempSync(path.join(tmp, 'pids-')), 'pids');
      try {
        const r = await run(['deploy', 'deployment'], {
          PATH: bin, KUBECONFIG: kubeconfig(MINIKUBE_CONFIG), KUBECTL_TIMEOUT: '1', FAKE_KUBECTL_HANG: 'apply', FAKE_KUBECTL_FIFO: fifo(), FAKE_KUBECTL_PIDS: pids,
        });
        expect([r.code, lines(r.stderr)]).toEqual([1, [
          'deploy: kubectl apply -f dist/minikube/deployment.yaml --prune -l app.kubernetes.io/part-of=deployment-demo --prune-allowlist=… '
            + '--validate=strict --warnings-as-errors --request-timeout=1s did not finish within 1s and was stopped: is the cluster slow? raise KUBECTL_TIMEOUT (seconds)',
        ]]);
        expect(await noneRunning(pids)).toEqual([]);
      } finally {
        killLeft(pids);
      }
    });

    test.concurrent('smoke prints its summary, exits, and leaves no port-forward running', async () => {
      const server = http.createServer((_req, res) => res.end('Hostname: web-1'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const pids = path.join(fs.mkdtempSync(path.join(tmp, 'pids-')), 'pids');
      try {
        const port = (server.address() as net.AddressInfo).port;
        const r = await run(['smoke', 'services'], { PATH: bin, KUBECONFIG: kubeconfig(MINIKUBE_CONFIG), FAKE_FORWARD_PORT: String(port), FAKE_KUBECTL_PIDS: pids });
        expect([r.code, lines(r.stdout).pop()]).toEqual([0, 'smoke: 4 of 4 checks passed in namespace services-demo (context "minikube")']);
        expect(pidsIn(pids)).toHaveLength(4);
        expect(await noneRunning(pids)).toEqual([]);
      } finally {
        server.close();
        killLeft(pids);
      }
    });
  });

  test.concurrent('KUBECTL_TIMEOUT that is not a duration: one line', async () => {
    const r = await run(['deploy', 'deployment'], { PATH: withKubectl, KUBECONFIG: kubeconfig(MINIKUBE_CONFIG), KUBECTL_TIMEOUT: 'soon' });
    expect([r.code, lines(r.stderr)]).toEqual([1, ['deploy: KUBECTL_TIMEOUT "soon" is not a duration: give seconds (60 or 60s) or minutes (2m)']]);
  });

  test.concurrent.each([
    ['names a file that does not exist', () => path.join(tmp, 'no-such-kubeconfig'),
      (f: string) => `the kubeconfig ${f} (from KUBECONFIG) does not exist: set KUBECONFIG to your kubeconfig file, or unset it to use ~/.kube/config`],
    ['is not YAML', () => kubeconfig('apiVersion: v1\nclusters: [\n'),
      (f: string) => `the kubeconfig ${f} is not valid YAML (Flow sequence in block collection must be sufficiently indented and end with a ]): fix it, or set KUBECONFIG to another file`],
    ['is YAML but no kubeconfig', () => kubeconfig('garbage\n'),
      (f: string) => `the kubeconfig ${f} is not a kubeconfig: it holds a string, not a mapping of clusters, contexts and users`],
    ['is a folder', () => fs.mkdtempSync(path.join(tmp, 'kube-dir-')),
      (f: string) => `the kubeconfig ${f} is not a file`],
  ])('KUBECONFIG %s: named as such in one line', async (_name, file, message) => {
    const f = file();
    const r = await run(['deploy', 'services'], { PATH: withKubectl, KUBECONFIG: f });
    expect([r.code, lines(r.stderr)]).toEqual([1, [`deploy: ${message(f)}`]]);
  });

  test.concurrent('no KUBECONFIG and no ~/.kube/config: named as such', async () => {
    const home = fs.mkdtempSync(path.join(tmp, 'home-'));
    const r = await run(['deploy', 'services'], { PATH: withKubectl, HOME: home });
    expect([r.code, lines(r.stderr)]).toEqual([1, [
      `deploy: no kubeconfig: ${path.join(home, '.kube', 'config')} does not exist and KUBECONFIG is not set: start a cluster (minikube start writes it) or set KUBECONFIG`,
    ]]);
  });

  test.concurrent('through npm run, as the README says (--silent drops npm\'s own header)', async () => {
    const r = await run(['run', '--silent', 'deploy', '--', 'nope'], { PATH: process.env.PATH }, 'npm', []);
    expect([r.code, lines(r.stderr)]).toEqual([1, [`deploy: unknown example "nope": known examples are ${KNOWN}`]]);
  });
});
