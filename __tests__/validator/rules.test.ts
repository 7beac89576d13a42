import { Finding, Manifest, RULES, ValidateOptions, formatFinding, validate } from '../../validator';
import { parseManifests } from '../../validator/load';
import { RUNS_ON_MINIKUBE, podRequests } from '../../validator/rules/runs-on-minikube';
import { K8sObject } from '../helpers';

/** A pod that passes every rule, to break one thing at a time. */
function goodPod(name = 'app'): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'test', labels: { app: name } },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'app',
        image: 'example/app:1.0.0',
        ports: [{ name: 'http', containerPort: 8080 }],
        securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
      }],
    },
  };
}

function deploymentOf(pod: K8sObject, replicas: number, kind = 'Deployment'): K8sObject {
  return {
    apiVersion: 'apps/v1', kind, metadata: { name: pod.metadata.name, namespace: 'test' },
    spec: { ...(kind === 'DaemonSet' ? {} : { replicas }), selector: { matchLabels: pod.metadata.labels }, template: { metadata: { labels: pod.metadata.labels }, spec: pod.spec } },
  };
}

const asManifests = (...objects: K8sObject[]): Manifest[] => objects.map((object, index) => ({ file: 'fixture.yaml', index, object }));
const rulesOf = (findings: Finding[]) => findings.map((f) => f.rule);
const check = (objects: K8sObject[], options: ValidateOptions = {}) => rulesOf(validate(asManifests(...objects), options));

describe('findings', () => {
  test('the unbroken pod is clean', () => {
    expect(validate(asManifests(goodPod())).map(formatFinding)).toEqual([]);
  });

  test('a finding names the file, the object, the field path and the rule, in plain words', () => {
    const pod = goodPod();
    pod.spec.containers[0].image = 'example/app';
    expect(validate(asManifests(pod)).map(formatFinding)).toEqual([
      'fixture.yaml: Pod/test/app: spec.containers[0].image: container "app" uses image "example/app", which is not pinned: add a version tag [pinned-image]',
    ]);
  });

  test('rule ids are unique, and every rule has a family and a description', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const rule of RULES) expect(rule.description.length).toBeGreaterThan(20);
  });

  test('skip leaves out a rule, or a whole family', () => {
    const pod = goodPod();
    pod.spec.containers[0].image = 'example/app';
    delete pod.spec.containers[0].securityContext.allowPrivilegeEscalation;
    expect(check([pod])).toEqual(['no-privilege-escalation', 'pinned-image']);
    expect(check([pod], { skip: ['pinned-image'] })).toEqual(['no-privilege-escalation']);
    expect(check([pod], { skip: ['pod-security'] })).toEqual(['pinned-image']);
  });
});

describe('runs on minikube: the budget', () => {
  test('counts replicas and is configurable', () => {
    const deployment = deploymentOf(goodPod(), 3);
    expect(check([deployment], { cpuBudgetMillis: 300 })).toEqual([]);
    const [finding] = validate(asManifests(deployment), { cpuBudgetMillis: 299 });
    expect(finding.message).toBe('all pods together request 300m CPU and 192Mi memory, over the budget of 299m and 1536Mi');
    expect(check([deployment], { memoryBudgetMiB: 191 })).toEqual(['resource-budget']);
  });

  test('a DaemonSet counts as one pod (one node)', () => {
    expect(check([deploymentOf(goodPod(), 0, 'DaemonSet')], { cpuBudgetMillis: 100 })).toEqual([]);
    expect(check([deploymentOf(goodPod(), 0, 'DaemonSet')], { cpuBudgetMillis: 99 })).toEqual(['resource-budget']);
  });

  test('an autoscaler\'s maxReplicas counts: what it may scale to', () => {
    const hpa = {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'app', namespace: 'test' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'app' }, minReplicas: 4, maxReplicas: 6 },
    };
    const deployment = deploymentOf(goodPod(), 1);
    delete deployment.spec.replicas;
    expect(check([deployment, hpa], { cpuBudgetMillis: 599 })).toEqual(['resource-budget']);
    expect(check([deployment, hpa], { cpuBudgetMillis: 600 })).toEqual([]);
  });

  test('a container without requests counts its LimitRange\'s defaults, and passes the resources rule with them', () => {
    const pod = goodPod();
    delete pod.spec.containers[0].resources;
    const range = {
      apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'defaults', namespace: 'test' },
      spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '300m', memory: '16Mi' }, default: { memory: '32Mi' } }] },
    };
    expect(check([pod])).toEqual(['resources']);
    expect(check([pod, range], { cpuBudgetMillis: 300 })).toEqual([]);
    expect(check([pod, range], { cpuBudgetMillis: 299 })).toEqual(['resource-budget']);
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

  test('the rules of the family are the ones the issue names', () => {
    expect(RUNS_ON_MINIKUBE.map((r) => r.id)).toEqual(['resources', 'resource-budget', 'non-root-user', 'unprivileged-port', 'image-facts', 'pinned-image']);
  });
});

describe('runs on minikube: users and ports', () => {
  test('a port below 1024 is a finding for a container that runs as non-root, or must by another rule', () => {
    const root = goodPod();
    root.spec.securityContext = { runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } };
    root.spec.containers[0].ports[0].containerPort = 80;
    // Both at once: the port cannot stay once the user is fixed.
    expect(check([root], { podSecurity: 'baseline' })).toEqual(['non-root-user', 'unprivileged-port']);
    // A root container may bind port 80 when nothing asks it to run as non-root.
    expect(check([root], { podSecurity: 'baseline', skip: ['non-root-user'] })).toEqual([]);
    expect(check([root], { skip: ['non-root-user'] })).toContain('unprivileged-port');
  });

  test('a container that lacks several resources hears of all of them at once', () => {
    const pod = goodPod();
    pod.spec.containers[0].resources = { requests: { memory: '64Mi' } };
    expect(validate(asManifests(pod)).map((f) => `${f.path}: ${f.message}`)).toEqual([
      'spec.containers[0].resources: container "app" has no resources.requests.cpu, resources.limits.memory',
    ]);
  });

  test('a pod-level runAsUser 0 is reported once, on the pod', () => {
    const pod = goodPod();
    pod.spec.securityContext.runAsUser = 0;
    expect(validate(asManifests(pod)).map((f) => f.path)).toEqual(['spec.securityContext.runAsUser']);
  });
});

describe('pod security levels', () => {
  /** A pod that passes baseline but not restricted. */
  function baselinePod(): K8sObject {
    const pod = goodPod();
    pod.spec.securityContext = { runAsUser: 1000 };
    pod.spec.containers[0].securityContext = { readOnlyRootFilesystem: true };
    return pod;
  }

  test('restricted (the default) demands runAsNonRoot, seccomp, no privilege escalation and dropping ALL', () => {
    expect(check([baselinePod()]).sort()).toEqual(['drop-all-capabilities', 'no-privilege-escalation', 'run-as-non-root', 'seccomp-profile']);
  });

  test('baseline does not', () => {
    expect(check([baselinePod()], { podSecurity: 'baseline' })).toEqual([]);
  });

  test('baseline still refuses an Unconfined seccomp profile; privileged checks nothing', () => {
    const pod = baselinePod();
    pod.spec.securityContext.seccompProfile = { type: 'Unconfined' };
    pod.spec.hostNetwork = true;
    expect(check([pod], { podSecurity: 'baseline' })).toEqual(['no-host-namespaces', 'seccomp-profile']);
    expect(check([pod], { podSecurity: 'privileged' })).toEqual([]);
  });

  test('Windows pods are exempt from the Linux-only restricted controls', () => {
    const pod = baselinePod();
    pod.spec.os = { name: 'windows' };
    pod.spec.securityContext = { runAsNonRoot: true };
    expect(check([pod])).toEqual([]);
  });

  test('a container may add back NET_BIND_SERVICE under restricted', () => {
    const pod = goodPod();
    pod.spec.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE'];
    expect(check([pod])).toEqual([]);
  });
});

describe('wiring', () => {
  const service = (selector: object, targetPort: unknown = 'http') => ({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'app', namespace: 'test' }, spec: { selector, ports: [{ port: 80, targetPort }] },
  });

  test('a Service may target a port of a native sidecar', () => {
    const pod = goodPod();
    const sidecar = { ...pod.spec.containers[0], name: 'proxy', restartPolicy: 'Always', ports: [{ name: 'proxy', containerPort: 9000 }] };
    pod.spec.initContainers = [sidecar];
    expect(check([pod, service({ app: 'app' }, 'proxy')])).toEqual([]);
    delete pod.spec.initContainers[0].restartPolicy;
    expect(check([pod, service({ app: 'app' }, 'proxy')])).toEqual(['service-target-port']);
  });

  test('a Service only selects pods in its own namespace', () => {
    const pod = goodPod();
    pod.metadata.namespace = 'other';
    expect(check([pod, service({ app: 'app' })])).toEqual(['service-selector']);
  });

  test('label selectors understand matchExpressions', () => {
    const policy = (operator: string, values: string[]) => ({
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'test' },
      spec: { podSelector: { matchExpressions: [{ key: 'app', operator, values }] }, policyTypes: ['Ingress'] },
    });
    expect(check([goodPod(), policy('In', ['web', 'app'])])).toEqual([]);
    expect(check([goodPod(), policy('NotIn', ['app'])])).toEqual(['network-policy-selector']);
  });

  describe('references to objects outside the manifests', () => {
    function podWithSecret(): K8sObject {
      const pod = goodPod();
      pod.spec.containers[0].env = [
        { name: 'A', valueFrom: { secretKeyRef: { name: 'web-tls', key: 'tls.crt' } } },
        { name: 'B', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      ];
      return pod;
    }

    test('are findings by default', () => {
      expect(check([podWithSecret()])).toEqual(['secret-exists', 'secret-exists']);
    });

    test('the external-refs annotation allows exactly the Kind/name it lists', () => {
      const pod = podWithSecret();
      pod.metadata.annotations = { 'k8s-by-example/external-refs': 'Secret/web-tls, ConfigMap/db' };
      expect(validate(asManifests(pod)).map((f) => f.path)).toEqual(['spec.containers[0].env[1].valueFrom.secretKeyRef.name']);
    });

    test('the annotation may sit on the pod template', () => {
      const deployment = deploymentOf(podWithSecret(), 1);
      deployment.spec.template.metadata.annotations = { 'k8s-by-example/external-refs': 'Secret/web-tls,Secret/db' };
      expect(check([deployment])).toEqual([]);
    });

    test('the annotation may sit on the Namespace, for every object in it', () => {
      const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'test', annotations: { 'k8s-by-example/external-refs': 'Secret/web-tls,Secret/db' } } };
      expect(check([podWithSecret(), namespace])).toEqual([]);
      namespace.metadata.name = 'other';
      expect(check([podWithSecret(), namespace])).toEqual(['secret-exists', 'secret-exists']);
    });

    test('the external option names objects that exist in the cluster: Kind/name or Kind/namespace/name', () => {
      expect(check([podWithSecret()], { external: ['Secret/web-tls', 'Secret/test/db'] })).toEqual([]);
      expect(check([podWithSecret()], { external: ['Secret/web-tls', 'Secret/other/db'] })).toEqual(['secret-exists']);
    });

    test('keys are checked only in objects the manifests hold', () => {
      const pod = podWithSecret();
      const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'test' }, stringData: { password: 'x' } };
      expect(check([pod, secret], { external: ['Secret/web-tls'] })).toEqual([]);
      secret.stringData = { pass: 'x' } as never;
      expect(check([pod, secret], { external: ['Secret/web-tls'] })).toEqual(['key-exists']);
    });
  });
});

describe('schema', () => {
  const CRD_REF = 'k8s-by-example/external-refs';
  const route = (annotations?: Record<string, string>): K8sObject => ({
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'test', annotations },
    spec: { rules: [] },
  });

  test('a custom resource whose object lists a CRD of its group as external is accepted; another group\'s CRD does not count', () => {
    expect(check([route({ [CRD_REF]: 'CustomResourceDefinition/httproutes.gateway.networking.k8s.io' })])).toEqual([]);
    expect(check([route({ [CRD_REF]: 'CustomResourceDefinition/certificates.cert-manager.io' })])).toEqual(['api-version']);
    expect(check([route()])).toEqual(['api-version']);
  });

  test('a GatewayClass is cluster-scoped: the same name under two namespaces is one object, defined twice', () => {
    const gatewayClass = (namespace: string): K8sObject => ({
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'eg', namespace },
      spec: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' },
    });
    expect(check([gatewayClass('a'), gatewayClass('b')], { external: ['CustomResourceDefinition/gatewayclasses.gateway.networking.k8s.io'] })).toEqual(['unique-object']);
  });

  test('accepts what kubectl writes: null timestamps, empty status, empty resources', () => {
    const [deployment] = parseManifests('kubectl.yaml', [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  creationTimestamp: null', '  name: web',
      'spec:', '  selector: {matchLabels: {app: web}}', '  strategy: {}', '  template:', '    metadata:', '      creationTimestamp: null', '      labels: {app: web}',
      '    spec:', '      containers:', '      - {name: web, image: "web:1", resources: {}}', 'status: {}', '',
    ].join('\n'));
    expect(validate([deployment], { skip: ['pod-security', 'runs-on-minikube', 'hardening'] })).toEqual([]);
  });

  test('reads YAML as kubectl does (1.1): 0644 is octal, on is a boolean', () => {
    const pod = goodPod();
    const [manifest] = parseManifests('p.yaml', JSON.stringify(pod).replace('"containers"', '"volumes":[{"name":"c","configMap":{"name":"c","defaultMode":0644,"optional":on}}],"containers"'));
    expect(manifest.object.spec.volumes[0].configMap).toEqual({ name: 'c', defaultMode: 420, optional: true });
    expect(validate([manifest])).toEqual([]);
  });

  test('a List is checked item by item', () => {
    const manifests = parseManifests('list.yaml', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [goodPod('a'), goodPod('b')] }));
    expect(manifests.map((m) => m.object.metadata.name)).toEqual(['a', 'b']);
  });

  test('a StatefulSet\'s volumeClaimTemplates may carry apiVersion and kind', () => {
    const statefulSet = deploymentOf(goodPod(), 1, 'StatefulSet');
    statefulSet.spec.serviceName = 'app';
    statefulSet.spec.volumeClaimTemplates = [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }];
    const headless = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'app', namespace: 'test' }, spec: { clusterIP: 'None', selector: { app: 'app' }, ports: [{ port: 8080 }] } };
    expect(check([statefulSet, headless])).toEqual([]);
  });

  test('a Service whose selector is empty selects no pods: the StatefulSet gets no DNS names from it', () => {
    const statefulSet = deploymentOf(goodPod(), 1, 'StatefulSet');
    statefulSet.spec.serviceName = 'app';
    const headless = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'app', namespace: 'test' }, spec: { clusterIP: 'None', selector: {}, ports: [{ port: 8080 }] } };
    expect(check([statefulSet, headless])).toEqual(['statefulset-service']);
  });

  test('alpha APIs and APIs that current clusters no longer serve are findings', () => {
    const bundle = { apiVersion: 'certificates.k8s.io/v1alpha1', kind: 'ClusterTrustBundle', metadata: { name: 'b' }, spec: { trustBundle: 'x' } };
    expect(validate(asManifests(bundle))[0].message).toBe('certificates.k8s.io/v1alpha1 is an alpha API: clusters serve it only when a feature gate enables it');
    const vap = { apiVersion: 'admissionregistration.k8s.io/v1alpha1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'p' }, spec: {} };
    expect(validate(asManifests(vap)).map(formatFinding)).toEqual([
      'fixture.yaml: ValidatingAdmissionPolicy/p: apiVersion: admissionregistration.k8s.io/v1alpha1 is an alpha API: clusters serve it only when a feature gate enables it (Kubernetes 1.28) [api-version]',
      'fixture.yaml: ValidatingAdmissionPolicy/p: apiVersion: admissionregistration.k8s.io/v1alpha1 ValidatingAdmissionPolicy was removed in Kubernetes 1.32: use admissionregistration.k8s.io/v1 (Kubernetes 1.36) [api-version]',
    ]);
  });

  test('a custom resource is fine when its CustomResourceDefinition exists in the cluster', () => {
    const cert = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c', namespace: 'test' }, spec: {} };
    expect(check([cert])).toEqual(['api-version']);
    expect(check([cert], { external: ['CustomResourceDefinition/certificates.cert-manager.io'] })).toEqual([]);
  });
});

describe('robustness', () => {
  /** Every path to a value inside an object. */
  function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
    const children = Array.isArray(value) ? value.map((v, i) => paths(v, [...prefix, i]))
      : value && typeof value === 'object' ? Object.entries(value).map(([k, v]) => paths(v, [...prefix, k])) : [];
    return [prefix, ...children.flat()];
  }

  test('no rule throws, whatever value any field holds', () => {
    const fs = jest.requireActual('fs') as typeof import('fs');
    const dir = `${__dirname}/fixtures/valid`;
    const odd: unknown[] = [null, 'x', 7, [], {}, [1], true, [null], { a: null }];
    let runs = 0;
    const thrown: string[] = [];
    for (const file of fs.readdirSync(dir)) {
      const manifests = parseManifests(file, fs.readFileSync(`${dir}/${file}`, 'utf8'));
      manifests.forEach((manifest, m) => {
        for (const path of paths(manifest.object).filter((p) => p.length > 0 && p[0] !== 'apiVersion' && p[0] !== 'kind')) {
          const copy: Manifest[] = manifests.map((x, i) => (i === m ? { ...x, object: JSON.parse(JSON.stringify(x.object)) } : x));
          const parent = path.slice(0, -1).reduce<K8sObject>((node, key) => node[key], copy[m].object);
          parent[path[path.length - 1]] = odd[runs++ % odd.length];
          try {
            validate(copy);
          } catch (err) {
            thrown.push(`${file} ${path.join('.')}: ${(err as Error).message}`);
          }
        }
      });
    }
    expect(thrown).toEqual([]);
    expect(runs).toBeGreaterThan(500);
  });
});

describe('documentation', () => {
  test('validator/README.md lists every rule', () => {
    const fs = jest.requireActual('fs') as typeof import('fs');
    const readme = fs.readFileSync(`${__dirname}/../../validator/README.md`, 'utf8');
    expect(RULES.map((r) => r.id).filter((id) => !readme.includes(`| \`${id}\` |`))).toEqual([]);
  });
});
