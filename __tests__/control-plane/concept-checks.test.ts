// Each concept check of the e2e suite finds the fault it is for: made-up API objects, one fault
// each. (The e2e suite runs the same functions on what a real API server returns.)
import { Live, Obj } from '../../e2e/checks';
import {
  checkAutoscalers, checkConcepts, checkDisruptionBudgets, checkInitContainers, checkJobs, checkQuotas, checkUnprogrammed, quantity,
} from '../../e2e/concept-checks';

const NS = 'demo';
const live = (over: Partial<Live>): Live => ({ namespace: undefined, objects: new Map(), pods: [], replicaSets: [], events: [], endpointSlices: [], claims: [], nodes: [], ...over });
const ready = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }, { type: 'Initialized', status: 'True' }] };
const pod = (name: string, labels: Obj, status: Obj = ready, spec: Obj = {}) => ({ kind: 'Pod', metadata: { name, namespace: NS, labels }, spec, status });

test('quantity reads the units a quota uses', () => {
  expect([quantity('128Mi'), quantity('30m'), quantity('4'), quantity('1Gi'), quantity('2k')]).toEqual([128 * 1024 * 1024, 0.03, 4, 1024 ** 3, 2000]);
  expect([quantity('12Zi'), quantity('x'), quantity(undefined)].every(Number.isNaN)).toBe(true);
});

describe('checkQuotas', () => {
  const quota = (status: Obj) => ({ kind: 'ResourceQuota', metadata: { name: 'compute', namespace: NS }, spec: { hard: { pods: '4', 'limits.memory': '128Mi' } }, status });
  test('passes a counted quota within its limits, with quantities written either way', () => {
    expect(checkQuotas([quota({ hard: { pods: '4', 'limits.memory': '128Mi' }, used: { pods: '3', 'limits.memory': '96Mi' } })], NS)).toEqual([]);
    expect(checkQuotas([quota({ hard: { pods: '4', 'limits.memory': '134217728' }, used: { pods: '4', 'limits.memory': '128Mi' } })], NS)).toEqual([]);
  });
  test('finds a namespace without quota, a quota not counted yet, one over its limit', () => {
    expect(checkQuotas([], NS)).toEqual(['namespace demo has no ResourceQuota']);
    expect(checkQuotas([quota({})], NS)).toEqual([
      'ResourceQuota/compute: pods not counted yet (status.hard missing, spec.hard 4)',
      'ResourceQuota/compute: limits.memory not counted yet (status.hard missing, spec.hard 128Mi)',
    ]);
    expect(checkQuotas([quota({ hard: { pods: '4', 'limits.memory': '128Mi' }, used: { pods: '5' } })], NS)).toEqual([
      'ResourceQuota/compute: pods uses 5, more than 4', 'ResourceQuota/compute: no status.used for limits.memory',
    ]);
  });
});

describe('checkDisruptionBudgets', () => {
  const labels = { app: 'web' };
  const pdb = (status: Obj) => ({ kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: NS, generation: 1 }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } }, status });
  const pods = [pod('web-a', labels), pod('web-b', labels), pod('other', { app: 'db' })];
  const healthy = { observedGeneration: 1, expectedPods: 2, currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 };
  test('passes a budget that counts its healthy pods and allows a disruption', () => {
    expect(checkDisruptionBudgets([pdb(healthy)], live({ pods }))).toEqual([]);
  });
  test('finds a budget that selects nothing, one not seen yet, a miscount, a pod not Ready, a budget that allows nothing', () => {
    expect(checkDisruptionBudgets([pdb(healthy)], live({ pods: [pods[2]] }))).toEqual(['PodDisruptionBudget/web selects no pod']);
    expect(checkDisruptionBudgets([pdb({})], live({ pods }))).toEqual(['PodDisruptionBudget/web: the controller has not seen generation 1']);
    expect(checkDisruptionBudgets([pdb({ ...healthy, expectedPods: 3 })], live({ pods }))).toEqual(['PodDisruptionBudget/web: expectedPods is 3, but it selects 2 pods']);
    const notReady = [pods[0], pod('web-b', labels, { phase: 'Running', conditions: [] })];
    expect(checkDisruptionBudgets([pdb({ ...healthy, currentHealthy: 1, disruptionsAllowed: 0 })], live({ pods: notReady }))).toEqual([
      'PodDisruptionBudget/web: 1 of its 2 pods are not Ready',
    ]);
    expect(checkDisruptionBudgets([pdb({ ...healthy, disruptionsAllowed: 0 })], live({ pods }))).toEqual([
      'PodDisruptionBudget/web: allows 0 disruptions with every pod healthy: a drain could never evict one',
    ]);
  });
});

describe('checkJobs', () => {
  const job = (status: Obj, spec: Obj = {}) => ({ kind: 'Job', metadata: { name: 'process' }, spec: { completions: 6, completionMode: 'Indexed', ...spec }, status });
  const complete = { conditions: [{ type: 'Complete', status: 'True' }], succeeded: 6, completedIndexes: '0-5' };
  test('passes a complete Job', () => {
    expect(checkJobs([job(complete)])).toEqual([]);
    expect(checkJobs([job({ conditions: complete.conditions, succeeded: 1, completedIndexes: '0' }, { completions: 1 })])).toEqual([]);
  });
  test('finds a Job still running, a failed one, a miscount, a missing index', () => {
    expect(checkJobs([job({ succeeded: 2 })])).toEqual(['Job/process is not Complete (succeeded 2 of 6)']);
    expect(checkJobs([job({ conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] })]))
      .toEqual(['Job/process failed: BackoffLimitExceeded: Job has reached the specified backoff limit']);
    expect(checkJobs([job({ ...complete, succeeded: 5, completedIndexes: '0-2,4-5' })])).toEqual([
      'Job/process: 5 pods succeeded, want 6', 'Job/process: completed indexes 0-2,4-5, want 0-5',
    ]);
  });
});

describe('checkAutoscalers', () => {
  const hpa = (conditions: Obj[]) => ({ kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' },
    spec: { minReplicas: 2, maxReplicas: 4, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } }, status: { conditions } });
  const able = [{ type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale' }];
  const deployment = (replicas: number) => new Map([['Deployment/web', { kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas } }]]);
  test('passes an autoscaler that found its target and holds it in range', () => {
    expect(checkAutoscalers([hpa(able)], live({ objects: deployment(2) }))).toEqual([]);
  });
  test('finds an autoscaler that cannot get its target\'s scale, a target not there, a count out of range', () => {
    const failed = [{ type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message: 'deployments/scale.apps "wbe" not found' }];
    expect(checkAutoscalers([hpa(failed)], live({ objects: deployment(2) }))).toEqual([
      'HorizontalPodAutoscaler/web: AbleToScale is False (FailedGetScale: deployments/scale.apps "wbe" not found)',
    ]);
    expect(checkAutoscalers([hpa([])], live({ objects: deployment(2) }))).toEqual(['HorizontalPodAutoscaler/web: AbleToScale is not set']);
    expect(checkAutoscalers([hpa(able)], live({}))).toEqual(['HorizontalPodAutoscaler/web: its target Deployment/web is not in the namespace']);
    expect(checkAutoscalers([hpa(able)], live({ objects: deployment(1) }))).toEqual(['HorizontalPodAutoscaler/web: Deployment/web has 1 replicas, outside 2..4']);
  });
});

describe('checkInitContainers', () => {
  const spec = { initContainers: [{ name: 'render' }, { name: 'shipper', restartPolicy: 'Always' }], containers: [{ name: 'app' }] };
  const statuses = (render: Obj, shipper: Obj) => ({ ...ready, initContainerStatuses: [{ name: 'render', state: render }, { name: 'shipper', state: shipper }] });
  const done = { terminated: { exitCode: 0, reason: 'Completed' } };
  test('passes a pod past its init containers with its sidecar running, and ignores pods without init containers', () => {
    expect(checkInitContainers([pod('w', {}, statuses(done, { running: {} }), spec), pod('plain', {}, { phase: 'Pending' })])).toEqual([]);
  });
  test('finds a pod held by its init container, a failed one, a sidecar not running', () => {
    const waiting = { phase: 'Pending', conditions: [{ type: 'Initialized', status: 'False' }], initContainerStatuses: [{ name: 'render', state: { running: {} } }] };
    expect(checkInitContainers([pod('w', {}, waiting, spec)])).toEqual([
      'Pod/w is Pending, not Running', 'Pod/w is not Initialized',
      'Pod/w: init container render has not terminated with exit code 0 ({"running":{}})', 'Pod/w: native sidecar shipper is not running',
    ]);
    expect(checkInitContainers([pod('w', {}, statuses({ terminated: { exitCode: 1 } }, { running: {} }), spec)]))
      .toEqual(['Pod/w: init container render has not terminated with exit code 0 ({"terminated":{"exitCode":1}})']);
  });
});

describe('checkUnprogrammed', () => {
  const pending = (type: string) => ({ type, status: 'Unknown', reason: 'Pending', message: 'Waiting for controller' });
  test('passes a class and a Gateway that no controller has touched', () => {
    expect(checkUnprogrammed([
      { kind: 'GatewayClass', metadata: { name: 'eg' }, status: { conditions: [pending('Accepted')] } },
      { kind: 'Gateway', metadata: { name: 'demo' }, status: { conditions: [pending('Accepted'), pending('Programmed')] } },
    ])).toEqual([]);
  });
  test('finds a Gateway that a controller programmed, or one without status', () => {
    expect(checkUnprogrammed([{ kind: 'Gateway', metadata: { name: 'demo' }, status: { conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted' }, pending('Programmed')] } }]))
      .toEqual(['Gateway/demo: condition Accepted is True (Accepted), want Unknown (Pending): is a controller running?']);
    expect(checkUnprogrammed([{ kind: 'Gateway', metadata: { name: 'demo' } }])).toEqual([
      'Gateway/demo: condition Accepted is missing, want Unknown (Pending): is a controller running?',
      'Gateway/demo: condition Programmed is missing, want Unknown (Pending): is a controller running?',
    ]);
  });
});

test('checkConcepts judges the live objects of the example\'s kinds', () => {
  const manifests = [
    { kind: 'ResourceQuota', metadata: { name: 'compute' } },
    { kind: 'Job', metadata: { name: 'process' } },
  ];
  const objects = new Map<string, Obj>([
    ['ResourceQuota/compute', { kind: 'ResourceQuota', metadata: { name: 'compute' }, spec: { hard: { pods: '2' } }, status: { hard: { pods: '2' }, used: { pods: '1' } } }],
    ['Job/process', { kind: 'Job', metadata: { name: 'process' }, spec: {}, status: { succeeded: 0 } }],
  ]);
  expect(checkConcepts(manifests, live({ objects }), NS)).toEqual(['Job/process is not Complete (succeeded 0 of 1)']);
  expect(checkConcepts([], live({ objects }), NS)).toEqual(['namespace demo has no ResourceQuota']);
});
