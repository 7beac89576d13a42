// Every example in every profile, applied with the project's own `npm run deploy` and judged from
// the API: accepted, admitted under Pod Security "restricted", rolled out, StatefulSet ordinals and
// claims, DaemonSet pods on every node, spreading, EndpointSlices, Ingress backends; then the
// deployment example's image change and rollback, prune of an object dropped from the chart, and
// `npm run destroy`.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import { EXAMPLES } from '../examples';
import { DeploymentExample } from '../examples/deployment/chart';
import { PROFILES, getProfile } from '../examples/profiles';
import { deployPlan, outOfBandSecrets } from '../tools/cluster/deploy';
import { classesYaml, gatewayClassYaml, SIMULATED_LABEL } from '../tools/control-plane/harness';
import {
  Live, Obj, checkAccepted, checkAdmitted, checkDaemonSets, checkDeployments, checkEndpoints, checkIngressBackends,
  checkPodSecurity, checkSimulatedAddresses, checkSpread, checkStatefulSets, key,
} from './checks';
import { checkConcepts } from './concept-checks';
import { ROOT, SIMULATED, getJson, guideSecretCommand, installGatewayCrds, kubectl, kubectlOk, manifests, namespaceOf, npmRun, readLive, recordStats, run } from './lib';

/** How long the state may take to settle after deploy returns (EndpointSlices, claims) on a loaded machine. */
const SETTLE_MS = 180_000;
const POLL_MS = 500;

/** Re-reads the live state until every check passes or the deadline passes; returns the last problems. */
async function settle(objects: Obj[], checks: (live: Live) => string[]): Promise<{ problems: string[]; live: Live }> {
  const end = Date.now() + SETTLE_MS;
  for (;;) {
    const live = await readLive(objects);
    const problems = checks(live);
    if (problems.length === 0 || Date.now() > end) return { problems, live };
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

const ofKind = (objects: Obj[], kind: string) => objects.filter((o) => o.kind === kind);

/** The live objects of these kinds (the controllers' status is on the live ones). */
const liveOf = (live: Live, objects: Obj[], kind: string) => ofKind(objects, kind).map((o) => live.objects.get(key(o))).filter(Boolean);

function allChecks(objects: Obj[], namespace: string): (live: Live) => string[] {
  return (live) => [
    ...checkAccepted(objects, live),
    ...checkPodSecurity(live.namespace, namespace),
    ...checkAdmitted(live.events),
    ...checkDeployments(liveOf(live, objects, 'Deployment'), live),
    ...checkStatefulSets(liveOf(live, objects, 'StatefulSet'), live),
    ...checkDaemonSets(liveOf(live, objects, 'DaemonSet'), live),
    ...checkSpread([...liveOf(live, objects, 'Deployment'), ...liveOf(live, objects, 'StatefulSet')], live),
    ...checkEndpoints(liveOf(live, objects, 'Service'), live),
    ...checkIngressBackends(liveOf(live, objects, 'Ingress'), live),
    ...checkConcepts(objects, live, namespace),
    ...(SIMULATED ? checkSimulatedAddresses(live.pods, '10.244.') : []),
  ];
}

/** Applies a file the way deploy does (same kubectl arguments), for charts changed inside a test. */
async function applyLikeDeploy(example: string, profile: string, objects: Obj[]): Promise<void> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-chart-')), `${example}.yaml`);
  try {
    fs.writeFileSync(file, Yaml.stringify(...objects));
    const plan = deployPlan({ example, profile: getProfile(profile), file, objects, namespace: namespaceOf(objects) });
    await kubectlOk(plan.apply, { timeoutMs: 120_000 });
    for (const rollout of plan.rollouts) await kubectlOk(rollout, { timeoutMs: 330_000 });
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

const profiles = (process.env.E2E_PROFILES ?? PROFILES.map((p) => p.name).join(',')).split(',').filter(Boolean);
const examples = (process.env.E2E_EXAMPLES ?? EXAMPLES.map((e) => e.name).join(',')).split(',').filter(Boolean);

// The Gateway API is CRDs, installed once per cluster, as the gateway guide does.
beforeAll(installGatewayCrds);

const SIMULATED_CLASSES = ['delete', 'storageclass,ingressclass,gatewayclass', '-l', `${SIMULATED_LABEL}=true`, '--ignore-not-found', '--wait=true', '--timeout=60s'];

// The next suite (the validator's fixtures) brings classes of its own.
afterAll(async () => {
  if (SIMULATED) await kubectlOk(SIMULATED_CLASSES, { timeoutMs: 70_000 });
});

describe.each(profiles)('profile %s', (profile) => {
  beforeAll(async () => {
    if (!SIMULATED) return;
    // The simulated cluster gets the classes that profile's cluster has, and only those.
    await kubectlOk(SIMULATED_CLASSES, { timeoutMs: 70_000 });
    const gateway = getProfile(profile).gateway?.className;
    await kubectlOk(['apply', '-f', '-', '--request-timeout=30s'], { input: classesYaml(profile) + (gateway ? `---\n${gatewayClassYaml(gateway)}` : '') });
  });

  describe.each(examples)('%s', (example) => {
    const objects = manifests(example, profile);
    const namespace = namespaceOf(objects);

    test('npm run deploy applies every object, with the Secrets its guide creates', async () => {
      const existing = await kubectl(['get', 'namespace', namespace, '--request-timeout=30s']);
      // Against a user's cluster, never touch a namespace that is there already.
      expect(existing.code === 0 ? `namespace ${namespace} exists already: npm run destroy -- ${example} ${profile} first` : '').toBe('');
      const secrets = outOfBandSecrets(objects);
      let deployed = await npmRun('deploy', [example, profile]);
      if (secrets.length > 0) {
        // As the guide says: apply, then create the Secret; deploy stops and says so in between.
        expect(deployed.code).not.toBe(0);
        expect(deployed.stderr).toContain(`create it as examples/${example}/README.md shows`);
        const readme = fs.readFileSync(path.join(ROOT, 'examples', example, 'README.md'), 'utf8');
        for (const s of secrets) {
          const command = guideSecretCommand(readme, s.name);
          expect(command ? `` : `examples/${example}/README.md gives no command that creates Secret ${s.name}`).toBe('');
          expect(command).not.toMatch(/--from-literal=password=[^"$]/); // random values only, never a literal password
          const created = await run('bash', ['-c', command!], { timeoutMs: 60_000 });
          expect(created.stderr).toBe('');
          expect(created.code).toBe(0);
        }
        deployed = await npmRun('deploy', [example, profile]);
      }
      expect(deployed.stderr).toBe('');
      expect(deployed.code).toBe(0);
      recordStats({ example, profile, objects: objects.length });
    });

    test('the API shows it accepted, admitted, rolled out, spread and wired', async () => {
      const { problems } = await settle(objects, allChecks(objects, namespace));
      expect(problems).toEqual([]);
    });

    // Real pods only: port-forward to a pod needs a kubelet, and nothing may dial a fake node.
    (SIMULATED ? test.skip : test)('npm run smoke: every Service port and Ingress rule answers', async () => {
      const smoked = await npmRun('smoke', [example, profile]);
      expect(smoked.stderr).toBe('');
      expect(smoked.code).toBe(0);
    });

    if (example === 'deployment') {
      test('a new image tag makes a second ReplicaSet; rollout undo brings the first back', async () => {
        const before = await getJson(['-n', namespace, 'replicasets.apps']);
        const web = objects.find((o) => o.kind === 'Deployment');
        const first = (before.items as Obj[]).filter((rs) => rs.metadata.ownerReferences?.some((r: Obj) => r.name === web.metadata.name) && rs.spec.replicas > 0);
        expect(first).toHaveLength(1);
        // What the guide does: set WEB_IMAGE_TAG to 1.28.0-alpine, synth, apply.
        const changed = new DeploymentExample(new App(), 'deployment', { profile: getProfile(profile), imageTag: '1.28.0-alpine' }).toJson();
        expect(JSON.stringify(changed)).toContain('nginx-unprivileged:1.28.0-alpine');
        await applyLikeDeploy(example, profile, changed);
        const after = (await getJson(['-n', namespace, 'replicasets.apps'])).items as Obj[];
        const mine = after.filter((rs) => rs.metadata.ownerReferences?.some((r: Obj) => r.name === web.metadata.name));
        expect(mine).toHaveLength(2);
        const scaled = mine.filter((rs) => rs.spec.replicas > 0);
        expect(scaled).toHaveLength(1);
        expect(scaled[0].metadata.uid).not.toBe(first[0].metadata.uid);
        expect(scaled[0].spec.template.spec.containers[0].image).toBe('nginxinc/nginx-unprivileged:1.28.0-alpine');
        await kubectlOk(['-n', namespace, 'rollout', 'undo', `deployment/${web.metadata.name}`, '--request-timeout=30s']);
        await kubectlOk(['-n', namespace, 'rollout', 'status', `deployment/${web.metadata.name}`, '--timeout=300s'], { timeoutMs: 330_000 });
        const undone = ((await getJson(['-n', namespace, 'replicasets.apps'])).items as Obj[])
          .filter((rs) => rs.metadata.ownerReferences?.some((r: Obj) => r.name === web.metadata.name) && rs.spec.replicas > 0);
        expect(undone.map((rs) => rs.metadata.uid)).toEqual([first[0].metadata.uid]);
        expect(undone[0].spec.template.spec.containers[0].image).toBe(web.spec.template.spec.containers[0].image);
        const { problems } = await settle(objects, (live) => checkDeployments(liveOf(live, objects, 'Deployment'), live));
        expect(problems).toEqual([]);
      });
    }

    test('an object dropped from the chart is pruned on the next deploy; the rest stay', async () => {
      // kubectl prunes only in the namespaces of the namespaced objects it applies: with one such
      // object there is nothing left to drop, so the chart first gains a ConfigMap, then loses it.
      const namespaced = objects.filter((o) => o.metadata?.namespace);
      let chart = objects;
      let dropped = [...namespaced].reverse().find((o) => o.kind !== 'Secret');
      if (namespaced.length < 2) {
        dropped = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'e2e-dropped', namespace, labels: { ...namespaced[0].metadata.labels } }, data: { note: 'dropped from the chart' } };
        chart = [...objects, dropped];
        await applyLikeDeploy(example, profile, chart);
      }
      const live = await readLive(chart);
      expect(live.objects.has(key(dropped))).toBe(true);
      const kept = chart.filter((o) => o !== dropped);
      await applyLikeDeploy(example, profile, kept);
      const after = await readLive(chart);
      expect(after.objects.has(key(dropped))).toBe(false);
      const uids = (l: Live) => kept.map((o) => `${key(o)} ${l.objects.get(key(o))?.metadata?.uid}`);
      expect(uids(after)).toEqual(uids(live));
      expect(uids(after).filter((u) => u.endsWith(' undefined'))).toEqual([]);
    });

    test('npm run destroy leaves no namespace behind', async () => {
      const destroyed = await npmRun('destroy', [example, profile]);
      expect(destroyed.stderr).toBe('');
      expect(destroyed.code).toBe(0);
      // Namespace deletion finishes in the background: wait for it, with a deadline.
      const gone = await kubectl(['wait', '--for=delete', `namespace/${namespace}`, '--timeout=180s'], { timeoutMs: 200_000 });
      expect(gone.code === 0 || /not found/i.test(gone.stderr) ? '' : gone.stderr).toBe('');
      const left = await kubectl(['get', 'namespace', namespace, '--request-timeout=30s']);
      expect(left.stderr).toMatch(/NotFound|not found/);
    });
  });
});
