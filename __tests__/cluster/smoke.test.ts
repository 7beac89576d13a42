import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { UserError } from '../../tools/cluster/kubectl';
import { Forward, PROBES, Probe, Protocol, SmokeCheck, makeProbes, runSmoke, smokePlan } from '../../tools/cluster/smoke';
import { loadDist } from '../../tools/docs/dist';
import { shopObjects } from '../fixtures/kinds';
import { HEALTHY, ROOT, deps, fakeKubectl, startsWith } from './fake';

const dist = loadDist(ROOT).get('minikube')!;
const summary = (checks: SmokeCheck[]) => checks.map((c) => [c.name, c.namespace, c.target, c.port, c.protocol, c.path, c.host]);

describe('the smoke plan', () => {
  test('services: one HTTP check through each Service that selects pods; the alias is skipped', () => {
    const { checks, skipped } = smokePlan(dist.get('services')!);
    expect(summary(checks)).toEqual([
      ['Service web :80', 'services-demo', 'svc/web', 80, 'http', '/', undefined],
      ['Service web-nodeport :80', 'services-demo', 'svc/web-nodeport', 80, 'http', '/', undefined],
      ['Service web-lb :8000', 'services-demo', 'svc/web-lb', 8000, 'http', '/', undefined],
      ['Service web-headless :8080', 'services-demo', 'svc/web-headless', 8080, 'http', '/', undefined],
    ]);
    expect(skipped).toEqual(['Service web-alias: an ExternalName Service is only a DNS alias']);
  });

  test('scheduling: no Service, so straight to the pods of the Deployment', () => {
    expect(summary(smokePlan(dist.get('scheduling')!).checks)).toEqual([
      ['Deployment web :8080 (no Service selects it: straight to a pod)', 'scheduling-demo', 'deployment/web', 8080, 'http', '/', undefined],
    ]);
  });

  test('every kind: the probe path, a database by its port, Ingress rules through the controller', () => {
    const { checks, skipped } = smokePlan(shopObjects());
    expect(summary(checks)).toEqual([
      ['Service web :80', 'shop-demo', 'svc/web', 80, 'http', '/healthz', undefined],
      ['Service db :5432', 'shop-demo', 'svc/db', 5432, 'postgres', undefined, undefined],
      ['Service web-nodeport :80', 'shop-demo', 'svc/web-nodeport', 80, 'http', '/healthz', undefined],
      ['Ingress web shop.local/', 'ingress-nginx', 'svc/ingress-nginx-controller', 80, 'http', '/', 'shop.local'],
      ['Ingress web shop.local/api', 'ingress-nginx', 'svc/ingress-nginx-controller', 80, 'http', '/api', 'shop.local'],
    ]);
    expect(checks.filter((c) => c.notFoundFails).map((c) => c.name)).toEqual(['Ingress web shop.local/', 'Ingress web shop.local/api']);
    expect(skipped).toEqual([
      'Service db-alias: an ExternalName Service is only a DNS alias',
      'Service payments: an ExternalName Service is only a DNS alias',
    ]);
  });

  test('k3s: the rules go through Traefik; an unknown class is skipped with what to do instead', () => {
    const withClass = (cls?: string) => shopObjects().map((o) => (o.kind === 'Ingress' ? { ...o, spec: { ...o.spec, ingressClassName: cls } } : o));
    expect(smokePlan(withClass('traefik')).checks.filter((c) => c.name.startsWith('Ingress')).map((c) => `${c.namespace} ${c.target}`))
      .toEqual(['kube-system svc/traefik', 'kube-system svc/traefik']);
    expect(smokePlan(withClass(undefined)).skipped).toContain(
      'Ingress web: no known controller Service for IngressClass (the cluster default); try its address by hand (kubectl -n shop-demo get ingress web)');
  });

  test('Redis and unknown TCP ports', () => {
    const svc = (name: string, port: number) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'x' }, spec: { selector: { app: name }, ports: [{ port }] } });
    const deploy = (name: string, image: string, port: number) => ({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'x' },
      spec: { template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image, ports: [{ containerPort: port }] }] } } },
    });
    const plan = smokePlan([svc('cache', 6379), deploy('cache', 'redis:7.4.1', 6379), svc('queue', 5672), deploy('queue', 'rabbitmq:4.0', 5672)]);
    expect(plan.checks.map((c) => [c.name, c.protocol])).toEqual([['Service cache :6379', 'redis'], ['Service queue :5672', 'tcp']]);
  });
});

describe('running the smoke checks', () => {
  const forwarded: string[] = [];
  const forward: Forward = async (ns, target, port) => { forwarded.push(`${ns} ${target} ${port}`); return { localPort: 4000 + forwarded.length, close: () => forwarded.push('closed') }; };
  const probes = (answer: Probe): Record<Protocol, Probe> => ({ http: answer, postgres: answer, redis: answer, tcp: answer });
  beforeEach(() => { forwarded.length = 0; });

  test('every check passes: exit 0, one line each', async () => {
    const d = deps(fakeKubectl(HEALTHY));
    const code = await runSmoke(['services'], { ...d, forward, probes: probes(async (c, port) => `HTTP GET ${c.path} → 200 (local ${port})`) });
    expect(code).toBe(0);
    expect(d.lines).toEqual([
      'ok    Service web :80: HTTP GET / → 200 (local 4001)',
      'ok    Service web-nodeport :80: HTTP GET / → 200 (local 4003)',
      'ok    Service web-lb :8000: HTTP GET / → 200 (local 4005)',
      'ok    Service web-headless :8080: HTTP GET / → 200 (local 4007)',
      'skip  Service web-alias: an ExternalName Service is only a DNS alias',
      'smoke: 4 of 4 checks passed in namespace services-demo (context "minikube")',
    ]);
    expect(forwarded.filter((f) => f === 'closed')).toHaveLength(4);
  });

  test('a check that fails fails the run, and the others still run', async () => {
    const d = deps(fakeKubectl(HEALTHY));
    let n = 0;
    const code = await runSmoke(['services'], { ...d, forward, probes: probes(async () => { if (++n === 2) throw new Error('HTTP GET / → 503'); return 'HTTP GET / → 200'; }) });
    expect(code).toBe(1);
    expect(d.lines).toContain('FAIL  Service web-nodeport :80: HTTP GET / → 503');
    expect(d.lines[d.lines.length - 1]).toBe('smoke: 3 of 4 checks passed in namespace services-demo (context "minikube")');
  });

  test('a port-forward that fails is a failed check', async () => {
    const d = deps(fakeKubectl(HEALTHY));
    const failing: Forward = async () => { throw new Error('kubectl port-forward stopped: error: unable to forward port because pod is not running. Current status=Pending'); };
    expect(await runSmoke(['scheduling'], { ...d, forward: failing, probes: PROBES })).toBe(1);
    expect(d.lines[0]).toBe('FAIL  Deployment web :8080 (no Service selects it: straight to a pod): kubectl port-forward stopped: error: unable to forward port because pod is not running. Current status=Pending');
  });

  test('no cluster: it says so, and that nothing was checked', async () => {
    const kubectl = fakeKubectl([[startsWith('config', 'current-context'), { code: 1, stderr: 'error: current-context is not set' }]]);
    await expect(runSmoke(['services'], { ...deps(kubectl), forward, probes: PROBES })).rejects.toThrow(new UserError(
      'found no cluster to test, nothing was checked: no current kube context: start a cluster (minikube start) or choose one (kubectl config get-contexts, then kubectl config use-context NAME)'));
    expect(forwarded).toEqual([]);
  });

  test('an example where nothing answers says that nothing was checked', async () => {
    // Only the namespace and the toolbox of the services example: no Service, no container port.
    const objects = dist.get('services')!.filter((o) => o.kind === 'Namespace' || o.metadata.name === 'toolbox');
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'smoke-test-'));
    try {
      fs.mkdirSync(path.join(root, 'dist', 'minikube'), { recursive: true });
      fs.writeFileSync(path.join(root, 'dist', 'minikube', 'services.yaml'), objects.map((o) => stringify(o)).join('---\n'));
      const d = deps(fakeKubectl(HEALTHY), { root });
      expect(await runSmoke(['services'], { ...d, forward, probes: PROBES })).toBe(0);
      expect(d.lines).toEqual(['smoke: nothing to check in services: it has no Service, Ingress rule or container port that answers; its guide says what to look at']);
      expect(forwarded).toEqual([]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('the example is not deployed', async () => {
    const kubectl = fakeKubectl([[startsWith('get', 'namespace'), { code: 1, stderr: 'Error from server (NotFound): namespaces "services-demo" not found' }]], HEALTHY);
    await expect(runSmoke(['services'], { ...deps(kubectl), forward, probes: PROBES })).rejects.toThrow(new UserError(
      'namespace services-demo does not exist in context "minikube": deploy the example first (npm run deploy -- services)'));
  });
});

describe('the probes, against local servers', () => {
  const servers: Array<http.Server | net.Server> = [];
  afterAll(() => servers.forEach((s) => s.close()));
  const listen = (server: http.Server | net.Server) => new Promise<number>((resolve) => {
    servers.push(server);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
  const check = (protocol: Protocol, extra: Partial<SmokeCheck> = {}): SmokeCheck => ({ name: 'x', namespace: 'x', target: 'svc/x', port: 1, protocol, ...extra });

  test('HTTP: any answer below 500 passes, with the path and Host header of the check', async () => {
    const seen: string[] = [];
    const port = await listen(http.createServer((req, res) => { seen.push(`${req.headers.host} ${req.url}`); res.statusCode = req.url === '/missing' ? 404 : req.url === '/broken' ? 502 : 200; res.end(); }));
    await expect(PROBES.http(check('http', { path: '/healthz', host: 'shop.local' }), port)).resolves.toBe('HTTP GET shop.local/healthz → 200');
    await expect(PROBES.http(check('http', { path: '/missing' }), port)).resolves.toBe('HTTP GET /missing → 404');
    await expect(PROBES.http(check('http', { path: '/missing', notFoundFails: true }), port)).rejects.toThrow('HTTP GET /missing → 404');
    await expect(PROBES.http(check('http', { path: '/broken' }), port)).rejects.toThrow('HTTP GET /broken → 502');
    expect(seen[0]).toBe('shop.local /healthz');
  });

  test('PostgreSQL: the server answers an SSLRequest with N or S', async () => {
    const port = await listen(net.createServer((socket) => socket.once('data', (d) => socket.end(d.length === 8 && d.readUInt32BE(4) === 80877103 ? 'N' : 'E'))));
    await expect(PROBES.postgres(check('postgres'), port)).resolves.toBe('PostgreSQL answered (SSL not offered)');
    const wrong = await listen(net.createServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n'))));
    await expect(PROBES.postgres(check('postgres'), wrong)).rejects.toThrow('unexpected answer to a PostgreSQL SSLRequest: "HTTP/1.1 400 Bad Req"');
  });

  test('Redis: PING gets +PONG (or an error such as -NOAUTH)', async () => {
    const port = await listen(net.createServer((socket) => socket.once('data', () => socket.end('+PONG\r\n'))));
    await expect(PROBES.redis(check('redis'), port)).resolves.toBe('Redis answered +PONG');
  });

  test('TCP: a connection that stays open passes, one that is closed at once fails', async () => {
    const tcp = makeProbes({ tcpWaitMs: 200 }).tcp;
    const open = await listen(net.createServer(() => undefined));
    await expect(tcp(check('tcp'), open)).resolves.toBe('TCP connection accepted');
    const closing = await listen(net.createServer((socket) => socket.destroy()));
    await expect(tcp(check('tcp'), closing)).rejects.toThrow('the connection was closed: does the pod listen on that port?');
  });
});
