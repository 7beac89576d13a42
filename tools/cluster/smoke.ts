// `npm run smoke -- <example> [profile]`: checks that a deployed example answers through each of
// its Services and Ingress rules. Every check goes through `kubectl port-forward`, which works the
// same on minikube, k3s, a cloud cluster or a browser sandbox, without tunnels or node IPs:
// - a Service port: forward to `svc/<name>` (kubectl picks a pod the Service selects and its
//   targetPort) and speak the port's protocol: HTTP, PostgreSQL, Redis, or a bare TCP connection;
// - an Ingress rule: forward to the ingress controller's own Service and send the rule's host and
//   path, so the request really passes the controller and the rule.
import * as http from 'http';
import * as net from 'net';
import { K8sObject, PodTemplate, containerPorts, containerRole, containersOf, mapSelectorMatches, podTemplateOf } from '../../validator/model';
import { ClusterDeps, loadTarget, parseTarget } from './common';
import { DEFAULT_TIMEOUT_SECONDS, UserError, describeCall, firstLine, preflight, release, requestTimeout, spawnGroup } from './kubectl';

export type Protocol = 'http' | 'postgres' | 'redis' | 'tcp';

export interface SmokeCheck {
  /** What is checked, e.g. `Service web :80` or `Ingress web shop.local/api`. */
  readonly name: string;
  /** Where to forward to: namespace, `svc/<name>` (or `deployment/<name>`...) and its port. */
  readonly namespace: string;
  readonly target: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** HTTP only: the path to ask for and the Host header to send. */
  readonly path?: string;
  readonly host?: string;
  /** HTTP only: whether a 404 fails the check (it does for an Ingress rule: no rule matched). */
  readonly notFoundFails?: boolean;
}

/** Where an ingress controller's Service lives, per IngressClass. */
export const INGRESS_CONTROLLERS: Record<string, { namespace: string; service: string; port: number }> = {
  // `minikube addons enable ingress`
  nginx: { namespace: 'ingress-nginx', service: 'ingress-nginx-controller', port: 80 },
  // k3s's bundled Traefik
  traefik: { namespace: 'kube-system', service: 'traefik', port: 80 },
};

/** The protocol a Service port speaks, judged from its name, appProtocol, the container's probes and image. */
function protocolOf(port: K8sObject, pods: readonly PodTemplate[]): { protocol: Protocol; path?: string } {
  const target = port.targetPort ?? port.port;
  const matches = (p: { containerPort: number; name?: string }) => p.containerPort === target || (typeof target === 'string' && p.name === target);
  const containers = pods.flatMap((pod) => containersOf(pod).filter((c) => containerRole(c) === 'container' || containerRole(c) === 'sidecar'))
    .filter((c) => (c.container.ports ?? []).some(matches));
  const numbers = pods.flatMap((pod) => containerPorts(pod)).filter(matches).map((p) => p.containerPort);
  const named = `${port.name ?? ''} ${port.appProtocol ?? ''}`.toLowerCase();
  for (const { container } of containers) {
    for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
      const get = probe?.httpGet;
      if (get && (get.port === target || numbers.includes(get.port) || (typeof get.port === 'string' && (container.ports ?? []).some((p: K8sObject) => p.name === get.port && matches(p))))) {
        return { protocol: 'http', path: get.path ?? '/' };
      }
    }
  }
  if (/\b(https?|web|h2c)\b|^http|kubernetes\.io\/h2c/.test(named)) return { protocol: 'http', path: '/' };
  const images = containers.map((c) => String(c.container.image ?? ''));
  if (/postgres/.test(named) || numbers.includes(5432) || images.some((i) => /(^|\/)postgres(:|$)/.test(i))) return { protocol: 'postgres' };
  if (/redis/.test(named) || numbers.includes(6379) || images.some((i) => /(^|\/)redis(:|$)/.test(i))) return { protocol: 'redis' };
  return { protocol: 'tcp' };
}

/**
 * The checks of an example: one per Service port, one per container port of a workload that no
 * Service selects, and one per Ingress rule path.
 */
export function smokePlan(objects: readonly K8sObject[]): { checks: SmokeCheck[]; skipped: string[] } {
  const checks: SmokeCheck[] = [];
  const skipped: string[] = [];
  const workloads = objects.filter((o) => podTemplateOf(o) && o.kind !== 'CronJob' && o.kind !== 'Job');
  for (const svc of objects.filter((o) => o.kind === 'Service')) {
    const name = svc.metadata?.name;
    const ns = svc.metadata?.namespace;
    if (svc.spec?.type === 'ExternalName') { skipped.push(`Service ${name}: an ExternalName Service is only a DNS alias`); continue; }
    if (!svc.spec?.selector) { skipped.push(`Service ${name}: no selector, so no pods behind it to answer`); continue; }
    const pods = workloads.map(podTemplateOf).filter((pod): pod is PodTemplate => pod !== undefined && mapSelectorMatches(svc.spec.selector, pod.labels));
    for (const port of svc.spec.ports ?? []) {
      checks.push({ name: `Service ${name} :${port.port}`, namespace: ns, target: `svc/${name}`, port: port.port, ...protocolOf(port, pods) });
    }
  }
  // A workload no Service selects is reached straight at its pods.
  const selected = (w: K8sObject) => objects.some((s) => s.kind === 'Service' && mapSelectorMatches(s.spec?.selector, podTemplateOf(w)?.labels));
  for (const w of workloads.filter((x) => !selected(x))) {
    const pod = podTemplateOf(w);
    for (const p of containerPorts(pod)) {
      const port = { name: p.name, port: p.containerPort, targetPort: p.containerPort };
      checks.push({
        name: `${w.kind} ${w.metadata?.name} :${p.containerPort} (no Service selects it: straight to a pod)`, namespace: w.metadata?.namespace,
        target: `${w.kind.toLowerCase()}/${w.metadata?.name}`, port: p.containerPort, ...protocolOf(port, pod ? [pod] : []),
      });
    }
  }
  for (const ing of objects.filter((o) => o.kind === 'Ingress')) {
    const name = ing.metadata?.name;
    const cls = ing.spec?.ingressClassName;
    const controller = cls ? INGRESS_CONTROLLERS[cls] : undefined;
    if (!controller) {
      skipped.push(`Ingress ${name}: no known controller Service for IngressClass ${cls ?? '(the cluster default)'}; try its address by hand (kubectl -n ${ing.metadata?.namespace} get ingress ${name})`);
      continue;
    }
    for (const rule of ing.spec?.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const path = p.path ?? '/';
        if (p.pathType === 'ImplementationSpecific' && /[^-a-zA-Z0-9/._~]/.test(path)) {
          skipped.push(`Ingress ${name} ${rule.host ?? '*'}${path}: a pattern, not a path to ask for`);
          continue;
        }
        checks.push({
          name: `Ingress ${name} ${rule.host ?? '*'}${path}`, namespace: controller.namespace, target: `svc/${controller.service}`, port: controller.port,
          protocol: 'http', path, host: rule.host, notFoundFails: true,
        });
      }
    }
  }
  return { checks, skipped };
}

/** A port forwarded from this machine to the cluster; close() ends it. */
export interface Forwarded {
  readonly localPort: number;
  close(): void;
}

/** Forwards a local port to `target` (`svc/<name>`) port `port` in a namespace. */
export type Forward = (namespace: string, target: string, port: number) => Promise<Forwarded>;

/** Speaks a protocol to a local port; resolves to what answered, rejects with what went wrong. */
export type Probe = (check: SmokeCheck, localPort: number) => Promise<string>;

/**
 * A Forward that runs `kubectl port-forward` and waits (up to `timeoutMs`) for it to announce the
 * local port. close() stops its whole process group, so a wrapper script of kubectl cannot leave
 * a port-forward behind that keeps this process from exiting.
 */
export function kubectlForward(cwd: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = DEFAULT_TIMEOUT_SECONDS * 1000): Forward {
  return (namespace, target, port) => new Promise<Forwarded>((resolve, reject) => {
    const args = ['port-forward', '-n', namespace, target, `:${port}`, '--address', '127.0.0.1'];
    const child = spawnGroup(args, cwd, env);
    let stderr = '';
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      release(child);
      reject(new Error(message));
    };
    const timer = setTimeout(() => fail(`${describeCall(args)} gave no port within ${Math.round(timeoutMs / 1000)}s and was stopped${stderr ? `: ${firstLine(stderr)}` : ''}`), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(String(chunk));
      if (m && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ localPort: Number(m[1]), close: () => release(child) });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk; });
    child.on('error', (err: NodeJS.ErrnoException) => fail(err.code === 'ENOENT' ? 'kubectl not found on PATH' : err.message));
    child.on('close', () => fail(`kubectl port-forward stopped: ${firstLine(stderr) || 'no output'}`));
  });
}

/** Opens a TCP connection, writes `hello` (if any) and resolves to the first bytes that come back. */
function exchange(port: number, hello: Buffer | undefined, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(timeoutMs, () => { socket.destroy(); reject(new Error('no answer')); });
    socket.on('connect', () => { if (hello) socket.write(hello); });
    socket.once('data', (data) => { socket.destroy(); resolve(data); });
    socket.on('error', (err) => reject(err));
    socket.on('close', () => reject(new Error('the connection was closed without an answer: does the pod listen on that port?')));
  });
}

/**
 * The probes that speak each protocol over the forwarded port. A bare TCP check passes when the
 * connection is still open after `tcpWaitMs` (kubectl closes it at once when nothing listens).
 */
export const makeProbes = ({ tcpWaitMs = 1500 } = {}): Record<Protocol, Probe> => ({
  http: (check, localPort) => new Promise((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1', port: localPort, path: check.path ?? '/', method: 'GET', timeout: 10000,
      headers: check.host ? { Host: check.host } : {},
    }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      const answer = `HTTP GET ${check.host ?? ''}${check.path ?? '/'} → ${status}`;
      if (status >= 500 || (check.notFoundFails && status === 404)) reject(new Error(answer));
      else resolve(answer);
    });
    request.on('timeout', () => request.destroy(new Error('no HTTP answer within 10s')));
    request.on('error', reject);
    request.end();
  }),
  // PostgreSQL answers an SSLRequest with one byte, S or N, before any password is involved.
  postgres: async (_check, localPort) => {
    const answer = await exchange(localPort, Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]), 10000);
    const byte = String.fromCharCode(answer[0]);
    if (byte !== 'S' && byte !== 'N') throw new Error(`unexpected answer to a PostgreSQL SSLRequest: ${JSON.stringify(answer.toString('latin1').slice(0, 20))}`);
    return `PostgreSQL answered (SSL ${byte === 'S' ? 'offered' : 'not offered'})`;
  },
  // Redis answers PING with +PONG, or with an error such as -NOAUTH when it wants a password.
  redis: async (_check, localPort) => {
    const answer = (await exchange(localPort, Buffer.from('PING\r\n'), 10000)).toString('latin1').split('\r\n')[0];
    if (!/^[+-]/.test(answer)) throw new Error(`unexpected answer to PING: ${JSON.stringify(answer.slice(0, 20))}`);
    return `Redis answered ${answer}`;
  },
  // Without a protocol, a connection that stays open is all there is to see.
  tcp: (_check, localPort) => new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: localPort });
    let timer: NodeJS.Timeout | undefined;
    socket.on('connect', () => { timer = setTimeout(() => { socket.destroy(); resolve('TCP connection accepted'); }, tcpWaitMs); });
    socket.on('data', () => { if (timer) clearTimeout(timer); socket.destroy(); resolve('TCP connection answered'); });
    socket.on('error', (err) => { if (timer) clearTimeout(timer); reject(err); });
    socket.on('close', () => { if (timer) clearTimeout(timer); reject(new Error('the connection was closed: does the pod listen on that port?')); });
  }),
});

export const PROBES = makeProbes();

export interface SmokeDeps extends ClusterDeps {
  readonly forward: Forward;
  readonly probes: Record<Protocol, Probe>;
}

/** `npm run smoke -- <example> [profile]`: returns the exit code; throws a UserError when there is nothing to test. */
export async function runSmoke(argv: readonly string[], deps: SmokeDeps): Promise<number> {
  const { example, profile } = parseTarget('smoke', argv, deps);
  const target = loadTarget(example, profile, { ...deps, freshYaml: undefined });
  let cluster;
  try {
    cluster = await preflight(deps.kubectl, { env: deps.env, timeoutSeconds: deps.timeoutSeconds });
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`found no cluster to test, nothing was checked: ${err.message}`);
    throw err;
  }
  const ns = await deps.kubectl(['get', 'namespace', target.namespace, '--output=name', requestTimeout(deps.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS)]);
  if (ns.code !== 0) {
    throw new UserError(`namespace ${target.namespace} does not exist in context "${cluster.context}": deploy the example first (npm run deploy -- ${example})`);
  }
  const { checks, skipped } = smokePlan(target.objects);
  for (const s of checks.length === 0 ? skipped : []) deps.out(`skip  ${s}`);
  if (checks.length === 0) {
    deps.out(`smoke: nothing to check in ${example}: it has no Service, Ingress rule or container port that answers; its guide says what to look at`);
    return 0;
  }
  let failed = 0;
  for (const check of checks) {
    let forwarded: Forwarded | undefined;
    try {
      forwarded = await deps.forward(check.namespace, check.target, check.port);
      deps.out(`ok    ${check.name}: ${await deps.probes[check.protocol](check, forwarded.localPort)}`);
    } catch (err) {
      failed++;
      deps.out(`FAIL  ${check.name}: ${String((err as Error).message ?? err).split('\n')[0]}`);
    } finally {
      forwarded?.close();
    }
  }
  for (const s of skipped) deps.out(`skip  ${s}`);
  deps.out(`smoke: ${checks.length - failed} of ${checks.length} checks passed in namespace ${target.namespace} (context "${cluster.context}")`);
  return failed === 0 ? 0 : 1;
}
