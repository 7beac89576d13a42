import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import {
  AllowOnlyFrom, AppConfig, NamespacedChart, NodeAgent, Postgres, Toolbox, WebApp, WebIngress, addLogShipper, spreadPods,
} from '../../lib';
import { formatFinding, validate } from '../../validator';

// Every construct, built with random and hostile props, either refuses them with one clean line
// that names one of the props it was given, or makes objects the validator passes (pod security
// "restricted"). The seed is fixed, so every run tries the same props; PROPS_SEED=<n> tries
// others and PROPS_RUNS=<n> tries more of them.

const SEED = Number(process.env.PROPS_SEED ?? 20261125);
const RUNS = Number(process.env.PROPS_RUNS ?? 60);

/** A value that suits every string prop: a name, a key, a label value, a host. */
const fine = fc.stringMatching(/^[a-z]([-a-z0-9]{0,12}[a-z0-9])?$/);
/** Strings a clumsy user or an attacker would try. */
const hostile = fc.oneof(
  fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,20}[a-z0-9])?$/),
  fc.constantFrom('', '.', '..', '..a', '-', 'a-', '-a', 'A', 'a_b', 'a.b', 'a/b', 'a b', 'a=b', '1a', 'a..b', '10.0.0.1', '*', '*.a.test', '%2f', '//', '/../', 'a\nb', 'é', 'toString', '__proto__', 'constructor'),
  fc.string({ unit: fc.constantFrom('a', 'Z', '1', '-', '.', '_', '/', ' ', ':', '*', '=', '@'), maxLength: 70 }),
  fc.string({ maxLength: 20 }),
  fc.integer({ min: 60, max: 300 }).map((n) => 'a'.repeat(n)),
);
/** Mostly fine values, so that a build gets past its first props and often to the output. */
const mostly = <T>(valid: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) => fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: bad, weight: 1 });
const text = mostly(fine, hostile);
/** Numbers: in range, out of range, fractional, NaN, infinite, huge. */
const number = (min: number, max: number) => mostly(fc.integer({ min, max }), fc.oneof(
  fc.integer({ min: min - 10, max: max + 10 }),
  fc.constantFrom(NaN, Infinity, -Infinity, 0.5, 1e21, -0, 2 ** 31),
  fc.double(),
));
const path = mostly(fine.map((t) => `/${t}`), fc.oneof(fc.constantFrom('/', '/a//b', '/a/../b', '/a/.', '/%2F', 'api', ''), hostile.map((t) => `/${t}`)));
const tag = mostly(fc.constantFrom('1.0.0', '1.25-alpine', 'v2'), fc.oneof(fc.constantFrom('1.25-', 'latest', '', 'v1_', '1.0@x'), hostile));
const image = fc.oneof(tag.map((t) => `example/app:${t}`), text);
const labels = fc.dictionary(text, text, { maxKeys: 3 });
const envVariables = fc.dictionary(text, fc.constant(kplus.EnvValue.fromValue('x')), { maxKeys: 3 });

/** Starts of a refusal: `method() `, then the prop (before `.`, `[`, ` key` or the value); or `Kind "name" is defined twice`. */
const REFUSAL = /^(?:([a-zA-Z]+)\(\) )?([a-z][a-zA-Z]*)(?:\.[a-zA-Z]+|\[(?:\d+|"[^"]*")\])*(?: key)? /;
const DUPLICATE = /^[A-Z][A-Za-z]* "[^"]*" is defined twice /;
const OPTIONS = { podSecurity: 'restricted' as const, cpuBudgetMillis: Number.MAX_SAFE_INTEGER, memoryBudgetMiB: Number.MAX_SAFE_INTEGER };

/**
 * What is wrong with the outcome of `build`, or undefined: it threw a plain Error, one line, that
 * starts with one of `props` (or is about a duplicate object); or the chart it made passes the validator.
 */
function verdict(props: readonly string[], build: () => Chart, onBuilt: () => void): string | undefined {
  let objects: unknown[];
  try {
    objects = build().toJson();
  } catch (error) {
    if (!(error instanceof Error) || error.constructor !== Error) return `threw ${String(error)} (${(error as object)?.constructor?.name}), not a plain Error`;
    const message = error.message;
    if (message.includes('\n') || message.endsWith('.')) return `message is not one line without a period: ${JSON.stringify(message)}`;
    if (DUPLICATE.test(message)) return undefined;
    const match = REFUSAL.exec(message);
    const named = match?.[1] !== undefined ? `${match[1]}()` : match?.[2];
    if (named === undefined || !props.includes(named)) return `message does not start with one of ${props.join(', ')}: ${JSON.stringify(message)}`;
    return undefined;
  }
  onBuilt();
  const findings = validate(objects.map((object, index) => ({ file: 'props.yaml', index, object })), OPTIONS);
  return findings.length === 0 ? undefined : `built, but the validator finds: ${findings.map(formatFinding).join('; ')}`;
}

const chart = () => new NamespacedChart(new App(), 'test', { namespace: 'test' });
/**
 * Checks `build` on RUNS random values (fast-check throws on the first bad outcome) and returns
 * how often the rarer outcome (built or refused) occurred: both must, or the props are too tame
 * or too wild to test anything.
 */
const run = <T>(arbitrary: fc.Arbitrary<T>, props: readonly string[], build: (value: T) => Chart): number => {
  const outcomes = { built: 0, refused: 0 };
  fc.assert(fc.property(arbitrary, (value) => {
    let built = false;
    expect(verdict(props, () => build(value), () => { built = true; })).toBeUndefined();
    outcomes[built ? 'built' : 'refused']++;
  }), { seed: SEED, numRuns: RUNS });
  return Math.min(outcomes.built, outcomes.refused);
};

describe('random props: a clean refusal that names a prop, or output the validator passes', () => {
  test('WebApp and expose()', () => {
    const props = fc.record({
      name: text, image, port: number(1024, 65535), replicas: number(0, 5), cpuMillis: number(1, 100),
      memoryMiB: fc.option(number(1, 256), { nil: undefined }), memoryLimitMiB: fc.option(number(1, 512), { nil: undefined }),
      envVariables, component: fc.option(text, { nil: undefined }), healthPath: fc.option(path, { nil: undefined }),
      writablePaths: fc.option(fc.array(path, { maxLength: 3 }), { nil: undefined }),
    });
    const expose = mostly(fc.record({ name: fine, port: fc.option(number(1, 65535), { nil: undefined }) }), fc.record({
      name: text, port: fc.option(number(1, 65535), { nil: undefined }),
      type: fc.constantFrom(kplus.ServiceType.CLUSTER_IP, kplus.ServiceType.NODE_PORT, kplus.ServiceType.LOAD_BALANCER, 'Other' as kplus.ServiceType),
      nodePort: fc.option(number(30000, 32767), { nil: undefined }), headless: fc.boolean(),
    }));
    expect(run(fc.tuple(props, expose), ['name', 'image', 'port', 'replicas', 'cpuMillis', 'memoryMiB', 'memoryLimitMiB', 'envVariables', 'component', 'healthPath', 'livenessPath', 'writablePaths', 'expose()'], ([p, e]) => {
      const c = chart();
      new WebApp(c, 'Web', p).expose('Svc', e);
      return c;
    })).toBeGreaterThanOrEqual(RUNS / 10);
  });

  test('WebIngress', () => {
    const route = fc.record({ host: fc.option(text, { nil: undefined }), path: fc.option(path, { nil: undefined }) });
    const props = fc.record({
      name: text, className: fc.option(text, { nil: undefined }), routes: fc.array(route, { maxLength: 3 }),
      tls: fc.option(fc.record({ secretName: text, hosts: fc.option(fc.array(text, { maxLength: 2 }), { nil: undefined }) }), { nil: undefined }),
    });
    expect(run(props, ['name', 'className', 'routes', 'tls'], (p) => {
      const c = chart();
      const service = new WebApp(c, 'App', { name: 'app', image: 'example/app:1.0.0', port: 8080 }).expose('Svc', { name: 'app' });
      new WebIngress(c, 'Ingress', { ...p, routes: p.routes.map((r) => ({ ...r, service })) });
      return c;
    })).toBeGreaterThanOrEqual(RUNS / 10);
  });

  test('Postgres', () => {
    const props = fc.record({
      name: fc.option(text, { nil: undefined }), database: text,
      credentials: fc.record({ secretName: text, usernameKey: fc.option(text, { nil: undefined }), passwordKey: fc.option(text, { nil: undefined }) }),
      replicas: fc.option(number(0, 3), { nil: undefined }), image: fc.option(tag.map((t) => `postgres:${t}`), { nil: undefined }),
      storageClassName: fc.option(text, { nil: undefined }), storageGiB: fc.option(number(1, 10), { nil: undefined }),
      memoryMiB: fc.option(number(1, 256), { nil: undefined }), memoryLimitMiB: fc.option(number(1, 512), { nil: undefined }),
    });
    expect(run(props, ['name', 'database', 'credentials', 'replicas', 'image', 'storageClassName', 'storageGiB', 'memoryMiB', 'memoryLimitMiB'], (p) => {
      const c = chart();
      new Postgres(c, 'Db', p);
      return c;
    })).toBeGreaterThanOrEqual(RUNS / 10);
  });

  test('AppConfig, consumed by a WebApp', () => {
    const secret = fc.oneof(
      fc.record({ name: text, stringData: fc.dictionary(text, fc.constant('demo'), { maxKeys: 3 }) }),
      fc.record({ name: text, keys: fc.array(text, { maxLength: 3 }) }),
    );
    const props = fc.record({ name: text, data: fc.dictionary(text, text, { maxKeys: 3 }), secret: fc.option(secret, { nil: undefined }) });
    expect(run(fc.tuple(props, path), ['name', 'data', 'secret', 'mount()'], ([p, mountPath]) => {
      const c = chart();
      const config = new AppConfig(c, 'Config', p);
      const web = new WebApp(c, 'Web', { name: 'web', image: 'example/web:1.0.0', port: 8080 });
      config.consumedBy(web.deployment);
      config.mount(web.container, mountPath);
      return c;
    })).toBeGreaterThanOrEqual(RUNS / 10);
  });

  test('NamespacedChart, spreadPods, NodeAgent, Toolbox', () => {
    const props = fc.record({
      namespace: text, partOf: fc.option(text, { nil: undefined }),
      topologyKey: fc.option(text, { nil: undefined }), maxSkew: fc.option(number(1, 5), { nil: undefined }),
      agent: fc.record({ name: fc.option(text, { nil: undefined }), image: fc.option(tag.map((t) => `busybox:${t}`), { nil: undefined }), intervalSeconds: fc.option(number(1, 600), { nil: undefined }) }),
      toolbox: fc.option(text, { nil: undefined }),
    });
    expect(run(props, ['namespace', 'partOf', 'topologyKey', 'maxSkew', 'name', 'image', 'intervalSeconds'], (p) => {
      const c = new NamespacedChart(new App(), 'test', { namespace: p.namespace, partOf: p.partOf });
      const web = new WebApp(c, 'Web', { name: 'web', image: 'example/web:1.0.0', port: 8080 });
      spreadPods(web.deployment, web.selector, { topologyKey: p.topologyKey, maxSkew: p.maxSkew });
      new NodeAgent(c, 'Agent', p.agent);
      new Toolbox(c, 'Toolbox', { name: p.toolbox });
      return c;
    })).toBeGreaterThanOrEqual(RUNS / 10);
  });

  test('AllowOnlyFrom and addLogShipper', () => {
    const props = fc.record({
      policy: fc.record({ name: text, ports: fc.array(number(1, 65535), { maxLength: 3 }), labels: fc.option(labels, { nil: undefined }) }),
      shipper: fc.record({ name: fc.option(text, { nil: undefined }), files: fc.array(text, { maxLength: 3 }), mountPath: fc.option(path, { nil: undefined }), user: fc.option(number(1, 70000), { nil: undefined }) }),
    });
    expect(run(props, ['name', 'ports', 'labels', 'files', 'mountPath', 'user'], (p) => {
      const c = chart();
      const web = new WebApp(c, 'Web', { name: 'web', image: 'example/web:1.0.0', port: 8080 });
      new AllowOnlyFrom(c, 'Policy', { ...p.policy, pods: web.selector, from: [web.selector] });
      const logs = kplus.Volume.fromEmptyDir(c, 'Logs', 'logs');
      web.container.mount('/var/log/web', logs);
      addLogShipper(web.deployment, { volume: logs, ...p.shipper });
      return c;
    })).toBeGreaterThanOrEqual(RUNS / 10);
  });
});
