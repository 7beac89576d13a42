// Each e2e check finds the fault it is for: made-up API objects, one fault each. (The e2e suite
// runs the same functions on what a real API server returns.)
import {
  Live, Obj, checkAccepted, checkAdmitted, checkDaemonSets, checkDeployments, checkEndpoints, checkIngressBackends,
  checkPodSecurity, checkSpread, checkStatefulSets, eligibleNodes, matchesSelector,
} from '../../e2e/checks';

const NS = 'demo';
const node = (name: string, zone: string, taints: Obj[] = []) => ({ kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone } }, spec: { taints } });
const NODES = [node('a', 'z1'), node('b', 'z2'), node('c', 'z3')];
const ready = (t = '2026-01-01T00:00:10Z') => ({ conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] });
const owner = (o: Obj) => [{ uid: o.metadata.uid, controller: true, name: o.metadata.name }];
const pod = (name: string, labels: Obj, by: Obj, nodeName: string, extra: Obj = {}) => ({
  kind: 'Pod', metadata: { name, namespace: NS, labels, ownerReferences: owner(by), creationTimestamp: '2026-01-01T00:00:00Z', ...extra.metadata },
  spec: { nodeName, ...extra.spec }, status: extra.status ?? ready(),
});
const live = (over: Partial<Live>): Live => ({ namespace: undefined, objects: new Map(), pods: [], replicaSets: [], events: [], endpointSlices: [], claims: [], nodes: NODES, ...over });

const labels = { app: 'web' };
const deployment = { kind: 'Deployment', metadata: { name: 'web', namespace: NS, uid: 'd1', generation: 2 }, spec: { replicas: 2, selector: { matchLabels: labels } },
  status: { observedGeneration: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 } };
const rs = { kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: NS, uid: 'r1', ownerReferences: owner(deployment) }, spec: { replicas: 2 } };
const webPods = [pod('web-1-a', labels, rs, 'a'), pod('web-1-b', labels, rs, 'b')];

describe('checkDeployments', () => {
  test('passes a rolled-out Deployment', () => {
    expect(checkDeployments([deployment], live({ replicaSets: [rs], pods: webPods }))).toEqual([]);
  });
  test('finds too few ready replicas, an unseen generation, two live ReplicaSets, a pod not Ready', () => {
    const behind = { ...deployment, status: { ...deployment.status, observedGeneration: 1, readyReplicas: 1 } };
    expect(checkDeployments([behind], live({ replicaSets: [rs], pods: webPods }))).toEqual([
      'Deployment/web: the controller has not seen generation 2', 'Deployment/web: readyReplicas is 1, want 2',
    ]);
    const rs2 = { ...rs, metadata: { ...rs.metadata, name: 'web-2', uid: 'r2' } };
    expect(checkDeployments([deployment], live({ replicaSets: [rs, rs2], pods: webPods }))).toEqual(['Deployment/web: 2 ReplicaSets with replicas, want 1']);
    const notReady = [webPods[0], { ...webPods[1], status: { conditions: [] } }];
    expect(checkDeployments([deployment], live({ replicaSets: [rs], pods: notReady }))).toEqual(['Deployment/web: 1 of 2 pods of ReplicaSet web-1 Ready, want 2']);
  });
});

describe('checkStatefulSets', () => {
  const sts = { kind: 'StatefulSet', metadata: { name: 'db', namespace: NS, uid: 's1' }, spec: { replicas: 2, volumeClaimTemplates: [{ metadata: { name: 'data' } }] } };
  const dbPod = (i: number, created: string, readyAt: string) => pod(`db-${i}`, { app: 'db' }, sts, 'a', {
    metadata: { creationTimestamp: created }, spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: `data-db-${i}` } }] }, status: ready(readyAt),
  });
  const claims = [0, 1].map((i) => ({ metadata: { name: `data-db-${i}` }, status: { phase: 'Bound' } }));
  test('passes ordinals created in order, each with its Bound claim', () => {
    const pods = [dbPod(0, '2026-01-01T00:00:00Z', '2026-01-01T00:00:05Z'), dbPod(1, '2026-01-01T00:00:06Z', '2026-01-01T00:00:09Z')];
    expect(checkStatefulSets([sts], live({ pods, claims }))).toEqual([]);
  });
  test('finds a pod created before its predecessor was Ready, a Pending claim, a missing ordinal', () => {
    const pods = [dbPod(0, '2026-01-01T00:00:00Z', '2026-01-01T00:00:05Z'), dbPod(1, '2026-01-01T00:00:01Z', '2026-01-01T00:00:09Z')];
    const pending = [claims[0], { ...claims[1], status: { phase: 'Pending' } }];
    expect(checkStatefulSets([sts], live({ pods, claims: pending }))).toEqual([
      'StatefulSet/db: db-1 was created before db-0 was Ready', 'StatefulSet/db: claim data-db-1 is Pending, not Bound',
    ]);
    expect(checkStatefulSets([sts], live({ pods: [pods[0]], claims }))).toEqual(['StatefulSet/db: pod db-1 does not exist', 'StatefulSet/db: claim data-db-1 belongs to no ordinal']);
  });
});

describe('checkDaemonSets', () => {
  const ds = { kind: 'DaemonSet', metadata: { name: 'agent', namespace: NS, uid: 'ds1' }, spec: { template: { spec: {} } } };
  test('passes one Ready pod per node; finds a node without one', () => {
    const pods = ['a', 'b', 'c'].map((n) => pod(`agent-${n}`, {}, ds, n));
    expect(checkDaemonSets([ds], live({ pods }))).toEqual([]);
    expect(checkDaemonSets([ds], live({ pods: pods.slice(0, 2) }))).toEqual(['DaemonSet/agent: 0 pods on node c, want 1']);
  });
  test('a tainted node counts only when the DaemonSet tolerates the taint', () => {
    const nodes = [...NODES.slice(0, 2), node('c', 'z3', [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }])];
    expect(eligibleNodes({}, nodes).map((n) => n.metadata.name)).toEqual(['a', 'b']);
    expect(eligibleNodes({ tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] }, nodes)).toHaveLength(3);
  });
});

describe('checkSpread', () => {
  const spread = { ...deployment, spec: { ...deployment.spec, template: { spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: labels } }] } } } };
  test('passes pods on different nodes; finds two on one node while another is empty', () => {
    expect(checkSpread([spread], live({ pods: webPods }))).toEqual([]);
    const crowded = [webPods[0], { ...webPods[1], spec: { nodeName: 'a' } }];
    expect(checkSpread([spread], live({ pods: crowded }))).toEqual(['Deployment/web: topologySpreadConstraint kubernetes.io/hostname maxSkew 1: pods per kubernetes.io/hostname are a=2, b=0, c=0']);
  });
  test('required anti-affinity: one pod per zone', () => {
    const anti = { ...deployment, spec: { ...deployment.spec, template: { spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: labels } }] } } } } } };
    const crowded = [webPods[0], { ...webPods[1], spec: { nodeName: 'a' } }];
    expect(checkSpread([anti], live({ pods: crowded }))).toEqual(['Deployment/web: required podAntiAffinity on topology.kubernetes.io/zone: 2 pods in z1']);
  });
});

describe('checkEndpoints', () => {
  const svc = { kind: 'Service', metadata: { name: 'web', namespace: NS }, spec: { selector: labels, ports: [{ port: 80 }] } };
  const slice = (names: string[]) => ({ metadata: { labels: { 'kubernetes.io/service-name': 'web' } }, ports: [{ port: 8080 }], endpoints: names.map((name) => ({ targetRef: { name }, conditions: { ready: true } })) });
  test('passes slices listing the selected Ready pods', () => {
    expect(checkEndpoints([svc], live({ pods: webPods, endpointSlices: [slice(['web-1-b', 'web-1-a'])] }))).toEqual([]);
  });
  test('finds a slice missing a pod, and a selector that matches nothing', () => {
    expect(checkEndpoints([svc], live({ pods: webPods, endpointSlices: [slice(['web-1-a'])] }))).toEqual(['Service/web: EndpointSlices list [web-1-a], want the Ready pods it selects [web-1-a, web-1-b]']);
    const typo = { ...svc, spec: { ...svc.spec, selector: { app: 'wbe' } } };
    expect(checkEndpoints([typo], live({ pods: webPods }))).toEqual(['Service/web selects no Ready pod']);
  });
  test('leaves out Services without a selector and ExternalName Services', () => {
    expect(checkEndpoints([{ ...svc, spec: { ports: [] } }, { ...svc, spec: { type: 'ExternalName', selector: labels } }], live({}))).toEqual([]);
  });
});

describe('checkIngressBackends, checkAccepted, checkPodSecurity, checkAdmitted', () => {
  const svc = { kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80, name: 'http' }] } };
  const ingress = (service: Obj) => ({ kind: 'Ingress', metadata: { name: 'site' }, spec: { rules: [{ http: { paths: [{ backend: { service } }] } }] } });
  test('an Ingress backend must name a Service and one of its ports', () => {
    const objects = new Map([['Service/web', svc]]);
    expect(checkIngressBackends([ingress({ name: 'web', port: { number: 80 } }), ingress({ name: 'web', port: { name: 'http' } })], live({ objects }))).toEqual([]);
    expect(checkIngressBackends([ingress({ name: 'api', port: { number: 80 } })], live({ objects }))).toEqual(['Ingress/site → api:80: no such Service']);
    expect(checkIngressBackends([ingress({ name: 'web', port: { number: 8080 } })], live({ objects }))).toEqual(['Ingress/site → web:8080: the Service has no such port']);
  });
  test('an object of the manifests missing from the cluster', () => {
    expect(checkAccepted([svc], live({ objects: new Map([['Service/web', svc]]) }))).toEqual([]);
    expect(checkAccepted([svc], live({}))).toEqual(['Service/web is in the manifests but not in the cluster']);
  });
  test('a namespace that does not enforce restricted', () => {
    expect(checkPodSecurity({ metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } }, NS)).toEqual([]);
    expect(checkPodSecurity({ metadata: { labels: { 'pod-security.kubernetes.io/warn': 'restricted' } } }, NS)).toEqual(['namespace demo enforces Pod Security "nothing", not "restricted"']);
    expect(checkPodSecurity(undefined, NS)).toEqual(['namespace demo does not exist']);
  });
  test('a FailedCreate event', () => {
    const event = { reason: 'FailedCreate', involvedObject: { kind: 'ReplicaSet', name: 'web-1' }, message: 'pods "web-1-x" is forbidden: violates PodSecurity' };
    expect(checkAdmitted([{ reason: 'SuccessfulCreate' }])).toEqual([]);
    expect(checkAdmitted([event])).toEqual(['ReplicaSet/web-1 could not create a pod: pods "web-1-x" is forbidden: violates PodSecurity']);
  });
  test('label selectors: matchLabels and matchExpressions', () => {
    expect(matchesSelector({ matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'In', values: ['2'] }] }, { a: '1', b: '2' })).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'b', operator: 'NotIn', values: ['2'] }] }, { b: '2' })).toBe(false);
    expect(matchesSelector({ app: 'web' }, { app: 'web' })).toBe(true);
  });
});
