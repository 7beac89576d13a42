// Proof that the real API server bites: what it refuses that the project's validator would miss
// or cannot judge (an immutable field on re-apply, a NodePort taken by another example's
// namespace), what it refuses beside the validator (a pod against "restricted", unknown fields,
// bad values), and a deliberately broken example rejected through deploy's own kubectl call.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { getProfile } from '../examples/profiles';
import { deployPlan } from '../tools/cluster/deploy';
import { validate } from '../validator';
import { Obj, checkAdmitted } from './checks';
import { getJson, kubectl, kubectlOk, manifests } from './lib';

const NS = 'e2e-bites';
const NS2 = 'e2e-bites-other';
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

/** The deployment example's Deployment, moved into the test namespace. */
function exampleDeployment(): Obj {
  const d = clone(manifests('deployment', 'minikube').find((o) => o.kind === 'Deployment'));
  d.metadata.namespace = NS;
  return d;
}

const namespaceYaml = (name: string) => Yaml.stringify({
  apiVersion: 'v1', kind: 'Namespace',
  metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' } },
});

/** `kubectl apply` with deploy's flags (strict validation, warnings as errors) of some objects. */
async function apply(objects: Obj[], extra: string[] = []) {
  return kubectl(['apply', '--validate=strict', '--warnings-as-errors', ...extra, '-f', '-', '--request-timeout=30s'], { input: Yaml.stringify(...objects) });
}

/** What the project's validator says about these objects (with their namespace, as a set). */
function validatorRules(objects: Obj[]): string[] {
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: objects[0].metadata.namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } };
  const findings = validate([ns, ...objects].map((object, index) => ({ object, file: 'test.yaml', index })));
  return [...new Set(findings.map((f) => f.rule))];
}

beforeAll(async () => {
  await kubectlOk(['apply', '-f', '-', '--request-timeout=30s'], { input: `${namespaceYaml(NS)}---\n${namespaceYaml(NS2)}` });
  await kubectlOk(['wait', '--for=create', `serviceaccount/default`, '-n', NS, '--timeout=120s'], { timeoutMs: 130_000 });
});

afterAll(async () => {
  await kubectl(['delete', 'namespace', NS, NS2, '--ignore-not-found', '--wait=true', '--timeout=180s'], { timeoutMs: 200_000 });
});

describe('the API server refuses what the validator cannot judge', () => {
  test('an immutable field changed on re-apply: a Deployment selector', async () => {
    const first = exampleDeployment();
    first.metadata.name = 'immutable';
    expect((await apply([first])).stderr).toBe('');
    const second = clone(first);
    second.spec.selector.matchLabels['app.kubernetes.io/variant'] = 'b';
    second.spec.template.metadata.labels['app.kubernetes.io/variant'] = 'b';
    // Each version on its own is valid: the validator has no way to see the change.
    expect(validatorRules([second])).toEqual([]);
    const r = await apply([second]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/spec\.selector: Invalid value: .*field is immutable/);
  });

  test('a NodePort that another namespace holds already', async () => {
    const services = manifests('services', 'minikube').filter((o) => o.kind === 'Service' && o.spec?.ports?.some((p: Obj) => p.nodePort));
    expect(services.length).toBeGreaterThan(0);
    const holder = clone(services[0]);
    holder.metadata.namespace = NS2;
    expect((await apply([holder])).stderr).toBe('');
    const clash = clone(services[0]);
    clash.metadata.namespace = NS;
    // The validator judges one set at a time (one example): each namespace's NodePort is unique there.
    expect(validatorRules([clash]).filter((r) => /node-?port/i.test(r))).toEqual([]);
    const r = await apply([clash]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/provided port is already allocated/);
  });
});

test('a NodePort outside 30000-32767: refused on a real create (a dry run lets it through)', async () => {
  const svc = clone(manifests('services', 'minikube').find((o) => o.kind === 'Service' && o.spec?.ports?.some((p: Obj) => p.nodePort)));
  svc.metadata.namespace = NS;
  svc.metadata.name = 'out-of-range';
  svc.spec.ports = svc.spec.ports.map((p: Obj) => ({ ...p, nodePort: p.nodePort ? 8080 : undefined }));
  const dry = await apply([svc], ['--dry-run=server']);
  expect([dry.code, dry.stderr]).toEqual([0, '']);
  const real = await apply([svc]);
  expect(real.code).not.toBe(0);
  expect(real.stderr).toMatch(/spec\.ports\[0\]\.nodePort: Invalid value: 8080: provided port is not in the valid range\. The range of valid ports is 30000-32767/);
});

describe('the API server refuses what breaks its rules', () => {
  test('a Pod that violates Pod Security "restricted" in an enforcing namespace', async () => {
    const d = exampleDeployment();
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unrestricted', namespace: NS, labels: d.spec.template.metadata.labels }, spec: clone(d.spec.template.spec) };
    delete pod.spec.containers[0].securityContext.seccompProfile;
    delete pod.spec.securityContext?.seccompProfile;
    pod.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
    const r = await apply([pod]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
    expect(r.stderr).toMatch(/seccompProfile/);
  });

  test('a Deployment of such pods: a warning with deploy\'s flags; without them, accepted and its pods refused (FailedCreate)', async () => {
    const d = exampleDeployment();
    d.metadata.name = 'unrestricted';
    d.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
    const strict = await apply([d]);
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toMatch(/would violate PodSecurity "restricted:latest"/);
    const lax = await kubectl(['apply', '-f', '-', '--request-timeout=30s'], { input: Yaml.stringify(d) });
    expect(lax.code).toBe(0);
    // The ReplicaSet controller tries, and admission refuses each pod: the suite's admission check sees it.
    await kubectlOk(['wait', '--for=condition=ReplicaFailure=True', 'deployment/unrestricted', '-n', NS, '--timeout=180s'], { timeoutMs: 200_000 });
    const events = (await getJson(['-n', NS, 'events', '--field-selector', 'reason=FailedCreate'])).items;
    expect(checkAdmitted(events).join('\n')).toMatch(/could not create a pod: Error creating: pods ".*" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
    await kubectlOk(['-n', NS, 'delete', 'deployment', 'unrestricted', '--wait=true', '--timeout=120s'], { timeoutMs: 130_000 });
  });

  test('an unknown field, with strict validation', async () => {
    const d = exampleDeployment();
    d.metadata.name = 'unknown-field';
    d.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    const r = await apply([d]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/strict decoding error: unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolicyy"/);
  });

  test('a value out of the API\'s range: a container port name over 15 characters', async () => {
    const d = exampleDeployment();
    d.metadata.name = 'long-port-name';
    d.spec.template.spec.containers[0].ports = [{ containerPort: 8080, name: 'http-alternative' }];
    const r = await apply([d]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/ports\[0\]\.name: Invalid value: "http-alternative": must be no more than 15 characters/);
  });
});

test('a deliberately broken example is rejected by deploy\'s own kubectl apply', async () => {
  // The deployment example with its selector no longer matching its pod template's labels.
  // In a namespace of its own, so that a user's deployment-demo is never touched.
  const objects: Obj[] = clone(manifests('deployment', 'minikube'));
  const broken = 'e2e-broken-deployment';
  for (const o of objects) {
    if (o.kind === 'Namespace') o.metadata.name = broken;
    else o.metadata.namespace = broken;
  }
  const web = objects.find((o: Obj) => o.kind === 'Deployment');
  web.spec.selector.matchLabels['app.kubernetes.io/name'] = 'not-web';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-broken-'));
  const file = path.join(dir, 'deployment.yaml');
  try {
    fs.writeFileSync(file, Yaml.stringify(...objects));
    const plan = deployPlan({ example: 'deployment', profile: getProfile('minikube'), file, objects, namespace: broken });
    const r = await kubectl(plan.apply, { timeoutMs: 120_000 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await kubectl(['delete', 'namespace', broken, '--ignore-not-found', '--wait=true', '--timeout=180s'], { timeoutMs: 200_000 });
  }
});
