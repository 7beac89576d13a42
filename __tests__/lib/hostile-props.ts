import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  ANNOTATION_PREFIX_CONTEXT, AllowOnlyFrom, AllowOnlyFromProps, AppConfig, AppConfigProps, LogShipperProps, NamespacedChart,
  NamespacedChartProps, NodeAgent, NodeAgentProps, Postgres, PostgresProps, SecureContainerProps, SpreadOptions, Toolbox,
  ToolboxProps, WebApp, WebAppExposeProps, WebAppProps, WebIngress, WebIngressProps, addExternalRef, addLogShipper,
  secureContainer, spreadPods,
} from '../../lib';

/**
 * Props a cluster would refuse (or that would make output a cluster refuses), each with the
 * message the construct gives; and valid props that must be accepted. Shared by the table test
 * and the property test.
 */

/** One hostile prop: builds the construct in `chart` (a fresh NamespacedChart `test`) with one bad value. */
export interface HostileCase {
  readonly construct: string;
  readonly prop: string;
  readonly value: unknown;
  /** Builds in `chart`, or returns the chart it built instead (a case of NamespacedChart itself). */
  readonly build: (chart: Chart) => Chart | undefined;
  /** The exact message of the error. */
  readonly message: string;
}

/** One valid prop that must be accepted, and its output must pass the validator. */
export interface ValidCase {
  readonly construct: string;
  readonly prop: string;
  readonly value: unknown;
  /** Builds a whole chart with the value. */
  readonly build: () => Chart;
}

// The message endings, written out here (not imported) so that a changed message fails the tests.
const DNS_LABEL = 'is not a DNS label: use at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit';
const DNS_1035 = 'is not a DNS label: use at most 63 lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit';
const SUBDOMAIN = 'is not a DNS subdomain: use at most 253 lowercase letters, digits, \'-\' and \'.\', each part starting and ending with a letter or digit';
const LABEL_KEY = 'is not a label key: use a name of at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit, with an optional DNS subdomain prefix and \'/\'';
const LABEL_VALUE = 'is not a label value: use at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit';
const CONFIG_KEY = 'is not a valid key: use at most 253 letters, digits, \'-\', \'_\' and \'.\'';
const DOT_KEY = 'is not a valid key: it may not be \'.\' or start with \'..\'';
const ENV_NAME = 'is not an environment variable name: use letters, digits, \'_\', \'-\' and \'.\', not starting with a digit';
const HOST = 'is not a DNS name: use lowercase letters, digits, \'-\' and \'.\', optionally starting with \'*.\', without a port';
const HOST_IP = 'is an IP address: an Ingress host must be a DNS name';
const TAG = 'which cannot be the app.kubernetes.io/version label: use a tag of at most 63 letters, digits, \'-\', \'_\' and \'.\', ending with a letter or digit';
const NOT_IMAGE = 'is not an image reference: use a name and a tag without spaces, e.g. "nginx:1.27.0"';
const MEMORY = 'is outside 1-1048576';
const JS_KEY = 'is the name of a property of every JavaScript object, which cdk8s cannot write as a key: choose another';

/** A copy of `base` with the prop at `path` (`a.b`, `routes[0].path`) set to `value`; objects off the path are shared, not copied. */
export function withProp<T>(base: T, path: string, value: unknown): T {
  const [head = '', ...rest] = path.match(/[^.[\]]+/g) ?? [];
  const copy = (Array.isArray(base) ? [...base] : { ...base }) as Record<string, unknown>;
  copy[head] = rest.length === 0 ? value : withProp(copy[head], rest.join('.'), value);
  return copy as T;
}

type Row = readonly [prop: string, value: unknown, message: string];

/** Cases for one construct: each row sets one prop of `base` and builds with `make`. */
function table<P>(construct: string, base: (chart: Chart) => P, make: (chart: Chart, props: P) => unknown, rows: readonly Row[]): HostileCase[] {
  return rows.map(([prop, value, message]) => ({
    construct, prop, value, message,
    build: (chart: Chart) => {
      const built = make(chart, withProp(base(chart), prop, value));
      return built instanceof Chart ? built : undefined;
    },
  }));
}

const env = (name: string) => ({ [name]: kplus.EnvValue.fromValue('x') });
const long = (n: number, c = 'a') => c.repeat(n);

const webAppBase = (): WebAppProps => ({ name: 'web', image: 'example/web:1.0.0', port: 8080 });
const webApp = (chart: Chart) => new WebApp(chart, 'Web', webAppBase());
/** A chart's Service `app` with one port, 80, for the Ingress cases. */
const service = (chart: Chart) => new WebApp(chart, 'App', { name: 'app', image: 'example/app:1.0.0', port: 8080 }).expose('Svc', { name: 'app' });
const ingressBase = (chart: Chart): WebIngressProps => ({ name: 'site', routes: [{ host: 'site.test', path: '/', service: service(chart) }] });
const postgresBase = (): PostgresProps => ({ database: 'app', credentials: { secretName: 'db-credentials' } });
const configBase = (): AppConfigProps => ({ name: 'settings', data: { MODE: 'fast' } });
const policyBase = (): AllowOnlyFromProps => ({ name: 'db-clients', pods: { 'app.kubernetes.io/name': 'db' }, from: [{ 'app.kubernetes.io/name': 'web' }], ports: [5432] });
const containerBase = (): SecureContainerProps => ({ name: 'worker', image: 'busybox:1.36.1', user: 65534, cpuMillis: 5, memoryMiB: 8 });
const shipperBase = (chart: Chart): LogShipperProps => ({ volume: kplus.Volume.fromEmptyDir(chart, 'Logs', 'logs'), files: ['access.log'] });

export const HOSTILE_CASES: readonly HostileCase[] = [
  ...table('WebApp', webAppBase, (c, p) => new WebApp(c, 'Web', p), [
    ['name', 'Web_App', `name "Web_App" ${DNS_LABEL}`],
    ['name', 'web-', `name "web-" ${DNS_LABEL}`],
    ['name', long(64, 'w'), `name "${long(64, 'w')}" ${DNS_LABEL}`],
    ['name', '', `name "" ${DNS_LABEL}`],
    ['image', 'example/web', 'image "example/web" is not pinned: add a version tag, e.g. "example/web:1.2.3"'],
    ['image', 'localhost:5000/web:latest', 'image "localhost:5000/web:latest" is not pinned: add a version tag, e.g. "localhost:5000/web:1.2.3"'],
    ['image', 'nginx:1.25-', `image "nginx:1.25-" has tag "1.25-", ${TAG}`],
    ['image', 'nginx:1.25_', `image "nginx:1.25_" has tag "1.25_", ${TAG}`],
    ['image', `nginx:${long(64, '1')}`, `image "nginx:${long(64, '1')}" has tag "${long(64, '1')}", ${TAG}`],
    ['image', '', `image "" ${NOT_IMAGE}`],
    ['image', 'nginx :1.27.0', `image "nginx :1.27.0" ${NOT_IMAGE}`],
    ['image', 'nginx:1.27.0\n', `image "nginx:1.27.0\\n" ${NOT_IMAGE}`],
    ['port', 80, 'port 80 is privileged: a non-root container must listen on 1024-65535'],
    ['port', 70000, 'port 70000 is outside 1-65535'],
    ['port', NaN, 'port NaN is outside 1-65535'],
    ['replicas', -1, 'replicas -1 is outside 0-1000'],
    ['replicas', 1.5, 'replicas 1.5 is outside 0-1000'],
    ['replicas', NaN, 'replicas NaN is outside 0-1000'],
    ['replicas', Infinity, 'replicas Infinity is outside 0-1000'],
    ['revisionHistoryLimit', NaN, 'revisionHistoryLimit NaN is outside 0-100'],
    ['user', 0, 'user 0 is outside 1-2147483647'],
    ['user', NaN, 'user NaN is outside 1-2147483647'],
    ['cpuMillis', 0.5, 'cpuMillis 0.5 is outside 1-64000'],
    ['cpuMillis', NaN, 'cpuMillis NaN is outside 1-64000'],
    ['memoryMiB', -16, `memoryMiB -16 ${MEMORY}`],
    ['memoryMiB', NaN, `memoryMiB NaN ${MEMORY}`],
    ['memoryMiB', Infinity, `memoryMiB Infinity ${MEMORY}`],
    ['memoryMiB', 1e21, `memoryMiB 1e+21 ${MEMORY}`],
    ['memoryMiB', 0.5, `memoryMiB 0.5 ${MEMORY}`],
    ['memoryLimitMiB', NaN, `memoryLimitMiB NaN ${MEMORY}`],
    ['memoryLimitMiB', Infinity, `memoryLimitMiB Infinity ${MEMORY}`],
    ['memoryLimitMiB', 0, `memoryLimitMiB 0 ${MEMORY}`],
    ['envVariables', env('A=B'), `envVariables key "A=B" ${ENV_NAME}`],
    ['envVariables', env('1X'), `envVariables key "1X" ${ENV_NAME}`],
    ['envVariables', env(''), `envVariables key "" ${ENV_NAME}`],
    ['envVariables', env('MY VAR'), `envVariables key "MY VAR" ${ENV_NAME}`],
    ['envVariables', env('constructor'), `envVariables key "constructor" ${JS_KEY}`],
    ['component', 'front end', `component "front end" ${LABEL_VALUE}`],
    ['component', 'web-', `component "web-" ${LABEL_VALUE}`],
    ['component', long(64), `component "${long(64)}" ${LABEL_VALUE}`],
    ['healthPath', 'healthz', 'healthPath "healthz" must be an absolute path'],
    ['livenessPath', '', 'livenessPath "" must be an absolute path'],
    ['writablePaths', ['tmp'], 'writablePaths[0] "tmp" must be an absolute path'],
    ['writablePaths', ['/tmp', '/var/cache', '/tmp/'], 'writablePaths[2] "/tmp/" is the same directory as writablePaths[0]'],
    ['writablePaths', ['/var/cache', '/var-cache'], 'writablePaths[1] "/var-cache" makes volume name "var-cache", as writablePaths[0] does: give the paths different letters or digits'],
    ['writablePaths', ['/'], 'writablePaths[0] "/" makes an empty volume name: use a path with letters or digits'],
    ['writablePaths', ['/tmp\n'], 'writablePaths[0] "/tmp\\n" may not contain control characters'],
  ]),
  ...table('WebApp.expose()', (): WebAppExposeProps => ({ name: 'web' }), (c, p) => webApp(c).expose('Svc', p), [
    ['name', 'web.v1', `expose() name "web.v1" ${DNS_1035}`],
    ['name', '1web', `expose() name "1web" ${DNS_1035}`],
    ['port', 0, 'expose() port 0 is outside 1-65535'],
    ['port', NaN, 'expose() port NaN is outside 1-65535'],
    ['type', 'Internal', 'expose() type "Internal" is not a Service type: use ClusterIP, NodePort, LoadBalancer, ExternalName'],
    ['nodePort', 30080, 'expose() nodePort 30080 needs type NodePort or LoadBalancer, not ClusterIP'],
  ]),
  ...table('WebApp.expose()', (): WebAppExposeProps => ({ name: 'web', type: kplus.ServiceType.NODE_PORT }), (c, p) => webApp(c).expose('Svc', p), [
    ['nodePort', 8080, 'expose() nodePort 8080 is outside 30000-32767'],
    ['nodePort', NaN, 'expose() nodePort NaN is outside 30000-32767'],
    ['headless', true, 'expose() headless needs type ClusterIP, not NodePort'],
  ]),
  ...table('WebIngress', ingressBase, (c, p) => new WebIngress(c, 'Ingress', p), [
    ['name', 'Site', `name "Site" ${DNS_LABEL}`],
    ['className', 'NGINX', `className "NGINX" ${SUBDOMAIN}`],
    ['className', 'nginx..internal', `className "nginx..internal" ${SUBDOMAIN}`],
    ['routes', [], 'routes is empty: an Ingress needs at least one route'],
    ['routes[0].host', 'Site.test', `routes[0].host "Site.test" ${HOST}`],
    ['routes[0].host', 'site.test:8080', `routes[0].host "site.test:8080" ${HOST}`],
    ['routes[0].host', '10.0.0.1', `routes[0].host "10.0.0.1" ${HOST_IP}`],
    ['routes[0].host', '192.168.049.002', `routes[0].host "192.168.049.002" ${HOST_IP}`],
    ['routes[0].host', '::1', `routes[0].host "::1" ${HOST}`],
    ['routes[0].host', '*', `routes[0].host "*" ${HOST}`],
    ['routes[0].host', 'constructor', `routes[0].host "constructor" ${JS_KEY}`],
    ['routes[0].host', 'a.*.test', `routes[0].host "a.*.test" ${HOST}`],
    ['routes[0].host', '-site.test', `routes[0].host "-site.test" ${HOST}`],
    ['routes[0].host', `${long(250)}.test`, `routes[0].host "${long(250)}.test" ${HOST}`],
    ['routes[0].path', 'api', 'routes[0].path "api" must start with \'/\''],
    ['routes[0].path', '', 'routes[0].path "" must start with \'/\''],
    ['routes[0].path', '/a//b', 'routes[0].path "/a//b" may not contain \'//\''],
    ['routes[0].path', '/a/../b', 'routes[0].path "/a/../b" may not contain \'/../\''],
    ['routes[0].path', '/a/./b', 'routes[0].path "/a/./b" may not contain \'/./\''],
    ['routes[0].path', '/a/..', 'routes[0].path "/a/.." may not end with \'/..\''],
    ['routes[0].path', '/a/.', 'routes[0].path "/a/." may not end with \'/.\''],
    ['routes[0].path', '/%2fetc', 'routes[0].path "/%2fetc" may not contain \'%2f\''],
    ['routes[0].port', 8080, 'routes[0].port 8080 is not a port of service "app": its ports are 80'],
    ['tls', { secretName: 'Site_TLS' }, `tls.secretName "Site_TLS" ${SUBDOMAIN}`],
    ['tls', { secretName: 'site-tls', hosts: ['b.test'] }, 'tls.hosts[0] "b.test" has no route: hosts with routes are site.test'],
    ['tls', { secretName: 'site-tls', hosts: [] }, 'tls.hosts is empty: give the routes a host, or list the hosts in tls.hosts'],
  ]),
  ...table('WebIngress', (c: Chart): WebIngressProps => { const s = service(c); return { name: 'site', routes: [{ host: 'a.test', service: s }, { host: 'a.test', path: '/', service: s }] }; }, (c, p) => new WebIngress(c, 'Ingress', p), [
    ['routes[1].path', '/', 'routes[1] "a.test/" repeats the host and path of routes[0]'],
  ]),
  ...table('WebIngress', () => ({ service: 'two ports' }), (c, p) => {
    const service = p.service === 'two ports'
      ? new kplus.Service(c, 'Two', { metadata: { name: 'two' }, ports: [{ port: 80, name: 'http' }, { port: 443, name: 'https' }] })
      : new kplus.Service(c, 'None', { metadata: { name: 'none' }, type: kplus.ServiceType.EXTERNAL_NAME, externalName: 'example.com' });
    new WebIngress(c, 'Ingress', { name: 'site', routes: [{ path: '/x', service }] });
  }, [
    ['service', 'two ports', 'routes[0].port is needed: service "two" exposes ports 80, 443'],
    ['service', 'no port', 'routes[0].service "none" exposes no port'],
  ]),
  ...table('Postgres', postgresBase, (c, p) => new Postgres(c, 'Db', p), [
    ['name', 'Postgres', `name "Postgres" ${DNS_1035}`],
    ['name', '1db', `name "1db" ${DNS_1035}`],
    ['name', long(53, 'p'), `name "${long(53, 'p')}" has 53 characters: a StatefulSet name longer than 52 leaves its pods without a controller-revision-hash label`],
    ['database', 'my_app', `database "my_app" ${DNS_LABEL}`],
    ['credentials.secretName', 'Creds', `credentials.secretName "Creds" ${SUBDOMAIN}`],
    ['credentials.usernameKey', 'user name', `credentials.usernameKey "user name" ${CONFIG_KEY}`],
    ['credentials.usernameKey', '..', `credentials.usernameKey ".." ${DOT_KEY}`],
    ['credentials.usernameKey', '', `credentials.usernameKey "" ${CONFIG_KEY}`],
    ['credentials.passwordKey', 'a/b', `credentials.passwordKey "a/b" ${CONFIG_KEY}`],
    ['credentials.passwordKey', '.', `credentials.passwordKey "." ${DOT_KEY}`],
    ['storageClassName', 'Fast_SSD', `storageClassName "Fast_SSD" ${SUBDOMAIN}`],
    ['storageClassName', 'fast ssd', `storageClassName "fast ssd" ${SUBDOMAIN}`],
    ['replicas', NaN, 'replicas NaN is outside 0-100'],
    ['storageGiB', 0, 'storageGiB 0 is outside 1-65536'],
    ['storageGiB', 0.5, 'storageGiB 0.5 is outside 1-65536'],
    ['storageGiB', NaN, 'storageGiB NaN is outside 1-65536'],
    ['image', 'postgres', 'image "postgres" is not pinned: add a version tag, e.g. "postgres:1.2.3"'],
    ['image', 'postgres:17-', `image "postgres:17-" has tag "17-", ${TAG}`],
    ['user', 0, 'user 0 is outside 1-2147483647'],
    ['cpuMillis', NaN, 'cpuMillis NaN is outside 1-64000'],
    ['memoryMiB', NaN, `memoryMiB NaN ${MEMORY}`],
    ['memoryLimitMiB', NaN, `memoryLimitMiB NaN ${MEMORY}`],
  ]),
  ...table('Postgres', (): PostgresProps => ({ ...postgresBase(), memoryMiB: 128 }), (c, p) => new Postgres(c, 'Db', p), [
    ['memoryLimitMiB', 64, 'memoryLimitMiB 64 is below memoryMiB 128: the limit must be at least the request'],
  ]),
  ...table('AppConfig', configBase, (c, p) => new AppConfig(c, 'Config', p), [
    ['name', 'Settings', `name "Settings" ${DNS_LABEL}`],
    ['data', {}, 'data is empty: give at least one key'],
    ['data', { '.': 'x' }, `data key "." ${DOT_KEY}`],
    ['data', { '..': 'x' }, `data key ".." ${DOT_KEY}`],
    ['data', { '..data': 'x' }, `data key "..data" ${DOT_KEY}`],
    ['data', { 'MY KEY': 'x' }, `data key "MY KEY" ${CONFIG_KEY}`],
    ['data', { 'a/b': 'x' }, `data key "a/b" ${CONFIG_KEY}`],
    ['data', { constructor: 'x' }, `data key "constructor" ${JS_KEY}`],
    ['data', { toString: 'x' }, `data key "toString" ${JS_KEY}`],
    ['data', { [long(254)]: 'x' }, `data key "${long(254)}" ${CONFIG_KEY}`],
    ['secret', { name: 'Creds', keys: ['token'] }, `secret.name "Creds" ${SUBDOMAIN}`],
    ['secret', { name: 'c', stringData: { a: 'b' }, keys: ['a'] }, 'secret has both stringData and keys: give stringData (the chart creates the Secret) or keys (it is created out of band)'],
    ['secret', { name: 'c' }, 'secret needs stringData (the chart creates the Secret) or keys (it is created out of band)'],
    ['secret', { name: 'c', keys: [] }, 'secret.keys is empty: give at least one key'],
    ['secret', { name: 'c', keys: ['token', '..'] }, `secret.keys[1] ".." ${DOT_KEY}`],
    ['secret', { name: 'c', stringData: {} }, 'secret.stringData is empty: give at least one key'],
    ['secret', { name: 'c', stringData: { 'a/b': 'x' } }, `secret.stringData key "a/b" ${CONFIG_KEY}`],
    ['secret', { name: 'c', stringData: { '.': 'x' } }, `secret.stringData key "." ${DOT_KEY}`],
    ['secret', { name: 'c', stringData: { constructor: 'x' } }, `secret.stringData key "constructor" ${JS_KEY}`],
    ['secret', { name: `${long(60)}.sec`, stringData: { a: 'x' } }, `secret.name "${long(60)}.sec" is 64 characters long: a Secret the chart creates is labelled with its name, at most 63 characters`],
  ]),
  ...table('AppConfig methods', () => ({ call: '' }), (c, p) => {
    const config = new AppConfig(c, 'Config', { ...configBase(), secret: { name: 'creds', keys: ['token'] } });
    const [method, arg] = p.call.split(' ');
    if (method === 'mount()') config.mount(new kplus.Deployment(c, 'D').addContainer({ image: 'busybox:1.36.1' }), arg);
    else if (method === 'envValue()') config.envValue(arg);
    else if (method === 'secretEnvValue()') config.secretEnvValue(arg);
    else if (method === 'envFrom()') new AppConfig(c, 'Files', { name: 'files', data: { 'app.conf': 'x' } }).envFrom();
    else new AppConfig(c, 'Plain', { name: 'plain', data: { A: 'b' } }).secretEnvValue(arg);
  }, [
    ['call', 'mount() etc', 'mount() path "etc" must be an absolute path'],
    ['call', 'envValue() mode', 'envValue() key "mode" is not a key of configMap "settings": its keys are MODE'],
    ['call', 'envValue() toString', 'envValue() key "toString" is not a key of configMap "settings": its keys are MODE'],
    ['call', 'secretEnvValue() password', 'secretEnvValue() key "password" is not a key of secret "creds": its keys are token'],
    ['call', 'no-secret token', 'secretEnvValue() key "token" needs a secret: add secret to the props'],
    ['call', 'envFrom()', 'envFrom() data key "app.conf" is not an environment variable name a shell can read: use envValue() or mount() for it'],
  ]),
  ...table('Postgres methods', () => ({ call: '' }), (c, p) => {
    const db = new Postgres(c, 'Db', { ...postgresBase(), replicas: 2 });
    const [method, arg] = p.call.split(' ');
    if (method === 'podName()') db.podName(Number(arg));
    else if (method === 'podHost()') db.podHost(Number(arg));
    else db.claimName(Number(arg));
  }, [
    ['call', 'podName() 2', 'podName() ordinal 2 is outside 0-1'],
    ['call', 'podHost() -1', 'podHost() ordinal -1 is outside 0-1'],
    ['call', 'claimName() NaN', 'claimName() ordinal NaN is outside 0-1'],
  ]),
  ...table('NamespacedChart', (): NamespacedChartProps => ({ namespace: 'demo' }), (_, p) => new NamespacedChart(new App(), 'x', p), [
    ['namespace', 'My.Namespace', `namespace "My.Namespace" ${DNS_LABEL}`],
    ['namespace', 'demo-', `namespace "demo-" ${DNS_LABEL}`],
    ['namespace', long(64, 'n'), `namespace "${long(64, 'n')}" ${DNS_LABEL}`],
    ['partOf', 'my app', `partOf "my app" ${LABEL_VALUE}`],
    ['partOf', 'app-', `partOf "app-" ${LABEL_VALUE}`],
    ['podSecurity', 'strict', 'podSecurity "strict" is not a Pod Security Standard: use privileged, baseline, restricted'],
  ]),
  ...table('spreadPods', (): SpreadOptions => ({}), (c, p) => { const w = webApp(c); spreadPods(w.deployment, w.selector, p); }, [
    ['topologyKey', '', `topologyKey "" ${LABEL_KEY}`],
    ['topologyKey', ' ', `topologyKey " " ${LABEL_KEY}`],
    ['topologyKey', 'kubernetes.io/host name', `topologyKey "kubernetes.io/host name" ${LABEL_KEY}`],
    ['topologyKey', 'a/b/c', `topologyKey "a/b/c" ${LABEL_KEY}`],
    ['topologyKey', 'Zone_/x', `topologyKey "Zone_/x" ${LABEL_KEY}`],
    ['topologyKey', '-zone', `topologyKey "-zone" ${LABEL_KEY}`],
    ['maxSkew', 0, 'maxSkew 0 is outside 1-1000'],
    ['maxSkew', NaN, 'maxSkew NaN is outside 1-1000'],
    ['whenUnsatisfiable', 'Never', 'whenUnsatisfiable "Never" is not allowed: use ScheduleAnyway or DoNotSchedule'],
  ]),
  ...table('spreadPods', (): { selector: Record<string, string> } => ({ selector: {} }), (c, p) => spreadPods(webApp(c).deployment, p.selector), [
    ['selector', {}, 'selector is empty: the constraint would count no pods (use the labels that select the workload\'s pods)'],
    ['selector', { 'app name': 'web' }, `selector key "app name" ${LABEL_KEY}`],
    ['selector', { app: 'web server' }, `selector["app"] "web server" ${LABEL_VALUE}`],
  ]),
  ...table('AllowOnlyFrom', policyBase, (c, p) => new AllowOnlyFrom(c, 'Policy', p), [
    ['name', 'DB', `name "DB" ${SUBDOMAIN}`],
    ['pods', {}, 'pods is empty: a policy with an empty pod selector protects every pod of the namespace'],
    ['pods', { 'app/name/x': 'db' }, `pods key "app/name/x" ${LABEL_KEY}`],
    ['from', [], 'from is empty: list at least one pod selector (with none, no pod may connect)'],
    ['from', [{ app: 'web' }, {}], 'from[1] is empty: an empty pod selector lets every pod of the namespace connect'],
    ['from', [{ app: 'web-' }], `from[0]["app"] "web-" ${LABEL_VALUE}`],
    ['labels', { team: 'a b' }, `labels["team"] "a b" ${LABEL_VALUE}`],
    ['labels', { constructor: 'a' }, `labels key "constructor" ${JS_KEY}`],
    ['ports', [], 'ports is empty: list the ports the clients may connect to'],
    ['ports', [0], 'ports[0] 0 is outside 1-65535'],
    ['ports', [5432, 70000], 'ports[1] 70000 is outside 1-65535'],
    ['ports', [NaN], 'ports[0] NaN is outside 1-65535'],
    ['ports', [5432, 5432], 'ports[1] 5432 repeats ports[0]'],
  ]),
  ...table('addLogShipper', shipperBase, (c, p) => addLogShipper(webApp(c).deployment, p), [
    ['name', 'Log_Shipper', `name "Log_Shipper" ${DNS_LABEL}`],
    ['name', 'web', 'name "web" is already a container of this pod'],
    ['image', 'busybox', 'image "busybox" is not pinned: add a version tag, e.g. "busybox:1.2.3"'],
    ['user', 0, 'user 0 is outside 1-2147483647'],
    ['mountPath', 'logs', 'mountPath "logs" must be an absolute path'],
    ['files', [], 'files is empty: name at least one log file to follow'],
    ['files', ['../etc/passwd'], 'files[0] "../etc/passwd" is not a path relative to the volume: use letters, digits, \'.\', \'_\', \'-\' and \'/\', no segment starting with \'.\''],
    ['files', ['/abs.log'], 'files[0] "/abs.log" is not a path relative to the volume: use letters, digits, \'.\', \'_\', \'-\' and \'/\', no segment starting with \'.\''],
    ['files', ['a.log', 'a.log'], 'files[1] "a.log" repeats files[0]'],
    ['files', ['a;rm -rf x'], 'files[0] "a;rm -rf x" is not a path relative to the volume: use letters, digits, \'.\', \'_\', \'-\' and \'/\', no segment starting with \'.\''],
  ]),
  ...table('NodeAgent', (): NodeAgentProps => ({}), (c, p) => new NodeAgent(c, 'Agent', p), [
    ['name', 'node.agent', `name "node.agent" ${DNS_LABEL}`],
    ['intervalSeconds', 0, 'intervalSeconds 0 is outside 1-86400'],
    ['intervalSeconds', NaN, 'intervalSeconds NaN is outside 1-86400'],
    ['image', 'busybox:latest', 'image "busybox:latest" is not pinned: add a version tag, e.g. "busybox:1.2.3"'],
    ['image', 'busybox:1.36-', `image "busybox:1.36-" has tag "1.36-", ${TAG}`],
  ]),
  ...table('Toolbox', (): ToolboxProps => ({}), (c, p) => new Toolbox(c, 'Toolbox', p), [
    ['name', 'Toolbox', `name "Toolbox" ${DNS_LABEL}`],
    ['image', 'busybox', 'image "busybox" is not pinned: add a version tag, e.g. "busybox:1.2.3"'],
  ]),
  ...table('secureContainer', containerBase, (c, p) => new kplus.Deployment(c, 'Worker').addContainer(secureContainer(p)), [
    ['name', 'Worker', `name "Worker" ${DNS_LABEL}`],
    ['image', 'busybox', 'image "busybox" is not pinned: add a version tag, e.g. "busybox:1.2.3"'],
    ['user', 0, 'user 0 is outside 1-2147483647'],
    ['group', -1, 'group -1 is outside 1-2147483647'],
    ['cpuMillis', NaN, 'cpuMillis NaN is outside 1-64000'],
    ['memoryMiB', NaN, `memoryMiB NaN ${MEMORY}`],
    ['memoryLimitMiB', NaN, `memoryLimitMiB NaN ${MEMORY}`],
    ['memoryLimitMiB', 4, 'memoryLimitMiB 4 is below memoryMiB 8: the limit must be at least the request'],
    ['ports', [{ number: 80 }], 'ports[0].number 80 is privileged: a non-root container must listen on 1024-65535'],
    ['envVariables', env('A=B'), `envVariables key "A=B" ${ENV_NAME}`],
  ]),
  ...table('addExternalRef', () => ({ kind: 'Secret', name: 'a' }), (c, p) => addExternalRef(new kplus.ConfigMap(c, 'Map'), p.kind, p.name), [
    ['kind', 'secret', 'kind "secret" is not a Kubernetes kind: use its CamelCase name, e.g. "Secret"'],
    ['name', 'A', `name "A" ${SUBDOMAIN}`],
    ['name', 'a,b', `name "a,b" ${SUBDOMAIN}`],
  ]),
  ...table('annotation prefix', () => ({ prefix: 'x' as unknown }), (_, p) => {
    const app = new App();
    app.node.setContext(ANNOTATION_PREFIX_CONTEXT, p.prefix);
    const chart = new NamespacedChart(app, 'x', { namespace: 'demo' });
    new Postgres(chart, 'Db', postgresBase());
    return chart;
  }, [
    ['prefix', 'Example.com', `context["k8s-by-example:annotation-prefix"] "Example.com" ${SUBDOMAIN}`],
    ['prefix', 'example.com/x', `context["k8s-by-example:annotation-prefix"] "example.com/x" ${SUBDOMAIN}`],
    ['prefix', 42, 'context["k8s-by-example:annotation-prefix"] 42 is not text: use a DNS subdomain, e.g. "example.com"'],
  ]),
  ...table('NamespacedChart objects', () => ({ twice: 'Deployment' }), (c, p) => {
    if (p.twice === 'Deployment') {
      new WebApp(c, 'One', webAppBase());
      new WebApp(c, 'Two', webAppBase());
    } else if (p.twice === 'Service') {
      webApp(c).expose('Svc', { name: 'db' });
      new Postgres(c, 'Db', { ...postgresBase(), name: 'db' });
    } else {
      new AppConfig(c, 'One', configBase());
      new AppConfig(c, 'Two', configBase());
    }
  }, [
    ['twice', 'Deployment', 'Deployment "web" is defined twice in namespace "test", by test/One/Resource and test/Two/Resource: give each object of a kind its own name'],
    ['twice', 'Service', 'Service "db" is defined twice in namespace "test", by test/Web/Svc and test/Db/Service: give each object of a kind its own name'],
    ['twice', 'ConfigMap', 'ConfigMap "settings" is defined twice in namespace "test", by test/One/Resource and test/Two/Resource: give each object of a kind its own name'],
  ]),
];

/** A chart in namespace `test`, as every hostile case builds into. */
export const testChart = (): Chart => new NamespacedChart(new App(), 'test', { namespace: 'test' });

/** A chart `test` with `add` in it. */
const chartWith = (add: (chart: Chart) => void) => () => {
  const chart = testChart();
  add(chart);
  return chart;
};

/** Valid values that must be accepted (some were refused before), each building a whole chart the validator passes. */
export const VALID_CASES: readonly ValidCase[] = [
  { construct: 'NamespacedChart', prop: 'namespace', value: '1demo', build: () => new NamespacedChart(new App(), 'x', { namespace: '1demo' }) },
  { construct: 'NamespacedChart', prop: 'partOf', value: 'shop.v2_a', build: () => new NamespacedChart(new App(), 'x', { namespace: 'demo', partOf: 'shop.v2_a' }) },
  { construct: 'WebIngress', prop: 'className', value: 'nginx.internal', build: chartWith((c) => new WebIngress(c, 'Ingress', { ...ingressBase(c), className: 'nginx.internal' })) },
  { construct: 'WebIngress', prop: 'routes[0].host', value: '*.site.test', build: chartWith((c) => new WebIngress(c, 'Ingress', withProp(ingressBase(c), 'routes[0].host', '*.site.test'))) },
  { construct: 'WebIngress', prop: 'routes[0].host', value: '256.1.1.1', build: chartWith((c) => new WebIngress(c, 'Ingress', withProp(ingressBase(c), 'routes[0].host', '256.1.1.1'))) },
  { construct: 'WebIngress', prop: 'tls.secretName', value: 'site.tls', build: chartWith((c) => new WebIngress(c, 'Ingress', { ...ingressBase(c), tls: { secretName: 'site.tls' } })) },
  { construct: 'WebApp', prop: 'name', value: '1web', build: chartWith((c) => new WebApp(c, 'Web', { ...webAppBase(), name: '1web' })) },
  { construct: 'WebApp', prop: 'memoryMiB', value: 128, build: chartWith((c) => new WebApp(c, 'Web', { ...webAppBase(), memoryMiB: 128 })) },
  { construct: 'WebApp', prop: 'memoryLimitMiB', value: 8, build: chartWith((c) => new WebApp(c, 'Web', { ...webAppBase(), memoryLimitMiB: 8 })) },
  { construct: 'WebApp', prop: 'image', value: 'example/web@sha256:…', build: chartWith((c) => new WebApp(c, 'Web', { ...webAppBase(), image: `example/web@sha256:${'a'.repeat(64)}` })) },
  { construct: 'WebApp', prop: 'envVariables', value: 'MY-VAR, my.var', build: chartWith((c) => new WebApp(c, 'Web', { ...webAppBase(), envVariables: { ...env('MY-VAR'), ...env('my.var') } })) },
  { construct: 'Postgres', prop: 'credentials.secretName', value: 'db.credentials', build: chartWith((c) => new Postgres(c, 'Db', withProp(postgresBase(), 'credentials.secretName', 'db.credentials'))) },
  { construct: 'Postgres', prop: 'storageClassName', value: 'fast.ssd', build: chartWith((c) => new Postgres(c, 'Db', { ...postgresBase(), storageClassName: 'fast.ssd' })) },
  { construct: 'Postgres', prop: 'credentials.usernameKey', value: 'user.name', build: chartWith((c) => new Postgres(c, 'Db', withProp(postgresBase(), 'credentials.usernameKey', 'user.name'))) },
  { construct: 'AppConfig', prop: 'data', value: '.hidden, a_b-c.d', build: chartWith((c) => new AppConfig(c, 'Config', { name: 'settings', data: { '.hidden': 'x', 'a_b-c.d': 'y' } })) },
  { construct: 'AppConfig', prop: 'secret.name', value: 'app.secret', build: chartWith((c) => new AppConfig(c, 'Config', { ...configBase(), secret: { name: 'app.secret', stringData: { token: 'demo' } } })) },
  { construct: 'spreadPods', prop: 'topologyKey', value: 'topology.kubernetes.io/zone', build: chartWith((c) => { const w = webApp(c); spreadPods(w.deployment, w.selector, { topologyKey: 'topology.kubernetes.io/zone' }); }) },
  { construct: 'AllowOnlyFrom', prop: 'name', value: 'web.clients', build: chartWith((c) => {
    const web = webApp(c);
    new AllowOnlyFrom(c, 'Policy', { ...policyBase(), name: 'web.clients', pods: web.selector, from: [web.selector], ports: [8080] });
  }) },
];
