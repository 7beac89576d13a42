import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  ContainerDefaults, ContainerDefaultsProps, LeastPrivilege, LeastPrivilegeProps, NamespacedChart, WebApp, WebAppProps,
  containerWithDefaultResources, podResources, quotaFor,
} from '../../lib';
import { K8sObject, findObject } from '../helpers';

const chart = (props: { quota?: false | { nodes?: number } } = {}): Chart => new NamespacedChart(new App(), 'test', { namespace: 'test', ...props });
const WEB: WebAppProps = { name: 'web', image: 'example/web:1.0.0', port: 8080 };

describe('LeastPrivilege', () => {
  const make = (props: LeastPrivilegeProps) => Testing.synth(Chart.of(new LeastPrivilege(chart(), 'Access', props)));

  test('a ServiceAccount without token automount, a Role with exactly the permissions, and a binding', () => {
    const objects = make({ name: 'reader', permissions: [{ resources: ['configmaps'], resourceNames: ['settings'], verbs: ['get', 'watch'] }, { apiGroup: 'apps', resources: ['deployments/scale'], verbs: ['patch'] }] });
    expect(findObject(objects, 'ServiceAccount', 'reader').automountServiceAccountToken).toBe(false);
    expect(findObject(objects, 'Role', 'reader').rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'], verbs: ['get', 'watch'] },
      { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['patch'] },
    ]);
    const binding = findObject(objects, 'RoleBinding', 'reader');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'reader', namespace: 'test' }]);
  });

  test('runAs: the workload\'s pods run as the account, with its token', () => {
    const c = chart();
    const access = new LeastPrivilege(c, 'Access', { name: 'reader', permissions: [{ resources: ['pods'], verbs: ['list'] }] });
    const app = new WebApp(c, 'Web', WEB);
    access.runAs(app.deployment);
    const pod = findObject(Testing.synth(c), 'Deployment', 'web').spec.template.spec;
    expect([pod.serviceAccountName, pod.automountServiceAccountToken]).toEqual(['reader', true]);
  });

  test.each<[string, LeastPrivilegeProps, string]>([
    ['no permission', { name: 'r', permissions: [] }, 'permissions is empty: grant at least one verb on one resource'],
    ['a wildcard verb', { name: 'r', permissions: [{ resources: ['pods'], verbs: ['*'] }] }, 'permissions[0].verbs "*" is not allowed: use get, list, watch, create, update, patch, delete, deletecollection (no wildcard)'],
    ['a wildcard resource', { name: 'r', permissions: [{ resources: ['*'], verbs: ['get'] }] }, 'permissions[0].resources "*" is not a resource: use its plural lowercase name, e.g. "configmaps" (no wildcard)'],
    ['no resource', { name: 'r', permissions: [{ resources: [], verbs: ['get'] }] }, 'permissions[0].resources is empty: name at least one resource, e.g. "configmaps"'],
    ['no verb', { name: 'r', permissions: [{ resources: ['pods'], verbs: [] }] }, 'permissions[0].verbs is empty: name at least one of get, list, watch, create, update, patch, delete, deletecollection'],
    ['list by name', { name: 'r', permissions: [{ resources: ['configmaps'], resourceNames: ['a'], verbs: ['get', 'list'] }] }, 'permissions[0].verbs "list" cannot be limited by resourceNames: a list request names no object'],
    ['empty names', { name: 'r', permissions: [{ resources: ['configmaps'], resourceNames: [], verbs: ['get'] }] }, 'permissions[0].resourceNames is empty: leave it out to grant every object, or name at least one'],
    ['a bad name', { name: 'Reader', permissions: [{ resources: ['pods'], verbs: ['get'] }] }, 'name "Reader" is not a DNS label: use at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit'],
  ])('refuses %s', (_case, props, message) => {
    expect(() => new LeastPrivilege(chart(), 'Access', props)).toThrow(new Error(message));
  });

  test('refuses a chart without a namespace', () => {
    expect(() => new LeastPrivilege(new Chart(new App(), 'plain'), 'Access', { name: 'r', permissions: [{ resources: ['pods'], verbs: ['get'] }] }))
      .toThrow(new Error('the chart has no namespace: a RoleBinding names the namespace of its ServiceAccount'));
  });
});

describe('ContainerDefaults and containerWithDefaultResources', () => {
  test('defaults: 10m and 16Mi requested, a 32Mi limit, at most 256Mi', () => {
    const range = findObject(Testing.synth(Chart.of(new ContainerDefaults(chart(), 'Defaults'))), 'LimitRange', 'defaults');
    expect(range.spec.limits).toEqual([{ type: 'Container', defaultRequest: { cpu: '10m', memory: '16Mi' }, default: { memory: '32Mi' }, max: { memory: '256Mi' } }]);
  });

  test.each<[ContainerDefaultsProps, string]>([
    [{ memoryMiB: 64, memoryLimitMiB: 32 }, 'memoryLimitMiB 32 is below memoryMiB 64: the default limit must be at least the default request'],
    [{ memoryLimitMiB: 512 }, 'maxMemoryLimitMiB 256 is below memoryLimitMiB 512: the default limit must be within the maximum'],
    [{ cpuMillis: 0 }, 'cpuMillis 0 is outside 1-64000'],
  ])('refuses %j', (props, message) => {
    expect(() => new ContainerDefaults(chart(), 'Defaults', props)).toThrow(new Error(message));
  });

  test('a container without resources, secure otherwise', () => {
    const c = chart();
    const d = new kplus.Deployment(c, 'D', { metadata: { name: 'd' }, select: false, replicas: 1 });
    d.addContainer(containerWithDefaultResources({ name: 'd', image: 'busybox:1.36.1', user: 65534 }));
    const container = findObject(Testing.synth(c), 'Deployment', 'd').spec.template.spec.containers[0];
    expect(container.resources).toBeUndefined();
    expect(container.securityContext).toMatchObject({ runAsUser: 65534, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(() => containerWithDefaultResources({ name: 'd', image: 'busybox', user: 65534 })).toThrow(new Error('image "busybox" is not pinned: add a version tag, e.g. "busybox:1.2.3"'));
  });
});

describe('NamespaceQuota (in every NamespacedChart)', () => {
  const container = (cpu: string, memory: string, limit: string, extra: K8sObject = {}) => ({ ...extra, resources: { requests: { cpu, memory }, limits: { memory: limit } } });

  test('a pod counts the larger of its containers with sidecars and its heaviest init container', () => {
    const spec = {
      initContainers: [container('5m', '8Mi', '16Mi', { restartPolicy: 'Always' }), container('200m', '64Mi', '128Mi')],
      containers: [container('10m', '16Mi', '32Mi'), container('10m', '16Mi', '32Mi')],
    };
    expect(podResources(spec)).toEqual({ cpuMillis: 205, memoryMiB: 72, memoryLimitMiB: 144, pods: 1 });
  });

  test('a container without resources counts the LimitRange\'s defaults; a limit alone is also the request', () => {
    const range = { kind: 'LimitRange', spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '10m' }, default: { memory: '32Mi' } }] } };
    expect(podResources({ containers: [{}] }, [range])).toEqual({ cpuMillis: 10, memoryMiB: 32, memoryLimitMiB: 32, pods: 1 });
    expect(podResources({ containers: [{ resources: { limits: { cpu: '50m', memory: '64Mi' } } }] }, [range])).toEqual({ cpuMillis: 50, memoryMiB: 64, memoryLimitMiB: 64, pods: 1 });
  });

  test('the quota: every workload at its most pods, plus the largest pod once more', () => {
    const c = chart();
    new WebApp(c, 'Web', { ...WEB, autoscaling: { minReplicas: 2, maxReplicas: 5 } });
    new WebApp(c, 'Api', { ...WEB, name: 'api', replicas: 2, cpuMillis: 50, memoryMiB: 32, memoryLimitMiB: 128 });
    // web: 5 x (10m, 16Mi, 64Mi); api: 2 x (50m, 32Mi, 128Mi); the largest pod is api's.
    expect(findObject(Testing.synth(c), 'ResourceQuota', 'compute').spec.hard).toEqual({
      'requests.cpu': '200m', 'requests.memory': '176Mi', 'limits.memory': '704Mi', 'pods': '8',
    });
  });

  test('a DaemonSet counts one pod per node', () => {
    const ds = { kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { template: { spec: { containers: [container('5m', '8Mi', '16Mi')] } } } };
    expect(quotaFor([ds], { nodes: 3 })).toEqual({ cpuMillis: 20, memoryMiB: 32, memoryLimitMiB: 64, pods: 4 });
    expect(quotaFor([])).toEqual({ cpuMillis: 0, memoryMiB: 0, memoryLimitMiB: 0, pods: 0 });
  });

  test('quota: false leaves it out; a bad node count is refused', () => {
    expect(Testing.synth(chart({ quota: false })).map((o: K8sObject) => o.kind)).toEqual(['Namespace']);
    expect(() => chart({ quota: { nodes: 0 } })).toThrow(new Error('nodes 0 is outside 1-5000'));
  });
});

describe('WebApp autoscaling and disruption budget', () => {
  const synth = (props: Partial<WebAppProps>) => Testing.synth(Chart.of(new WebApp(chart(), 'Web', { ...WEB, ...props })));

  test('autoscaling: an HPA on CPU, a scale-down window, and no replicas on the Deployment', () => {
    const objects = synth({ autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilizationPercent: 60, scaleDownStabilizationSeconds: 120 } });
    expect(findObject(objects, 'Deployment', 'web').spec.replicas).toBeUndefined();
    expect(findObject(objects, 'HorizontalPodAutoscaler', 'web').spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 4,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
      behavior: { scaleDown: { stabilizationWindowSeconds: 120 } },
    });
    expect(findObject(objects, 'PodDisruptionBudget', 'web').spec.maxUnavailable).toBe(1);
  });

  test('autoscaling defaults: 1 to max, 70%, 300 s; one pod at least means no budget', () => {
    const objects = synth({ autoscaling: { maxReplicas: 3 } });
    const hpa = findObject(objects, 'HorizontalPodAutoscaler', 'web').spec;
    expect([hpa.minReplicas, hpa.metrics[0].resource.target.averageUtilization, hpa.behavior.scaleDown.stabilizationWindowSeconds]).toEqual([1, 70, 300]);
    expect(objects.filter((o: K8sObject) => o.kind === 'PodDisruptionBudget')).toEqual([]);
  });

  test('a budget by default from two replicas on, selecting the app\'s pods; on or off by prop', () => {
    const deployment = (objects: K8sObject[]) => findObject(objects, 'Deployment', 'web');
    const two = synth({ replicas: 2 });
    expect(findObject(two, 'PodDisruptionBudget', 'web').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: deployment(two).spec.selector.matchLabels } });
    expect(synth({ replicas: 1 }).filter((o: K8sObject) => o.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(synth({ replicas: 2, disruptionBudget: false }).filter((o: K8sObject) => o.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(synth({ replicas: 1, disruptionBudget: true }).filter((o: K8sObject) => o.kind === 'PodDisruptionBudget')).toHaveLength(1);
  });

  test.each<[Partial<WebAppProps>, string]>([
    [{ replicas: 2, autoscaling: { maxReplicas: 3 } }, 'replicas 2 is set with autoscaling: the autoscaler owns the replica count, set autoscaling.minReplicas instead'],
    [{ autoscaling: { minReplicas: 3, maxReplicas: 2 } }, 'autoscaling.maxReplicas 2 is outside 3-1000'],
    [{ autoscaling: { minReplicas: 0, maxReplicas: 2 } }, 'autoscaling.minReplicas 0 is outside 1-1000'],
    [{ autoscaling: { maxReplicas: 2, cpuUtilizationPercent: 0 } }, 'autoscaling.cpuUtilizationPercent 0 is outside 1-1000'],
    [{ autoscaling: { maxReplicas: 2, scaleDownStabilizationSeconds: 7200 } }, 'autoscaling.scaleDownStabilizationSeconds 7200 is outside 0-3600'],
  ])('refuses %j', (props, message) => {
    expect(() => synth(props)).toThrow(new Error(message));
  });
});
