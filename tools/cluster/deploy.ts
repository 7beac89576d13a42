// `npm run deploy -- <example> [profile]` and `npm run destroy -- <example> [profile]`.
//
// Deploy applies dist/<profile>/<example>.yaml to the current kube context with
// `kubectl apply --prune -l app.kubernetes.io/part-of=<namespace>`: objects that carry the
// example's label, were applied before, and are no longer in the file are deleted, so removing an
// object from the chart removes it from the cluster. Client-side apply (the default) is what the
// guides' `kubectl apply -f` does too, so both record the same last-applied annotation that prune
// relies on, and deploy prunes what a guide applied. kubectl calls both of its prune modes alpha:
// this allowlist mode has been in kubectl since v1.5, and with an explicit allowlist and no
// --namespace it prints no deprecation warning; the ApplySet mode (alpha since v1.27) would need
// server-side bookkeeping that a guide's plain `kubectl apply -f` does not create.
// Then it waits for every Deployment, StatefulSet and DaemonSet to finish its rollout.
import { K8sObject, ManifestSet, containerRole, containersOf, podRefs, podTemplateOf } from '../../validator/model';
import { ClusterDeps, ProfileInfo, Target, kubectlError, loadTarget, parseTarget } from './common';
import { ClusterInfo, DEFAULT_TIMEOUT_SECONDS, UserError, preflight, requestTimeout } from './kubectl';

/** The label every object of an example carries, with the example's namespace as value. */
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';

/**
 * The kinds prune may delete, as `group/version/Kind`. `--prune-allowlist` replaces kubectl's
 * short default list, which misses NetworkPolicy, PodDisruptionBudget, HorizontalPodAutoscaler,
 * ServiceAccount and RBAC. A kind that an example uses must be listed here, or removing its
 * last object from the example would leave it behind (a test checks every kind of dist/).
 * Namespaces are not pruned: an example keeps its namespace.
 */
export const PRUNE_ALLOWLIST: readonly string[] = [
  'core/v1/ConfigMap',
  'core/v1/Secret',
  'core/v1/Service',
  'core/v1/PersistentVolumeClaim',
  'core/v1/Pod',
  'core/v1/ServiceAccount',
  'core/v1/ResourceQuota',
  'core/v1/LimitRange',
  'apps/v1/Deployment',
  'apps/v1/StatefulSet',
  'apps/v1/DaemonSet',
  'batch/v1/Job',
  'batch/v1/CronJob',
  'networking.k8s.io/v1/Ingress',
  'networking.k8s.io/v1/NetworkPolicy',
  'policy/v1/PodDisruptionBudget',
  'autoscaling/v2/HorizontalPodAutoscaler',
  'rbac.authorization.k8s.io/v1/Role',
  'rbac.authorization.k8s.io/v1/RoleBinding',
  'gateway.networking.k8s.io/v1/Gateway',
  'gateway.networking.k8s.io/v1/HTTPRoute',
];

/**
 * Kinds that are not built into Kubernetes: their CustomResourceDefinition must be installed
 * before an example that uses them can be applied, and the guide says how.
 */
export const CUSTOM_RESOURCES: Readonly<Record<string, { crd: string; guide: string }>> = {
  'gateway.networking.k8s.io/GatewayClass': { crd: 'gatewayclasses.gateway.networking.k8s.io', guide: 'examples/gateway/README.md, "Install the Gateway API"' },
  'gateway.networking.k8s.io/Gateway': { crd: 'gateways.gateway.networking.k8s.io', guide: 'examples/gateway/README.md, "Install the Gateway API"' },
  'gateway.networking.k8s.io/HTTPRoute': { crd: 'httproutes.gateway.networking.k8s.io', guide: 'examples/gateway/README.md, "Install the Gateway API"' },
};

/** The group/Kind of an object, as CUSTOM_RESOURCES keys it. */
const groupKind = (object: K8sObject): string => `${String(object.apiVersion ?? '').split('/').slice(0, -1).join('/')}/${object.kind}`;
/** The group/Kind of a `group/version/Kind` entry of PRUNE_ALLOWLIST. */
const allowlistGroupKind = (k: string): string => `${k.split('/').slice(0, -2).join('/')}/${k.split('/').pop()}`;
/** The kinds of PRUNE_ALLOWLIST that need a CRD: kubectl refuses a prune allowlist with a kind the cluster does not serve. */
const customAllowlisted = (): string[] => PRUNE_ALLOWLIST.filter((k) => CUSTOM_RESOURCES[allowlistGroupKind(k)] !== undefined);

/** `group/version/Kind` of an object, as `--prune-allowlist` takes it (`core` for the core group). */
export function gvk(object: K8sObject): string {
  const apiVersion: string = object.apiVersion ?? 'v1';
  return `${apiVersion.includes('/') ? apiVersion : `core/${apiVersion}`}/${object.kind}`;
}

/** How long deploy waits for each rollout. */
export const ROLLOUT_TIMEOUT_SECONDS = 300;

const ROLLOUT_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];

/**
 * The kubectl invocations of a deploy, in order: one apply, then one rollout status per workload.
 * The apply validates strictly (an unknown field is an error, not a warning) and fails on any
 * warning of the API server; it gives up on a request after `timeoutSeconds`.
 * `servedCustomKinds`: the kinds of PRUNE_ALLOWLIST that need a CRD and that the cluster serves;
 * the others stay off the allowlist, which kubectl would refuse, so a cluster without the Gateway
 * API CRDs still deploys every example that has no Gateway API object.
 */
export function deployPlan(target: Target, timeoutSeconds = DEFAULT_TIMEOUT_SECONDS, servedCustomKinds: readonly string[] = []): { apply: string[]; rollouts: string[][] } {
  const partOf = target.objects.find((o) => o.kind === 'Namespace')?.metadata?.labels?.[PART_OF_LABEL] ?? target.namespace;
  const unlabelled = target.objects.filter((o) => o.metadata?.labels?.[PART_OF_LABEL] !== partOf);
  if (unlabelled.length > 0) {
    // With -l, kubectl apply skips objects without the label: they would never reach the cluster.
    const o = unlabelled[0];
    throw new UserError(`${target.file}: ${o.kind}/${o.metadata?.name} lacks the label ${PART_OF_LABEL}=${partOf}, so deploy cannot apply and prune it`);
  }
  const custom = customAllowlisted();
  const allowlist = PRUNE_ALLOWLIST.filter((k) => !custom.includes(k) || servedCustomKinds.includes(k));
  const kinds = [...new Set([...allowlist, ...target.objects.filter((o) => o.kind !== 'Namespace').map(gvk)])];
  const apply = ['apply', '-f', target.file, '--prune', '-l', `${PART_OF_LABEL}=${partOf}`, ...kinds.map((k) => `--prune-allowlist=${k}`),
    '--validate=strict', '--warnings-as-errors', requestTimeout(timeoutSeconds)];
  const rollouts = target.objects
    .filter((o) => ROLLOUT_KINDS.includes(o.kind) && o.spec?.updateStrategy?.type !== 'OnDelete')
    .map((o) => ['rollout', 'status', '-n', o.metadata.namespace ?? target.namespace, `${o.kind.toLowerCase()}/${o.metadata.name}`,
      `--timeout=${ROLLOUT_TIMEOUT_SECONDS}s`]);
  return { apply, rollouts };
}

/** What the example asks of the cluster beyond the API itself. */
export function clusterNeeds(objects: readonly K8sObject[]): {
  ingressClasses: string[]; defaultIngressClass: boolean; storageClasses: string[]; defaultStorageClass: boolean; nativeSidecars: boolean;
  customResources: string[]; gatewayClasses: string[];
} {
  const ingresses = objects.filter((o) => o.kind === 'Ingress');
  const claims = [
    ...objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.spec),
    ...objects.filter((o) => o.kind === 'StatefulSet').flatMap((o) => (o.spec?.volumeClaimTemplates ?? []).map((t: K8sObject) => t.spec)),
  ];
  return {
    ingressClasses: [...new Set<string>(ingresses.map((i) => i.spec?.ingressClassName).filter(Boolean))],
    defaultIngressClass: ingresses.some((i) => !i.spec?.ingressClassName),
    storageClasses: [...new Set<string>(claims.map((c) => c?.storageClassName).filter(Boolean))],
    defaultStorageClass: claims.some((c) => c?.storageClassName === undefined),
    nativeSidecars: objects.some((o) => containersOf(podTemplateOf(o)).some((c) => containerRole(c) === 'sidecar')),
    customResources: [...new Set(objects.map(groupKind).filter((k) => CUSTOM_RESOURCES[k] !== undefined))],
    gatewayClasses: [...new Set<string>(objects.filter((o) => o.kind === 'Gateway').map((o) => o.spec?.gatewayClassName).filter(Boolean))],
  };
}

/** The CustomResourceDefinitions of `names` that the cluster does not have. */
async function missingCrds(deps: ClusterDeps, names: readonly string[]): Promise<string[]> {
  const result = await deps.kubectl(['get', 'customresourcedefinitions', ...names, '--output=name', requestTimeout(deps.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS)]);
  const found = new Set(result.stdout.split('\n').map((l) => l.trim().replace(/^[^/]*\//, '')).filter(Boolean));
  if (result.code !== 0 && !/NotFound|not found/.test(result.stderr)) throw new UserError(`cannot list customresourcedefinitions: ${kubectlError(result)}`);
  return names.filter((n) => !found.has(n));
}

/**
 * The Secrets the example's pods read that its file does not contain, because they are created
 * out of band (listed in the `k8s-by-example/external-refs` annotation of the workload, its pod
 * template or its Namespace, as the validator reads it): a pod that reads a missing Secret never
 * starts, so deploy checks them before it waits for the rollouts.
 */
export function outOfBandSecrets(objects: readonly K8sObject[]): Array<{ namespace: string; name: string }> {
  const set = ManifestSet.fromObjects(objects);
  const found = new Map<string, { namespace: string; name: string }>();
  for (const pod of set.podSpecs) {
    const namespace = pod.manifest.object.metadata?.namespace ?? '';
    for (const ref of podRefs(pod)) {
      if (ref.kind === 'Secret' && set.isExternal(pod.manifest, 'Secret', ref.name)) found.set(`${namespace}/${ref.name}`, { namespace, name: ref.name });
    }
  }
  return [...found.values()];
}

interface ClassList { names: string[]; defaults: string[] }

async function listClasses(deps: ClusterDeps, resource: 'ingressclasses' | 'storageclasses', defaultAnnotation: string): Promise<ClassList> {
  const result = await deps.kubectl(['get', resource, '--output=json', requestTimeout(deps.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS)]);
  if (result.code !== 0) throw new UserError(`cannot list ${resource}: ${kubectlError(result)}`);
  const items: K8sObject[] = JSON.parse(result.stdout).items ?? [];
  return {
    names: items.map((i) => i.metadata?.name),
    defaults: items.filter((i) => i.metadata?.annotations?.[defaultAnnotation] === 'true').map((i) => i.metadata?.name),
  };
}

/**
 * Checks that the cluster has what the profile names: its IngressClass, its StorageClass (or a
 * default one when the profile names none), and native sidecars where they are used. The error
 * says which profile would fit, when one does.
 */
export async function checkProfileFits(target: Target, cluster: ClusterInfo, deps: ClusterDeps): Promise<void> {
  const needs = clusterNeeds(target.objects);
  const { example, profile } = target;
  const fitting = (fits: (p: ProfileInfo) => boolean) => deps.profiles.filter((p) => p.name !== profile.name && fits(p)).map((p) => p.name);
  const advice = (others: string[], extra: string) => {
    const fit = others.length > 0 ? `deploy with the profile that fits this cluster: npm run deploy -- ${example} ${others[0]}` : '';
    const parts = [extra, extra && fit ? `or ${fit}` : fit].filter(Boolean);
    return parts.length > 0 ? `: ${parts.join('; ')}` : '';
  };
  const has = (list: string[]) => (list.length > 0 ? list.join(', ') : 'none');

  if (needs.ingressClasses.length > 0 || needs.defaultIngressClass) {
    const classes = await listClasses(deps, 'ingressclasses', 'ingressclass.kubernetes.io/is-default-class');
    for (const name of needs.ingressClasses) {
      if (classes.names.includes(name)) continue;
      const extra = name === 'nginx' ? 'on minikube: minikube addons enable ingress' : '';
      throw new UserError(`profile ${profile.name} needs IngressClass "${name}", which this cluster does not have (it has: ${has(classes.names)})`
        + advice(fitting((p) => p.ingressClassName !== undefined && classes.names.includes(p.ingressClassName)), extra));
    }
    if (needs.defaultIngressClass && classes.defaults.length === 0) {
      throw new UserError(`profile ${profile.name} leaves the IngressClass to the cluster, which has no default one (it has: ${has(classes.names)})`
        + advice(fitting((p) => p.ingressClassName !== undefined && classes.names.includes(p.ingressClassName)), ''));
    }
  }
  if (needs.storageClasses.length > 0 || needs.defaultStorageClass) {
    const classes = await listClasses(deps, 'storageclasses', 'storageclass.kubernetes.io/is-default-class');
    for (const name of needs.storageClasses) {
      if (classes.names.includes(name)) continue;
      throw new UserError(`profile ${profile.name} needs StorageClass "${name}", which this cluster does not have (it has: ${has(classes.names)})`
        + advice(fitting((p) => p.storageClassName !== undefined && classes.names.includes(p.storageClassName)), ''));
    }
    if (needs.defaultStorageClass && classes.defaults.length === 0) {
      throw new UserError(`profile ${profile.name} leaves the StorageClass to the cluster, which has no default one (it has: ${has(classes.names)})`
        + advice(fitting((p) => p.storageClassName !== undefined && classes.names.includes(p.storageClassName)), ''));
    }
  }
  if (needs.customResources.length > 0) {
    const wanted = needs.customResources.map((k) => CUSTOM_RESOURCES[k]);
    const missing = await missingCrds(deps, wanted.map((w) => w.crd));
    if (missing.length > 0) {
      const { guide } = wanted.find((w) => w.crd === missing[0])!;
      throw new UserError(`${example} needs the CustomResourceDefinition ${missing[0]}, which this cluster does not have: install it as ${guide} shows, `
        + `then run npm run deploy -- ${example}${profile.name === deps.defaultProfile ? '' : ` ${profile.name}`} again`);
    }
  }
  if (needs.gatewayClasses.length > 0) {
    const result = await deps.kubectl(['get', 'gatewayclasses', '--output=json', requestTimeout(deps.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS)]);
    if (result.code !== 0) throw new UserError(`cannot list gatewayclasses: ${kubectlError(result)}`);
    const names: string[] = (JSON.parse(result.stdout).items ?? []).map((i: K8sObject) => i.metadata?.name);
    for (const name of needs.gatewayClasses) {
      if (names.includes(name)) continue;
      throw new UserError(`profile ${profile.name} needs GatewayClass "${name}", which this cluster does not have (it has: ${has(names)})`
        + advice(fitting((p) => p.gateway !== undefined && names.includes(p.gateway.className)), `set up the implementation as examples/${example}/README.md shows`));
    }
  }
  if (needs.nativeSidecars && cluster.major === 1 && cluster.minor < 29) {
    throw new UserError(`${example} uses native sidecars (init containers with restartPolicy: Always), which need Kubernetes 1.29 or newer; `
      + `the cluster of context "${cluster.context}" runs ${cluster.gitVersion}`);
  }
}

/** `npm run deploy -- <example> [profile]`: returns the exit code; throws a UserError on a problem. */
export async function runDeploy(argv: readonly string[], deps: ClusterDeps): Promise<number> {
  const { example, profile } = parseTarget('deploy', argv, deps);
  const target = loadTarget(example, profile, deps);
  const timeoutSeconds = deps.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  deployPlan(target, timeoutSeconds); // refuses a file deploy cannot apply before kubectl is asked anything
  const cluster = await preflight(deps.kubectl, { env: deps.env, timeoutSeconds });
  await checkProfileFits(target, cluster, deps);
  const custom = customAllowlisted();
  const missing = custom.length > 0 ? await missingCrds(deps, custom.map((k) => CUSTOM_RESOURCES[allowlistGroupKind(k)].crd)) : [];
  const plan = deployPlan(target, timeoutSeconds, custom.filter((k) => !missing.includes(CUSTOM_RESOURCES[allowlistGroupKind(k)].crd)));
  deps.out(`deploy: ${target.file} → context "${cluster.context}" (Kubernetes ${cluster.gitVersion})`);
  const applied = await deps.kubectl(plan.apply, { onLine: deps.out });
  if (applied.code !== 0) throw new UserError(`kubectl apply failed: ${kubectlError(applied)}`);
  for (const { namespace, name } of outOfBandSecrets(target.objects)) {
    const result = await deps.kubectl(['get', 'secret', name, '-n', namespace, '--output=name', requestTimeout(timeoutSeconds)]);
    if (result.code === 0) continue;
    if (!/NotFound|not found/.test(result.stderr)) throw new UserError(`cannot look up Secret ${name} in namespace ${namespace}: ${kubectlError(result)}`);
    throw new UserError(`the pods of ${example} read Secret ${name}, which is created out of band and is not in namespace ${namespace} yet: `
      + `create it as examples/${example}/README.md shows, then run npm run deploy -- ${example}${profile.name === deps.defaultProfile ? '' : ` ${profile.name}`} again`);
  }
  for (const rollout of plan.rollouts) {
    // rollout status watches for up to its own --timeout; the call is bounded a little later.
    const result = await deps.kubectl(rollout, { onLine: deps.out, timeoutMs: (ROLLOUT_TIMEOUT_SECONDS + timeoutSeconds) * 1000 });
    if (result.code !== 0) {
      const [, , , ns, workload] = rollout;
      throw new UserError(`${workload} in namespace ${ns} is not ready after ${ROLLOUT_TIMEOUT_SECONDS}s (${kubectlError(result)}): `
        + `look at kubectl -n ${ns} get pods and kubectl -n ${ns} describe ${workload}`);
    }
  }
  deps.out(`deploy: ${example} is running in namespace ${target.namespace}; check it with npm run smoke -- ${example}${profile.name === deps.defaultProfile ? '' : ` ${profile.name}`}`);
  return 0;
}

/** The kubectl invocation of a destroy: delete everything the example's file lists, its namespace first. */
export function destroyPlan(target: Target): string[] {
  return ['delete', '-f', target.file, '--ignore-not-found', '--wait=true', `--timeout=${ROLLOUT_TIMEOUT_SECONDS}s`];
}

/**
 * `npm run destroy -- <example> [profile]`: deletes the objects of the example's file. Its
 * namespace is one of them, and deleting a namespace deletes everything in it, including pods,
 * ReplicaSets, the claims of StatefulSets and objects created by hand in the guide.
 */
export async function runDestroy(argv: readonly string[], deps: ClusterDeps): Promise<number> {
  const { example, profile } = parseTarget('destroy', argv, deps);
  const target = loadTarget(example, profile, { ...deps, freshYaml: undefined });
  const timeoutSeconds = deps.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const cluster = await preflight(deps.kubectl, { env: deps.env, timeoutSeconds });
  deps.out(`destroy: deleting namespace ${target.namespace} and the objects of ${target.file} from context "${cluster.context}"`);
  // delete --wait waits for up to its own --timeout; the call is bounded a little later.
  const result = await deps.kubectl(destroyPlan(target), { onLine: deps.out, timeoutMs: (ROLLOUT_TIMEOUT_SECONDS + timeoutSeconds) * 1000 });
  if (result.code !== 0) throw new UserError(`kubectl delete failed: ${kubectlError(result)}`);
  deps.out(`destroy: ${example} is gone`);
  return 0;
}
