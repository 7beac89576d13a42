import { Finding, Manifest, formatFinding, validate } from '../tools/validate';
import { RUNS_ON_MINIKUBE, podRequests } from '../tools/validate/rules/runs-on-minikube';
import { EXAMPLE_NAMES, K8sObject, PROFILE_NAMES, exampleManifests } from './helpers';

const check = (manifests: Manifest[], budget = {}) => validate(manifests, budget, RUNS_ON_MINIKUBE);

describe('every example runs on a default minikube', () => {
  test.each(PROFILE_NAMES.flatMap((p) => EXAMPLE_NAMES.map((e) => [e, p])))('%s (%s) breaks no rule', (example, profile) => {
    expect(check(exampleManifests(example, profile)).map(formatFinding)).toEqual([]);
  });

  test.each(PROFILE_NAMES)('all examples applied together fit the budget of 1000m CPU and 1536Mi (%s)', (profile) => {
    const all = EXAMPLE_NAMES.flatMap((e) => exampleManifests(e, profile));
    expect(check(all).filter((f) => f.rule === 'resource-budget')).toEqual([]);
  });
});

/** A valid pod as the examples make it, to break one rule at a time. */
function goodPod(): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'fixture', namespace: 'test' },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 1000 },
      containers: [{
        name: 'app',
        image: 'example/app:1.0.0',
        ports: [{ containerPort: 8080 }],
        securityContext: {
          runAsNonRoot: true, runAsUser: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
        },
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
      }],
    },
  };
}

const asManifests = (...objects: K8sObject[]): Manifest[] => objects.map((object, index) => ({ file: 'fixture.yaml', index, object }));
const rulesOf = (findings: Finding[]) => findings.map((f) => f.rule);

describe('each rule catches a manifest broken in exactly that way', () => {
  test('the unbroken fixture is clean', () => {
    expect(check(asManifests(goodPod()))).toEqual([]);
  });

  const breakages: Array<[string, (c: K8sObject, pod: K8sObject) => void]> = [
    ['non-root-user', (c, pod) => { delete c.securityContext.runAsUser; delete pod.spec.securityContext.runAsUser; }],
    ['non-root-user', (c) => { c.securityContext.runAsUser = 0; }],
    ['non-root-user', (c, pod) => { delete c.securityContext.runAsNonRoot; delete pod.spec.securityContext.runAsNonRoot; }],
    ['read-only-root-filesystem', (c) => { c.securityContext.readOnlyRootFilesystem = false; }],
    ['drop-all-capabilities', (c) => { c.securityContext.capabilities = { drop: ['NET_RAW'] }; }],
    ['seccomp-profile', (c) => { c.securityContext.seccompProfile = { type: 'Unconfined' }; }],
    ['no-privilege-escalation', (c) => { delete c.securityContext.allowPrivilegeEscalation; }],
    ['unprivileged-port', (c) => { c.ports = [{ containerPort: 80 }]; }],
    ['resources', (c) => { delete c.resources.limits; }],
    ['resources', (c) => { c.resources.requests.cpu = 'lots'; }],
    ['pinned-image', (c) => { c.image = 'example/app'; }],
    ['pinned-image', (c) => { c.image = 'example/app:latest'; }],
    ['resource-budget', (c) => { c.resources.requests.cpu = '1001m'; }],
  ];

  test.each(breakages)('%s', (rule, breakIt) => {
    const pod = goodPod();
    breakIt(pod.spec.containers[0], pod);
    expect(rulesOf(check(asManifests(pod)))).toEqual([rule]);
  });

  test('a finding names the file, the object, the field and the rule', () => {
    const pod = goodPod();
    pod.spec.containers[0].image = 'example/app';
    expect(check(asManifests(pod)).map(formatFinding)).toEqual([
      'fixture.yaml: Pod/test/fixture: spec.containers[0].image: container "app" uses image "example/app", which is not pinned: add a version tag [pinned-image]',
    ]);
  });

  test('the budget counts replicas and is configurable', () => {
    const pod = goodPod();
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 3, template: { spec: pod.spec } } };
    expect(check(asManifests(deployment), { cpuBudgetMillis: 300 })).toEqual([]);
    expect(check(asManifests(deployment), { cpuBudgetMillis: 299 })[0].message).toBe(
      'all pods together request 300m CPU and 192Mi memory, over the budget of 299m and 1536Mi');
  });

  test('a pod reserves the larger of its containers plus sidecars and its heaviest init step', () => {
    const r = (cpu: string, memory: string) => ({ resources: { requests: { cpu, memory } } });
    const spec = {
      initContainers: [{ ...r('500m', '10Mi') }, { restartPolicy: 'Always', ...r('100m', '20Mi') }, { ...r('50m', '300Mi') }],
      containers: [r('200m', '30Mi')],
    };
    // running: 200m + 100m sidecar; init peaks: 500m, then 50m + 100m sidecar with 320Mi
    expect(podRequests(spec)).toEqual([0.5, 320 * 2 ** 20]);
  });
});
