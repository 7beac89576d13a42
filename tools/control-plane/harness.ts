// A Kubernetes control plane on loopback, for the e2e suite: etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler and kwok (simulated kubelets), started directly as child
// processes on free 127.0.0.1 ports, with certificates and a kubeconfig in a temporary folder.
// Every process runs in its own process group and is stopped by PID; a state file records the
// PIDs and the folder, so that the next start cleans up after a run that was killed.
//
// Nothing here binds or dials anything but 127.0.0.1: the fake Nodes' InternalIP is 127.0.0.1
// and the pods' IPs come from a range that nothing connects to.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Binaries, controlPlaneCache } from './build';

/** The fake nodes: three zones, one node each. */
export const NODES = [
  { name: 'node-a', zone: 'zone-a' },
  { name: 'node-b', zone: 'zone-b' },
  { name: 'node-c', zone: 'zone-c' },
] as const;

/** Pod IPs come from here; nothing ever connects to them. */
export const POD_CIDR = '10.244.0.1/16';
export const SERVICE_CIDR = '10.96.0.0/16';
/** The label of the classes the harness creates to make the cluster look like a profile's. */
export const SIMULATED_LABEL = 'k8s-by-example.test/simulated';
const CONTEXT = 'k8s-by-example-e2e';
const NODE_ANNOTATION = 'kwok.x-k8s.io/node';

export interface Logger { (line: string): void }

export interface KubectlResult { code: number; stdout: string; stderr: string; timedOut: boolean }

interface Started { name: string; pid: number; child: ChildProcess; exited: Promise<void>; log: string; bin: string; args: string[] }

interface State { owner: number; dir: string; processes: Array<{ name: string; pid: number }> }

export interface Cluster {
  /** The temporary folder: certificates, kubeconfig, data, logs. Removed by stop(). */
  readonly dir: string;
  readonly kubeconfig: string;
  readonly context: string;
  /** Environment for child processes: KUBECONFIG and a PATH whose first kubectl is the built one. */
  readonly env: NodeJS.ProcessEnv;
  readonly pids: ReadonlyArray<{ name: string; pid: number }>;
  readonly ports: Readonly<Record<string, number>>;
  /** Milliseconds from the first process start to every component ready. */
  readonly upMs: number;
  kubectl(args: readonly string[], options?: { timeoutMs?: number; input?: string }): Promise<KubectlResult>;
  /** Makes the cluster look like a profile's: its StorageClass and IngressClass, both default. */
  useProfile(profile: string): Promise<void>;
  /** Remote addresses of every TCP connection the control plane's processes hold. */
  connections(): string[];
  /** Stops one component (kube-scheduler, kube-controller-manager, kwok) and leaves the rest running. */
  stopComponent(name: string): Promise<void>;
  /** Starts a stopped component again, with the arguments it had, and waits until it is healthy. */
  startComponent(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** The components that can be stopped and started again while the rest runs. */
export const STOPPABLE = ['kube-scheduler', 'kube-controller-manager', 'kwok'];

/** Folder of the state files of running clusters. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(controlPlaneCache(env), 'run');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * Stops what a run that did not finish left behind: for every state file whose owner is gone,
 * kills the recorded process groups (only processes whose command line still names that run's
 * folder, so a reused PID is never hit), removes the folder and the state file. Returns one line
 * per cleaned-up run.
 */
export function cleanStale(dir: string = stateDir()): string[] {
  const cleaned: string[] = [];
  if (!fs.existsSync(dir)) return cleaned;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const full = path.join(dir, file);
    let state: State;
    try {
      state = JSON.parse(fs.readFileSync(full, 'utf8'));
    } catch {
      fs.rmSync(full, { force: true });
      continue;
    }
    if (state.owner !== process.pid && alive(state.owner)) continue; // another run, still going
    const killed: string[] = [];
    for (const p of state.processes) {
      if (alive(p.pid) && cmdline(p.pid).includes(state.dir)) {
        try {
          process.kill(-p.pid, 'SIGKILL');
        } catch {
          process.kill(p.pid, 'SIGKILL');
        }
        killed.push(`${p.name} ${p.pid}`);
      }
    }
    fs.rmSync(state.dir, { recursive: true, force: true });
    fs.rmSync(full, { force: true });
    cleaned.push(`stale cluster of run ${state.owner} cleaned up: ${killed.length ? `killed ${killed.join(', ')}` : 'no process left'}, removed ${state.dir}`);
  }
  return cleaned;
}

/** Free TCP ports on 127.0.0.1, distinct from each other. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  })));
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.error?.message ?? r.stderr.trim().split('\n')[0]} (the harness needs openssl: apt-get install openssl)`);
}

/** A CA, a serving certificate for 127.0.0.1, an admin client certificate, service-account keys. */
function writeCertificates(dir: string): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '7', '-subj', '/CN=k8s-by-example-e2e-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  const sign = (name: string, subject: string, ext: string) => {
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '7', '-extfile', `${name}.ext`], dir);
  };
  sign('serving', '/CN=127.0.0.1', [
    'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth',
    `subjectAltName=IP:127.0.0.1,IP:${SERVICE_CIDR.replace(/0\/\d+$/, '1')},DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local`, '',
  ].join('\n'));
  sign('admin', '/O=system:masters/CN=k8s-by-example-admin', ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=clientAuth', ''].join('\n'));
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  fs.writeFileSync(path.join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  fs.writeFileSync(path.join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
}

function kubeconfigText(dir: string, port: number): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${CONTEXT}`,
    '  cluster:',
    `    server: https://127.0.0.1:${port}`,
    `    certificate-authority: ${path.join(dir, 'ca.crt')}`,
    'users:',
    `- name: ${CONTEXT}-admin`,
    '  user:',
    `    client-certificate: ${path.join(dir, 'admin.crt')}`,
    `    client-key: ${path.join(dir, 'admin.key')}`,
    'contexts:',
    `- name: ${CONTEXT}`,
    '  context:',
    `    cluster: ${CONTEXT}`,
    `    user: ${CONTEXT}-admin`,
    `current-context: ${CONTEXT}`,
    '',
  ].join('\n');
}

/** GET a URL on 127.0.0.1; resolves to the status and body, or undefined when nothing answers. */
function get(url: string, options: https.RequestOptions = {}): Promise<{ status: number; body: string } | undefined> {
  const parsed = new URL(url);
  if (parsed.hostname !== '127.0.0.1') throw new Error(`refusing to connect to ${parsed.hostname}: loopback only`);
  const lib = parsed.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = lib.get(url, { ...options, timeout: 5_000 }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/** How often a readiness check is repeated: the wait itself ends on the condition, not on a clock. */
const POLL_MS = 200;

/** Polls until check() is true, a process exits, or the deadline passes. */
async function until(what: string, check: () => Promise<boolean>, deadlineMs: number, processes: Started[], exitedEarly: () => string | undefined): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const dead = exitedEarly();
    if (dead) throw new Error(`${dead} exited while waiting for ${what}`);
    if (await check()) return;
    if (Date.now() > end) throw new Error(`${what} not ready after ${deadlineMs / 1000} s (logs in ${processes.map((p) => p.log).join(', ')})`);
    await new Promise<void>((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export interface StartOptions {
  binaries: Binaries;
  /** Where the kwok stages file is (written by the build next to the kwok binary). */
  kwokStages?: string;
  log?: Logger;
  env?: NodeJS.ProcessEnv;
  /** Deadline for the whole start, generous for a loaded 2-core machine. */
  readyTimeoutMs?: number;
}

export async function startCluster(options: StartOptions): Promise<Cluster> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const deadline = options.readyTimeoutMs ?? 180_000;
  const states = stateDir(env);
  fs.mkdirSync(states, { recursive: true });
  for (const line of cleanStale(states)) log(line);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-by-example-cp-'));
  const stateFile = path.join(states, `${process.pid}-${path.basename(dir)}.json`);
  const started: Started[] = [];
  const saveState = () => {
    const state: State = { owner: process.pid, dir, processes: started.map((p) => ({ name: p.name, pid: p.pid })) };
    fs.writeFileSync(`${stateFile}.tmp`, JSON.stringify(state));
    fs.renameSync(`${stateFile}.tmp`, stateFile);
  };
  saveState();

  const stopAll = async () => {
    for (const p of [...started].reverse()) {
      if (p.child.exitCode !== null || p.child.signalCode !== null) continue;
      try { process.kill(-p.pid, 'SIGTERM'); } catch { /* gone */ }
      const stopped = await Promise.race([p.exited.then(() => true), new Promise<boolean>((r) => { const t = setTimeout(() => r(false), 15_000); t.unref(); })]);
      if (!stopped) {
        try { process.kill(-p.pid, 'SIGKILL'); } catch { /* gone */ }
        await p.exited;
      }
    }
  };
  // Last resort when the process exits without stop(): kill the groups synchronously.
  const onExit = () => {
    for (const p of started) { try { process.kill(-p.pid, 'SIGKILL'); } catch { /* gone */ } }
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(stateFile, { force: true });
  };
  process.once('exit', onExit);

  const start = (name: string, bin: string, args: string[]) => {
    const logFile = path.join(dir, 'logs', `${name}.log`);
    const fd = fs.openSync(logFile, 'a');
    const child = spawn(bin, args, { cwd: dir, detached: true, stdio: ['ignore', fd, fd], env: { PATH: env.PATH, HOME: dir, TMPDIR: path.join(dir, 'tmp') } });
    fs.closeSync(fd);
    if (child.pid === undefined) throw new Error(`${name} did not start (${bin})`);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const previous = started.findIndex((p) => p.name === name);
    const entry = { name, pid: child.pid, child, exited, log: logFile, bin, args };
    if (previous >= 0) started[previous] = entry;
    else started.push(entry);
    saveState();
  };
  const exitedEarly = () => started.find((p) => p.child.exitCode !== null || p.child.signalCode !== null)?.name;

  const kubeconfig = path.join(dir, 'kubeconfig');
  const binDir = path.dirname(options.binaries.kubectl);
  const childEnv: NodeJS.ProcessEnv = { ...env, KUBECONFIG: kubeconfig, PATH: `${binDir}${path.delimiter}${env.PATH ?? ''}` };
  const kubectl = (args: readonly string[], opts: { timeoutMs?: number; input?: string } = {}) => new Promise<KubectlResult>((resolve) => {
    const child = spawn(options.binaries.kubectl, ['--kubeconfig', kubeconfig, ...args], { env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, opts.timeoutMs ?? 60_000);
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.stdin.end(opts.input ?? '');
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? 1, stdout, stderr, timedOut }); });
  });
  const must = async (what: string, args: readonly string[], opts: { timeoutMs?: number; input?: string } = {}) => {
    const r = await kubectl(args, opts);
    if (r.code !== 0) throw new Error(`${what}: kubectl ${args.join(' ')} ${r.timedOut ? 'timed out' : `exited ${r.code}`}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
    return r;
  };

  const t0 = Date.now();
  try {
    for (const sub of ['logs', 'tmp', 'etcd', 'kcm', 'scheduler']) fs.mkdirSync(path.join(dir, sub));
    writeCertificates(dir);
    const [etcdClient, etcdPeer, apiserver, kcm, scheduler, kwokPort] = await freePorts(6);
    const ports = { etcdClient, etcdPeer, apiserver, kcm, scheduler, kwok: kwokPort };
    fs.writeFileSync(kubeconfig, kubeconfigText(dir, apiserver), { mode: 0o600 });
    const c = (f: string) => path.join(dir, f);

    start('etcd', options.binaries.etcd, [
      '--name=e2e', `--data-dir=${c('etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`, `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=e2e=http://127.0.0.1:${etcdPeer}`, '--initial-cluster-state=new',
      '--unsafe-no-fsync', '--log-level=warn', '--quota-backend-bytes=1073741824',
    ]);
    await until('etcd', async () => (await get(`http://127.0.0.1:${etcdClient}/health`))?.body.includes('"health":"true"') ?? false, deadline, started, exitedEarly);

    start('kube-apiserver', options.binaries['kube-apiserver'], [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiserver}`,
      `--tls-cert-file=${c('serving.crt')}`, `--tls-private-key-file=${c('serving.key')}`, `--cert-dir=${c('tmp')}`,
      `--client-ca-file=${c('ca.crt')}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${c('sa.pub')}`, `--service-account-signing-key-file=${c('sa.key')}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`, '--service-node-port-range=30000-32767',
      '--authorization-mode=Node,RBAC',
      // The apiserver dials a node only for logs, exec, attach and port-forward, which the suite
      // never uses; even then it would dial the node's InternalIP, 127.0.0.1.
      '--kubelet-preferred-address-types=InternalIP',
      // The endpoints of the `kubernetes` Service would be 127.0.0.1, which Endpoints refuse.
      '--endpoint-reconciler-type=none',
      '--profiling=false', '--v=1',
    ]);
    const ca = fs.readFileSync(c('ca.crt'));
    const tls = { ca, cert: fs.readFileSync(c('admin.crt')), key: fs.readFileSync(c('admin.key')) };
    const healthy = (port: number, p = '/healthz') => async () => (await get(`https://127.0.0.1:${port}${p}`, tls))?.body.trim() === 'ok';
    await until('kube-apiserver', healthy(apiserver, '/readyz'), deadline, started, exitedEarly);

    const serving = [`--tls-cert-file=${c('serving.crt')}`, `--tls-private-key-file=${c('serving.key')}`];
    const delegated = [`--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`];
    start('kube-controller-manager', options.binaries['kube-controller-manager'], [
      `--kubeconfig=${kubeconfig}`, ...delegated, ...serving,
      '--bind-address=127.0.0.1', `--secure-port=${kcm}`, `--cert-dir=${c('kcm')}`,
      '--leader-elect=false', '--enable-hostpath-provisioner',
      `--root-ca-file=${c('ca.crt')}`, `--service-account-private-key-file=${c('sa.key')}`,
      '--use-service-account-credentials=false', `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--profiling=false', '--v=1',
    ]);
    start('kube-scheduler', options.binaries['kube-scheduler'], [
      `--kubeconfig=${kubeconfig}`, ...delegated, ...serving,
      '--bind-address=127.0.0.1', `--secure-port=${scheduler}`, `--cert-dir=${c('scheduler')}`,
      '--leader-elect=false', '--profiling=false', '--v=1',
    ]);
    const kwokArgs = [
      `--kubeconfig=${kubeconfig}`,
      `--manage-nodes-with-annotation-selector=${NODE_ANNOTATION}=fake`,
      `--cidr=${POD_CIDR}`, '--node-ip=127.0.0.1', `--node-port=${kwokPort}`,
      `--server-address=127.0.0.1:${kwokPort}`, '--node-lease-duration-seconds=40',
      ...serving,
    ];
    if (options.kwokStages) kwokArgs.push(`--config=${options.kwokStages}`);
    start('kwok', options.binaries.kwok, kwokArgs);
    await until('kube-controller-manager', healthy(kcm), deadline, started, exitedEarly);
    await until('kube-scheduler', healthy(scheduler), deadline, started, exitedEarly);

    await must('create the nodes', ['apply', '-f', '-', '--request-timeout=30s'], { input: nodesYaml() });
    await must('wait for the nodes', ['wait', '--for=condition=Ready', 'node', '--all', `--timeout=${deadline / 1000}s`], { timeoutMs: deadline + 10_000 });
    // A Node's status is not taken on create, and kwok leaves addresses that are there alone:
    // set each node's one address, 127.0.0.1, the only address anything could dial.
    for (const n of NODES) {
      await must(`set the address of ${n.name}`, ['patch', 'node', n.name, '--subresource=status', '--type=merge', '--request-timeout=30s',
        '-p', JSON.stringify({ status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] } })]);
    }
    // The controller-manager creates each namespace's `default` ServiceAccount: pods need it.
    await must('wait for the default ServiceAccount', ['wait', '--for=create', 'serviceaccount/default', '-n', 'default', `--timeout=${deadline / 1000}s`], { timeoutMs: deadline + 10_000 });
    const upMs = Date.now() - t0;

    let stopped = false;
    const cluster: Cluster = {
      dir, kubeconfig, context: CONTEXT, env: childEnv, upMs, ports,
      kubectl,
      async useProfile(profile) {
        await must('remove the previous profile\'s classes', ['delete', 'storageclass,ingressclass', '-l', `${SIMULATED_LABEL}=true`, '--ignore-not-found', '--wait=true', '--timeout=60s'], { timeoutMs: 70_000 });
        await must(`create the classes of profile ${profile}`, ['apply', '-f', '-', '--request-timeout=30s'], { input: classesYaml(profile) });
      },
      connections() {
        return connectionsOf(started.filter((p) => p.child.exitCode === null).map((p) => p.pid));
      },
      get pids() { return started.map((p) => ({ name: p.name, pid: p.pid })); },
      async stopComponent(name) {
        const p = started.find((x) => x.name === name);
        if (!p || !STOPPABLE.includes(name)) throw new Error(`no component "${name}" to stop: one of ${STOPPABLE.join(', ')}`);
        if (p.child.exitCode !== null || p.child.signalCode !== null) return;
        try { process.kill(-p.pid, 'SIGTERM'); } catch { /* gone */ }
        await p.exited;
      },
      async startComponent(name) {
        const p = started.find((x) => x.name === name);
        if (!p || !STOPPABLE.includes(name)) throw new Error(`no component "${name}" to start: one of ${STOPPABLE.join(', ')}`);
        if (p.child.exitCode === null && p.child.signalCode === null) return;
        start(name, p.bin, p.args);
        const port = { 'kube-controller-manager': ports.kcm, 'kube-scheduler': ports.scheduler }[name];
        if (port) await until(name, healthy(port), deadline, started.filter((x) => x.name === name), () => undefined);
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        const volumes = await hostPathVolumes(kubectl);
        await stopAll();
        for (const v of volumes) fs.rmSync(v, { recursive: true, force: true });
        fs.rmSync(dir, { recursive: true, force: true });
        fs.rmSync(stateFile, { force: true });
        process.removeListener('exit', onExit);
      },
    };
    return cluster;
  } catch (e) {
    const tails = started.map((p) => `--- ${p.name} (last lines of its log)\n${tail(p.log, 8)}`).join('\n');
    await stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(stateFile, { force: true });
    process.removeListener('exit', onExit);
    throw new Error(`${(e as Error).message}\n${tails}`, { cause: e });
  }
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** The folders the controller-manager's hostpath provisioner made for volumes still in the cluster. */
async function hostPathVolumes(kubectl: Cluster['kubectl']): Promise<string[]> {
  const r = await kubectl(['get', 'pv', '-o', 'jsonpath={range .items[*]}{.spec.hostPath.path}{"\\n"}{end}', '--request-timeout=20s'], { timeoutMs: 30_000 });
  if (r.code !== 0) return [];
  return r.stdout.split('\n').map((l) => l.trim()).filter((p) => /^\/tmp\/hostpath_pv\/[0-9a-f-]+$/.test(p));
}

export function nodesYaml(): string {
  return NODES.map((n) => [
    'apiVersion: v1',
    'kind: Node',
    'metadata:',
    `  name: ${n.name}`,
    '  annotations:',
    `    ${NODE_ANNOTATION}: fake`,
    '    node.alpha.kubernetes.io/ttl: "0"',
    '  labels:',
    `    kubernetes.io/hostname: ${n.name}`,
    '    kubernetes.io/os: linux',
    '    kubernetes.io/arch: amd64',
    '    topology.kubernetes.io/region: region-1',
    `    topology.kubernetes.io/zone: ${n.zone}`,
    '    type: kwok',
    'spec: {}',
  ].join('\n')).join('\n---\n') + '\n';
}

/** What each profile's cluster has: its default StorageClass and IngressClass. */
export const PROFILE_CLASSES: Record<string, { storageClass: string; ingressClass: string; ingressController: string }> = {
  minikube: { storageClass: 'standard', ingressClass: 'nginx', ingressController: 'k8s.io/ingress-nginx' },
  k3s: { storageClass: 'local-path', ingressClass: 'traefik', ingressController: 'traefik.io/ingress-controller' },
  cloud: { storageClass: 'simulated-cloud-disk', ingressClass: 'simulated-cloud-lb', ingressController: 'k8s-by-example.test/simulated-cloud-lb' },
};

/** A GatewayClass of this name, whose controller is nobody: Gateways are accepted by the API, not programmed. */
export function gatewayClassYaml(name: string): string {
  return [
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: GatewayClass',
    'metadata:',
    `  name: ${name}`,
    `  labels: {${SIMULATED_LABEL}: "true"}`,
    'spec:',
    '  controllerName: k8s-by-example.test/simulated-gateway',
    '',
  ].join('\n');
}

export function classesYaml(profile: string): string {
  const p = PROFILE_CLASSES[profile];
  if (!p) throw new Error(`no cluster classes for profile ${profile}`);
  return [
    'apiVersion: storage.k8s.io/v1',
    'kind: StorageClass',
    'metadata:',
    `  name: ${p.storageClass}`,
    `  labels: {${SIMULATED_LABEL}: "true"}`,
    '  annotations: {storageclass.kubernetes.io/is-default-class: "true"}',
    // The controller-manager's hostpath provisioner (--enable-hostpath-provisioner).
    'provisioner: kubernetes.io/host-path',
    'reclaimPolicy: Delete',
    'volumeBindingMode: Immediate',
    '---',
    'apiVersion: networking.k8s.io/v1',
    'kind: IngressClass',
    'metadata:',
    `  name: ${p.ingressClass}`,
    `  labels: {${SIMULATED_LABEL}: "true"}`,
    '  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}',
    'spec:',
    `  controller: ${p.ingressController}`,
    '',
  ].join('\n');
}

/**
 * Remote addresses of the TCP sockets the given processes hold, read from /proc (Linux): each
 * process's socket inodes, matched in /proc/net/tcp and tcp6. Listening sockets are left out.
 */
export function connectionsOf(pids: number[]): string[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[];
    try { fds = fs.readdirSync(`/proc/${pid}/fd`); } catch { continue; }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch { /* closed meanwhile */ }
    }
  }
  const remotes: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try { lines = fs.readFileSync(table, 'utf8').trim().split('\n').slice(1); } catch { continue; }
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      const [remote, state, inode] = [cols[2], cols[3], cols[9]];
      if (!inodes.has(inode) || state === '0A') continue; // 0A: LISTEN
      remotes.push(decodeAddress(remote));
    }
  }
  return remotes;
}

/** `0100007F:1F90` → `127.0.0.1:8080`; IPv6 in /proc's word order. */
export function decodeAddress(hex: string): string {
  const [addr, port] = hex.split(':');
  const p = parseInt(port, 16);
  if (addr.length === 8) {
    const bytes = addr.match(/../g)!.map((b) => parseInt(b, 16)).reverse();
    return `${bytes.join('.')}:${p}`;
  }
  const words = addr.match(/.{8}/g)!.map((w) => w.match(/../g)!.reverse().join(''));
  const full = words.join('').toLowerCase();
  if (full.startsWith('00000000000000000000ffff')) {
    const v4 = full.slice(24).match(/../g)!.map((b) => parseInt(b, 16));
    return `${v4.join('.')}:${p}`;
  }
  const groups = full.match(/.{4}/g)!.map((g) => g.replace(/^0+(?=.)/, ''));
  return `[${groups.join(':')}]:${p}`;
}

/** Whether a decoded address is on loopback. */
export function isLoopback(address: string): boolean {
  return /^127\./.test(address) || /^\[0:0:0:0:0:0:0:1\]:/.test(address);
}
