import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { loadTarget, parseTarget } from '../../tools/cluster/common';
import { PART_OF_LABEL, PRUNE_ALLOWLIST, ROLLOUT_TIMEOUT_SECONDS, deployPlan, destroyPlan, gvk, outOfBandSecrets, runDeploy, runDestroy } from '../../tools/cluster/deploy';
import { KUBECTL_MISSING, UserError } from '../../tools/cluster/kubectl';
import { K8sObject } from '../../validator/model';
import { loadDist } from '../../tools/docs/dist';
import { ExternalRefsHolder, shopObjects, shopWithExternalRefsOn } from '../fixtures/kinds';
import { HEALTHY, ROOT, Rule, deps, fakeKubectl, startsWith } from './fake';
import { EXAMPLES } from '../../examples';

const KNOWN = EXAMPLES.map((e) => e.name).join(', ');

/** The allowlist on a cluster without the Gateway API CRDs: kubectl refuses kinds the cluster does not serve. */
const GATEWAY_KINDS = ['gateway.networking.k8s.io/v1/Gateway', 'gateway.networking.k8s.io/v1/HTTPRoute'];
const ALLOWLIST_ARGS = PRUNE_ALLOWLIST.filter((k) => !GATEWAY_KINDS.includes(k)).map((k) => `--prune-allowlist=${k}`);
const CRD_QUERY = ['get', 'customresourcedefinitions', 'gateways.gateway.networking.k8s.io', 'httproutes.gateway.networking.k8s.io', '--output=name', '--request-timeout=60s'];

/** A repository root whose dist/ holds the synthetic shop example, for kinds the examples do not have yet. */
function shopRoot(objects: K8sObject[] = shopObjects()): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-test-'));
  for (const profile of ['minikube', 'k3s', 'cloud']) {
    fs.mkdirSync(path.join(root, 'dist', profile), { recursive: true });
    const forProfile = objects.map((o) => (o.kind !== 'Ingress' || profile === 'minikube' ? o : {
      ...o, spec: { ...o.spec, ingressClassName: profile === 'k3s' ? 'traefik' : undefined },
    }));
    fs.writeFileSync(path.join(root, 'dist', profile, 'shop.yaml'), forProfile.map((o) => stringify(o)).join('---\n'));
  }
  return root;
}
const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));
const shopDeps = (kubectl: ReturnType<typeof fakeKubectl>, objects?: K8sObject[]) => {
  const root = shopRoot(objects);
  roots.push(root);
  return deps(kubectl, { root, examples: ['shop'] });
};

test('deploy refuses a dist/ that a synth has not finished writing', async () => {
  const kubectl = fakeKubectl(HEALTHY);
  const d = shopDeps(kubectl);
  // What a synth killed after its commit point leaves (tools/synth/outdir.ts).
  fs.mkdirSync(path.join(d.root, 'dist', '.synth-run'));
  fs.writeFileSync(path.join(d.root, 'dist', '.synth-run', 'journal'), '{}');
  await expect(runDeploy(['shop'], d)).rejects.toThrow(new UserError('dist/ is being written by npm run synth (or one was killed while writing it): wait for it, or run npm run synth'));
  expect(kubectl.calls).toEqual([]);
});

describe('arguments', () => {
  const d = deps(fakeKubectl());
  test.each<[string[], string]>([
    [['nope'], `unknown example "nope": known examples are ${KNOWN}`],
    [['services', 'kind'], 'unknown profile "kind": valid profiles are minikube, k3s, cloud'],
    [[], `usage: npm run deploy -- <example> [profile]; examples: ${KNOWN}; profiles: minikube, k3s, cloud`],
    [['services', 'k3s', 'extra'], `usage: npm run deploy -- <example> [profile]; examples: ${KNOWN}; profiles: minikube, k3s, cloud`],
    [['--force', 'services'], `unknown option "--force": usage: npm run deploy -- <example> [profile]; examples: ${KNOWN}; profiles: minikube, k3s, cloud`],
  ])('%j is refused with one line', (argv, message) => {
    expect(() => parseTarget('deploy', argv, d)).toThrow(new UserError(message));
  });

  test('the profile defaults to minikube', () => {
    expect(parseTarget('deploy', ['services'], d).profile.name).toBe('minikube');
  });

  test('an unknown example fails before kubectl is asked anything', async () => {
    const kubectl = fakeKubectl(HEALTHY);
    await expect(runDeploy(['nope'], deps(kubectl))).rejects.toThrow('unknown example "nope"');
    expect(kubectl.calls).toEqual([]);
  });
});

describe('the planned kubectl invocations', () => {
  test('services on minikube: apply with prune scoped to the example label, then one rollout per Deployment', () => {
    const plan = deployPlan(loadTarget('services', parseTarget('deploy', ['services'], deps(fakeKubectl())).profile, deps(fakeKubectl())));
    expect(plan.apply).toEqual(['apply', '-f', 'dist/minikube/services.yaml', '--prune', '-l', 'app.kubernetes.io/part-of=services-demo', ...ALLOWLIST_ARGS,
      '--validate=strict', '--warnings-as-errors', '--request-timeout=60s']);
    expect(plan.rollouts).toEqual([
      ['rollout', 'status', '-n', 'services-demo', 'deployment/web', `--timeout=${ROLLOUT_TIMEOUT_SECONDS}s`],
      ['rollout', 'status', '-n', 'services-demo', 'deployment/toolbox', `--timeout=${ROLLOUT_TIMEOUT_SECONDS}s`],
    ]);
  });

  test('a full deploy: context, server version, apply, rollouts, in that order', async () => {
    const kubectl = fakeKubectl(HEALTHY);
    const d = deps(kubectl);
    expect(await runDeploy(['services', 'k3s'], d)).toBe(0);
    expect(kubectl.calls).toEqual([
      ['config', 'current-context'],
      ['version', '--output=json', '--request-timeout=60s'],
      CRD_QUERY,
      ['apply', '-f', 'dist/k3s/services.yaml', '--prune', '-l', 'app.kubernetes.io/part-of=services-demo', ...ALLOWLIST_ARGS,
        '--validate=strict', '--warnings-as-errors', '--request-timeout=60s'],
      ['rollout', 'status', '-n', 'services-demo', 'deployment/web', '--timeout=300s'],
      ['rollout', 'status', '-n', 'services-demo', 'deployment/toolbox', '--timeout=300s'],
    ]);
    expect(d.lines[0]).toBe('deploy: dist/k3s/services.yaml → context "minikube" (Kubernetes v1.31.2)');
    expect(d.lines).toContain('deployment/web successfully rolled out');
    expect(d.lines[d.lines.length - 1]).toBe('deploy: services is running in namespace services-demo; check it with npm run smoke -- services k3s');
  });

  test('StatefulSets and DaemonSets are waited for too, and the claims need their StorageClass', async () => {
    const kubectl = fakeKubectl(HEALTHY);
    expect(await runDeploy(['shop'], shopDeps(kubectl))).toBe(0);
    expect(kubectl.calls.filter((c) => c[0] === 'rollout').map((c) => c[4])).toEqual(['deployment/web', 'statefulset/db', 'daemonset/node-agent']);
    expect(kubectl.calls.filter((c) => c[0] === 'get').map((c) => c[1])).toEqual(['ingressclasses', 'storageclasses', 'customresourcedefinitions', 'secret']);
  });

  test('the Secrets that pods read and that are created out of band are looked up after the apply', async () => {
    const kubectl = fakeKubectl(HEALTHY);
    expect(await runDeploy(['shop'], shopDeps(kubectl))).toBe(0);
    const at = (prefix: string) => kubectl.calls.findIndex((c) => c.join(' ').startsWith(prefix));
    expect(kubectl.calls[at('get secret')]).toEqual(['get', 'secret', 'db-credentials', '-n', 'shop-demo', '--output=name', '--request-timeout=60s']);
    expect(at('apply')).toBeLessThan(at('get secret'));
    expect(at('get secret')).toBeLessThan(at('rollout'));
  });

  test('a missing out-of-band Secret stops the deploy before the rollouts, with what to do', async () => {
    const missing: Rule[] = [[startsWith('get', 'secret'), { code: 1, stderr: 'Error from server (NotFound): secrets "db-credentials" not found' }]];
    const kubectl = fakeKubectl(missing, HEALTHY);
    await expect(runDeploy(['shop'], shopDeps(kubectl))).rejects.toThrow(new UserError(
      'the pods of shop read Secret db-credentials, which is created out of band and is not in namespace shop-demo yet: '
      + 'create it as examples/shop/README.md shows, then run npm run deploy -- shop again'));
    expect(kubectl.calls.filter((c) => c[0] === 'rollout')).toEqual([]);
  });

  test('a Secret that cannot be looked up is reported as such', async () => {
    const forbidden: Rule[] = [[startsWith('get', 'secret'), { code: 1, stderr: 'Error from server (Forbidden): secrets "db-credentials" is forbidden' }]];
    await expect(runDeploy(['shop'], shopDeps(fakeKubectl(forbidden, HEALTHY)))).rejects.toThrow(
      /^cannot look up Secret db-credentials in namespace shop-demo: Error from server \(Forbidden\)/);
  });

  test.each<[string, string, string[]]>([
    ['app', 'minikube', ['app-demo/app-credentials']],
    ['statefulset', 'minikube', ['statefulset-demo/postgres-credentials']],
    ['config', 'minikube', []],
    ['config', 'cloud', ['config-demo/app-secret']],
    ['ingress', 'minikube', []],
  ])('the out-of-band Secrets that the pods of %s (%s) read', (example, profile, expected) => {
    const d = deps(fakeKubectl());
    const target = loadTarget(example, d.profiles.find((p) => p.name === profile)!, d);
    expect(outOfBandSecrets(target.objects).map((s) => `${s.namespace}/${s.name}`)).toEqual(expected);
  });

  test.each<[ExternalRefsHolder, string[]]>([
    ['on the workload', ['shop-demo/db-credentials']],
    ['on its pod template', ['shop-demo/db-credentials']],
    ['on the Namespace', ['shop-demo/db-credentials']],
    ['nowhere', []],
  ])('a Secret is out of band when the annotation that lists it is %s, as the validator reads it', (holder, expected) => {
    expect(outOfBandSecrets(shopWithExternalRefsOn(holder)).map((s) => `${s.namespace}/${s.name}`)).toEqual(expected);
  });

  test('a StatefulSet with updateStrategy OnDelete has no rollout to wait for', () => {
    const objects = shopObjects().map((o) => (o.kind === 'StatefulSet' ? { ...o, spec: { ...o.spec, updateStrategy: { type: 'OnDelete' } } } : o));
    const d = shopDeps(fakeKubectl(), objects);
    expect(deployPlan(loadTarget('shop', d.profiles[0], d)).rollouts.map((r) => r[4])).toEqual(['deployment/web', 'daemonset/node-agent']);
  });

  test('destroy deletes what the file lists, its namespace included', async () => {
    const kubectl = fakeKubectl(HEALTHY);
    const d = deps(kubectl);
    expect(destroyPlan(loadTarget('services', d.profiles[0], d))).toEqual(['delete', '-f', 'dist/minikube/services.yaml', '--ignore-not-found', '--wait=true', '--timeout=300s']);
    expect(await runDestroy(['services'], d)).toBe(0);
    expect(kubectl.calls.map((c) => c[0])).toEqual(['config', 'version', 'delete']);
    expect(d.lines[d.lines.length - 1]).toBe('destroy: services is gone');
  });
});

describe('prune covers every object of every example', () => {
  const dist = loadDist(ROOT);
  const all = [...dist.values()].flatMap((byExample) => [...byExample.entries()]);

  test('every kind in dist/ is on the prune allowlist (add new kinds to PRUNE_ALLOWLIST)', () => {
    const kinds = new Set(all.flatMap(([, objects]) => objects.filter((o) => o.kind !== 'Namespace').map(gvk)));
    expect([...kinds].filter((k) => !PRUNE_ALLOWLIST.includes(k))).toEqual([]);
    expect(gvk({ apiVersion: 'v1', kind: 'Service' })).toBe('core/v1/Service');
    expect(gvk({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' })).toBe('policy/v1/PodDisruptionBudget');
  });

  test('a kind missing from the allowlist is still pruned while the example has it', () => {
    const objects = [...shopObjects(), { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'shop-demo', labels: { [PART_OF_LABEL]: 'shop-demo' } } }];
    const d = shopDeps(fakeKubectl(), objects);
    expect(deployPlan(loadTarget('shop', d.profiles[0], d)).apply).toContain('--prune-allowlist=example.com/v1/Widget');
  });

  test.each(all.map(([example, objects]) => [example, objects] as const))('every object of %s carries the part-of label of its namespace object', (_example, objects) => {
    const partOf = objects.find((o) => o.kind === 'Namespace')!.metadata.labels[PART_OF_LABEL];
    expect(partOf).toBeTruthy();
    expect(objects.filter((o) => o.metadata?.labels?.[PART_OF_LABEL] !== partOf).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  });

  test('an object without the label is refused: kubectl apply -l would skip it', () => {
    const objects = shopObjects().map((o) => (o.kind === 'ConfigMap' ? { ...o, metadata: { ...o.metadata, labels: {} } } : o));
    const d = shopDeps(fakeKubectl(), objects);
    expect(() => deployPlan(loadTarget('shop', d.profiles[0], d))).toThrow(new UserError(
      'dist/minikube/shop.yaml: ConfigMap/web-config lacks the label app.kubernetes.io/part-of=shop-demo, so deploy cannot apply and prune it'));
  });
});

describe('error paths: one line that says what to do', () => {
  const run = (kubectl: ReturnType<typeof fakeKubectl>, argv = ['services']) => runDeploy(argv, deps(kubectl));

  test('kubectl is not installed', async () => {
    const kubectl = fakeKubectl([[() => true, () => { throw new UserError(KUBECTL_MISSING); }]]);
    await expect(run(kubectl)).rejects.toThrow(new UserError(KUBECTL_MISSING));
  });

  test('no current context', async () => {
    const kubectl = fakeKubectl([[startsWith('config', 'current-context'), { code: 1, stderr: 'error: current-context is not set\n' }]], HEALTHY);
    await expect(run(kubectl)).rejects.toThrow(new UserError(
      'no current kube context: start a cluster (minikube start) or choose one (kubectl config get-contexts, then kubectl config use-context NAME)'));
  });

  test('the cluster does not answer', async () => {
    const kubectl = fakeKubectl([[startsWith('version'), {
      code: 1, stdout: '{"clientVersion":{}}', stderr: 'Unable to connect to the server: dial tcp 192.168.49.2:8443: connect: no route to host\n',
    }]], HEALTHY);
    await expect(run(kubectl)).rejects.toThrow(new UserError(
      'cannot reach the cluster of context "minikube": Unable to connect to the server: dial tcp 192.168.49.2:8443: connect: no route to host (is it running? minikube status)'));
    expect(kubectl.calls.map((c) => c[0])).toEqual(['config', 'version']);
  });

  test('dist/ is older than the chart', async () => {
    const kubectl = fakeKubectl(HEALTHY);
    await expect(runDeploy(['services'], deps(kubectl, { freshYaml: () => 'something else' }))).rejects.toThrow(new UserError(
      'dist/minikube/services.yaml is older than examples/services: run npm run synth first'));
    expect(kubectl.calls).toEqual([]);
  });

  test('the profile names an IngressClass the cluster lacks, and another profile fits', async () => {
    const kubectl = fakeKubectl([[startsWith('get', 'ingressclasses'), { stdout: JSON.stringify({ items: [{ metadata: { name: 'traefik' } }] }) }]], HEALTHY);
    await expect(runDeploy(['shop'], shopDeps(kubectl))).rejects.toThrow(new UserError(
      'profile minikube needs IngressClass "nginx", which this cluster does not have (it has: traefik): on minikube: minikube addons enable ingress; '
      + 'or deploy with the profile that fits this cluster: npm run deploy -- shop k3s'));
    expect(kubectl.calls.some((c) => c[0] === 'apply')).toBe(false);
  });

  test('the profile names a StorageClass the cluster lacks', async () => {
    const kubectl = fakeKubectl([[startsWith('get', 'storageclasses'), { stdout: JSON.stringify({ items: [{ metadata: { name: 'local-path' } }] }) }],
      [startsWith('get', 'ingressclasses'), { stdout: JSON.stringify({ items: [{ metadata: { name: 'nginx' } }, { metadata: { name: 'traefik' } }] }) }]], HEALTHY);
    await expect(runDeploy(['shop'], shopDeps(kubectl))).rejects.toThrow(new UserError(
      'profile minikube needs StorageClass "standard", which this cluster does not have (it has: local-path): '
      + 'deploy with the profile that fits this cluster: npm run deploy -- shop k3s'));
  });

  test('a profile that leaves the IngressClass to the cluster needs a default one', async () => {
    const kubectl = fakeKubectl(HEALTHY);
    await expect(runDeploy(['shop', 'cloud'], shopDeps(kubectl))).rejects.toThrow(new UserError(
      'profile cloud leaves the IngressClass to the cluster, which has no default one (it has: nginx): deploy with the profile that fits this cluster: npm run deploy -- shop minikube'));
  });

  test('native sidecars on a cluster older than 1.29', async () => {
    const old = JSON.stringify({ serverVersion: { major: '1', minor: '28+', gitVersion: 'v1.28.9+k3s1' } });
    const kubectl = fakeKubectl([[startsWith('version'), { stdout: old }]], HEALTHY);
    await expect(runDeploy(['shop'], shopDeps(kubectl))).rejects.toThrow(new UserError(
      'shop uses native sidecars (init containers with restartPolicy: Always), which need Kubernetes 1.29 or newer; the cluster of context "minikube" runs v1.28.9+k3s1'));
  });

  test('kubectl apply fails: its error line, not its whole output', async () => {
    const kubectl = fakeKubectl([[startsWith('apply'), {
      code: 1, stdout: 'namespace/services-demo unchanged\n',
      stderr: 'Warning: something\nError from server (Forbidden): error when creating "dist/minikube/services.yaml": pods "web" is forbidden: violates PodSecurity "restricted:latest"\n',
    }]], HEALTHY);
    await expect(run(kubectl)).rejects.toThrow(new UserError(
      'kubectl apply failed: Error from server (Forbidden): error when creating "dist/minikube/services.yaml": pods "web" is forbidden: violates PodSecurity "restricted:latest"'));
  });

  test('a rollout that does not finish names the workload and where to look', async () => {
    const kubectl = fakeKubectl([[startsWith('rollout'), { code: 1, stderr: 'error: timed out waiting for the condition\n' }]], HEALTHY);
    await expect(run(kubectl)).rejects.toThrow(new UserError(
      'deployment/web in namespace services-demo is not ready after 300s (error: timed out waiting for the condition): '
      + 'look at kubectl -n services-demo get pods and kubectl -n services-demo describe deployment/web'));
  });

  test('server version answer without a server part counts as unreachable', async () => {
    const kubectl = fakeKubectl([[startsWith('version'), { code: 0, stdout: '{"clientVersion":{}}' }]], HEALTHY);
    await expect(run(kubectl)).rejects.toThrow('cannot reach the cluster of context "minikube": no answer');
  });
});

describe('Gateway API: its CRDs and the profile\'s GatewayClass are checked before the apply', () => {
  const GATEWAY_CRDS = ['gateways.gateway.networking.k8s.io', 'httproutes.gateway.networking.k8s.io'];
  /** kubectl get crd NAME...: the names it has on stdout, a NotFound line per missing one on stderr (exit 1). */
  const crds = (installed: string[]): Rule => [startsWith('get', 'customresourcedefinitions'), (args) => {
    const wanted = args.slice(2).filter((a) => !a.startsWith('--'));
    const missing = wanted.filter((n) => !installed.includes(n));
    return {
      code: missing.length > 0 ? 1 : 0,
      stdout: wanted.filter((n) => installed.includes(n)).map((n) => `customresourcedefinition.apiextensions.k8s.io/${n}\n`).join(''),
      stderr: missing.map((n) => `Error from server (NotFound): customresourcedefinitions.apiextensions.k8s.io "${n}" not found\n`).join(''),
    };
  }];
  const classes = (...names: string[]): Rule => [startsWith('get', 'gatewayclasses'), { stdout: JSON.stringify({ items: names.map((name) => ({ metadata: { name } })) }) }];

  test('the CRDs are missing: one line naming the first missing CRD and the guide\'s install step, nothing applied', async () => {
    const kubectl = fakeKubectl([crds(['gateways.gateway.networking.k8s.io'])], HEALTHY);
    await expect(runDeploy(['gateway'], deps(kubectl))).rejects.toThrow(new UserError(
      'gateway needs the CustomResourceDefinition httproutes.gateway.networking.k8s.io, which this cluster does not have: '
      + 'install it as examples/gateway/README.md, "Install the Gateway API" shows, then run npm run deploy -- gateway again'));
    expect(kubectl.calls.find((c) => c[1] === 'customresourcedefinitions')).toEqual(['get', 'customresourcedefinitions', ...GATEWAY_CRDS, '--output=name', '--request-timeout=60s']);
    expect(kubectl.calls.some((c) => c[0] === 'apply')).toBe(false);
  });

  test('the GatewayClass of the profile is missing, and another profile fits', async () => {
    const kubectl = fakeKubectl([crds(GATEWAY_CRDS), classes('traefik')], HEALTHY);
    await expect(runDeploy(['gateway'], deps(kubectl))).rejects.toThrow(new UserError(
      'profile minikube needs GatewayClass "eg", which this cluster does not have (it has: traefik): set up the implementation as examples/gateway/README.md shows; '
      + 'or deploy with the profile that fits this cluster: npm run deploy -- gateway k3s'));
    expect(kubectl.calls.some((c) => c[0] === 'apply')).toBe(false);
  });

  test('CRDs and class present: applied with Gateway and HTTPRoute on the prune allowlist', async () => {
    const kubectl = fakeKubectl([crds(GATEWAY_CRDS), classes('eg')], HEALTHY);
    await expect(runDeploy(['gateway'], deps(kubectl))).resolves.toBe(0);
    const apply = kubectl.calls.find((c) => c[0] === 'apply')!;
    expect(apply).toEqual(expect.arrayContaining(['--prune-allowlist=gateway.networking.k8s.io/v1/Gateway', '--prune-allowlist=gateway.networking.k8s.io/v1/HTTPRoute']));
  });

  test('on a cluster with the Gateway API, every example\'s prune allowlist has its kinds; without it, none has', async () => {
    const withCrds = fakeKubectl([crds(GATEWAY_CRDS)], HEALTHY);
    await runDeploy(['services'], deps(withCrds));
    expect(withCrds.calls.find((c) => c[0] === 'apply')).toEqual(expect.arrayContaining(GATEWAY_KINDS.map((k) => `--prune-allowlist=${k}`)));
    const without = fakeKubectl(HEALTHY);
    await runDeploy(['services'], deps(without));
    expect(without.calls.find((c) => c[0] === 'apply')!.filter((a) => a.includes('gateway.networking.k8s.io'))).toEqual([]);
  });

  test('a failure to list the CRDs that is not NotFound is reported as such', async () => {
    const kubectl = fakeKubectl([[startsWith('get', 'customresourcedefinitions'), { code: 1, stderr: 'Error from server (Forbidden): customresourcedefinitions.apiextensions.k8s.io is forbidden\n' }]], HEALTHY);
    await expect(runDeploy(['gateway'], deps(kubectl))).rejects.toThrow(new UserError(
      'cannot list customresourcedefinitions: Error from server (Forbidden): customresourcedefinitions.apiextensions.k8s.io is forbidden'));
  });
});
