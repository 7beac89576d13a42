// What the guides claim about the parts of Kubernetes that the API server and its controllers
// judge, asked of the real ones, one example at a time (in one profile: the default one, when it
// is selected): the Gateway API CRDs' schema and CEL rules, a Job running to completion and one
// made from a CronJob, a classic init container, RBAC answers, a ResourceQuota and a LimitRange
// refusing pods, a drain held by a PodDisruptionBudget, and an autoscaler finding its Deployment.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { EXAMPLES } from '../examples';
import { DEFAULT_PROFILE, PROFILES, getProfile } from '../examples/profiles';
import { validate } from '../validator';
import { NODES, SIMULATED_LABEL, classesYaml, gatewayClassYaml } from '../tools/control-plane/harness';
import { Obj, isReady, matchesSelector } from './checks';
import { checkAutoscalers, checkDisruptionBudgets, checkInitContainers, checkJobs, checkUnprogrammed, quantity } from './concept-checks';
import { ROOT, SIMULATED, getJson, installGatewayCrds, kubectl, kubectlOk, manifests, namespaceOf, npmRun } from './lib';

const selectedProfiles = (process.env.E2E_PROFILES ?? PROFILES.map((p) => p.name).join(',')).split(',').filter(Boolean);
const selectedExamples = (process.env.E2E_EXAMPLES ?? EXAMPLES.map((e) => e.name).join(',')).split(',').filter(Boolean);
const PROFILE = selectedProfiles.includes(DEFAULT_PROFILE) ? DEFAULT_PROFILE : selectedProfiles[0];
const forExample = (example: string) => (selectedExamples.includes(example) ? describe : describe.skip);
const onlySimulated = SIMULATED ? test : test.skip;

/** How long a controller may take to act on a loaded machine; every wait ends as soon as its condition holds. */
const DEADLINE_MS = 180_000;
const POLL_MS = 500;
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

/** Polls `probe` until it returns no problems; returns the last problems when the deadline passes. */
async function eventually(probe: () => Promise<string[]>, deadlineMs = DEADLINE_MS): Promise<string[]> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const problems = await probe();
    if (problems.length === 0 || Date.now() > end) return problems;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** `npm run deploy`, in a namespace that must not exist yet (a user's cluster is never touched where it has one). */
async function deploy(example: string): Promise<void> {
  const namespace = namespaceOf(manifests(example, PROFILE));
  const existing = await kubectl(['get', 'namespace', namespace, '--request-timeout=30s']);
  expect(existing.code === 0 ? `namespace ${namespace} exists already: npm run destroy -- ${example} ${PROFILE} first` : '').toBe('');
  const deployed = await npmRun('deploy', [example, PROFILE]);
  expect(deployed.stderr).toBe('');
  expect(deployed.code).toBe(0);
}

async function destroy(example: string): Promise<void> {
  const namespace = namespaceOf(manifests(example, PROFILE));
  await npmRun('destroy', [example, PROFILE]);
  await kubectl(['wait', '--for=delete', `namespace/${namespace}`, '--timeout=180s'], { timeoutMs: 200_000 });
}

/** `kubectl apply` with deploy's flags (strict validation, warnings as errors). */
const apply = (objects: Obj[], extra: string[] = []) => kubectl(['apply', '--validate=strict', '--warnings-as-errors', ...extra, '-f', '-', '--request-timeout=30s'],
  { input: Yaml.stringify(...objects) });

/** Whether `sub` is contained in `full`: every field of `sub` is in `full` with the same value (lists element by element). */
function contains(full: unknown, sub: unknown): boolean {
  if (Array.isArray(sub)) return Array.isArray(full) && full.length === sub.length && sub.every((s, i) => contains(full[i], s));
  if (sub && typeof sub === 'object') {
    return !!full && typeof full === 'object' && Object.entries(sub).every(([k, v]) => contains((full as Record<string, unknown>)[k], v));
  }
  return full === sub;
}

/** A command running in the background whose output can be read while it runs; killed by stop(). */
function background(command: string, args: string[]): { output: () => string; done: Promise<number>; stop: () => void } {
  const child: ChildProcess = spawn(command, args, { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (c) => { output += c; });
  child.stderr!.on('data', (c) => { output += c; });
  const done = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  return { output: () => output, done, stop: () => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } } };
}

/** The classes the harness gives the cluster to make it look like a profile's. */
const SIMULATED_CLASSES = ['delete', 'storageclass,ingressclass,gatewayclass', '-l', `${SIMULATED_LABEL}=true`, '--ignore-not-found', '--wait=true', '--timeout=60s'];

beforeAll(async () => {
  if (!SIMULATED) return;
  // The cluster as the profile's: the Gateway API CRDs, as the examples suite installs them
  // (installing again changes nothing), and the profile's classes.
  await installGatewayCrds();
  await kubectlOk(SIMULATED_CLASSES, { timeoutMs: 70_000 });
  await kubectlOk(['apply', '-f', '-', '--request-timeout=30s'], { input: `${classesYaml(PROFILE)}---\n${gatewayClassYaml(getProfile(PROFILE).gateway.className)}` });
});

// The next suite (the validator's fixtures) brings classes of its own.
afterAll(async () => {
  if (SIMULATED) await kubectlOk(SIMULATED_CLASSES, { timeoutMs: 70_000 });
});

forExample('gateway')(`gateway (${PROFILE}): the Gateway API CRDs judge the example`, () => {
  const objects = manifests('gateway', PROFILE);
  const namespace = namespaceOf(objects);
  const gatewayApi = objects.filter((o) => o.apiVersion.startsWith('gateway.networking.k8s.io/'));
  beforeAll(() => deploy('gateway'));
  afterAll(() => destroy('gateway'));

  test('the API server stored the Gateway and HTTPRoutes as the chart wrote them (strict: an unknown field would be refused, not dropped)', async () => {
    expect(gatewayApi.map((o) => o.kind).sort()).toEqual(['Gateway', 'HTTPRoute', 'HTTPRoute']);
    for (const o of gatewayApi) {
      const stored = await getJson(['-n', namespace, `${o.kind.toLowerCase()}.gateway.networking.k8s.io/${o.metadata.name}`]);
      expect([o.kind, o.metadata.name, contains(stored.spec, o.spec)]).toEqual([o.kind, o.metadata.name, true]);
    }
  });

  onlySimulated('no controller runs: the GatewayClass and Gateway stay Accepted and Programmed Unknown (Pending), as the CRDs default them', async () => {
    const className = getProfile(PROFILE).gateway.className;
    const gateway = gatewayApi.find((o) => o.kind === 'Gateway');
    expect(gateway.spec.gatewayClassName).toBe(className);
    const live = [await getJson(['gatewayclass', className]), await getJson(['-n', namespace, 'gateway', gateway.metadata.name])];
    expect(checkUnprogrammed(live)).toEqual([]);
  });

  test('the CRDs\' CEL rules refuse what the validator lets through: a repeated listener name, a path with "//" or "/../"', async () => {
    const gateway = clone(gatewayApi.find((o) => o.kind === 'Gateway'));
    gateway.spec.listeners.push({ ...gateway.spec.listeners[0], port: gateway.spec.listeners[0].port + 1 });
    const route = clone(gatewayApi.find((o) => o.kind === 'HTTPRoute'));
    const dotted = clone(route);
    route.spec.rules[route.spec.rules.length - 1].matches[0].path.value = '/api//v1';
    dotted.spec.rules[dotted.spec.rules.length - 1].matches[0].path.value = '/api/../admin';
    for (const [broken, message] of [
      [gateway, /spec\.listeners: Invalid value: .*Listener name must be unique within the Gateway/],
      [route, /spec\.rules\[\d+\]\.matches\[0\]\.path: Invalid value: .*must not contain '\/\/' when type one of \['Exact', 'PathPrefix'\]/],
      [dotted, /spec\.rules\[\d+\]\.matches\[0\]\.path: Invalid value: .*must not contain '\/\.\.\/' when type one of \['Exact', 'PathPrefix'\]/],
    ] as const) {
      // The whole example with this one object changed: the validator finds nothing.
      const set = objects.map((o) => (o.kind === broken.kind && o.metadata.name === broken.metadata.name ? broken : o));
      expect(validate(set.map((object, index) => ({ object, file: 'gateway.yaml', index }))).map((f) => `${f.rule}: ${f.message}`)).toEqual([]);
      const r = await apply([broken], ['--dry-run=server']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
    }
  });
});

forExample('jobs')(`jobs (${PROFILE}): Jobs run to completion on the simulated nodes`, () => {
  const objects = manifests('jobs', PROFILE);
  const namespace = namespaceOf(objects);
  beforeAll(() => deploy('jobs'));
  afterAll(() => destroy('jobs'));

  test('Job process completes: every index once, each pod Succeeded, none refused by the quota', async () => {
    const job = objects.find((o) => o.kind === 'Job');
    const waited = await kubectl(['-n', namespace, 'wait', '--for=condition=Complete', `job/${job.metadata.name}`, '--timeout=180s'], { timeoutMs: 200_000 });
    expect(waited.stderr).toBe('');
    expect(checkJobs([await getJson(['-n', namespace, 'job', job.metadata.name])])).toEqual([]);
    const pods: Obj[] = (await getJson(['-n', namespace, 'pods', '-l', `job-name=${job.metadata.name}`])).items;
    expect(pods.map((p) => p.status.phase)).toEqual(Array(job.spec.completions).fill('Succeeded'));
    const indexes = pods.map((p) => Number(p.metadata.annotations['batch.kubernetes.io/job-completion-index'])).sort((a, b) => a - b);
    expect(indexes).toEqual([...Array(job.spec.completions).keys()]);
    const failed = (await getJson(['-n', namespace, 'events', '--field-selector', 'reason=FailedCreate'])).items;
    expect(failed.map((e: Obj) => e.message)).toEqual([]);
  });

  test('kubectl create job --from=cronjob/report makes a Job of the CronJob\'s template, and it completes', async () => {
    const cron = objects.find((o) => o.kind === 'CronJob');
    await kubectlOk(['-n', namespace, 'create', 'job', 'report-now', `--from=cronjob/${cron.metadata.name}`, '--request-timeout=30s']);
    const waited = await kubectl(['-n', namespace, 'wait', '--for=condition=Complete', 'job/report-now', '--timeout=180s'], { timeoutMs: 200_000 });
    expect(waited.stderr).toBe('');
    const job = await getJson(['-n', namespace, 'job', 'report-now']);
    expect(checkJobs([job])).toEqual([]);
    expect(job.metadata.ownerReferences.map((r: Obj) => `${r.kind}/${r.name}`)).toEqual([`CronJob/${cron.metadata.name}`]);
    expect(job.metadata.annotations['cronjob.kubernetes.io/instantiate']).toBe('manual');
    const want = cron.spec.jobTemplate.spec.template.spec.containers.map((c: Obj) => ({ image: c.image, command: c.command }));
    expect(job.spec.template.spec.containers.map((c: Obj) => ({ image: c.image, command: c.command }))).toEqual(want);
    const pods: Obj[] = (await getJson(['-n', namespace, 'pods', '-l', 'job-name=report-now'])).items;
    expect(pods.map((p) => p.status.phase)).toEqual(['Succeeded']);
  });
});

forExample('sidecars')(`sidecars (${PROFILE}): a classic init container`, () => {
  const objects = manifests('sidecars', PROFILE);
  const namespace = namespaceOf(objects);
  beforeAll(() => deploy('sidecars'));
  afterAll(() => destroy('sidecars'));

  test('the pod with a classic init container is admitted and Running; the init container Completed, the native sidecar running', async () => {
    const withInit = objects.filter((o) => (o.spec?.template?.spec?.initContainers ?? []).some((c: Obj) => c.restartPolicy !== 'Always'));
    expect(withInit.length).toBeGreaterThan(0);
    for (const w of withInit) {
      const problems = await eventually(async () => {
        const pods: Obj[] = (await getJson(['-n', namespace, 'pods'])).items.filter((p: Obj) => matchesSelector(w.spec.selector, p.metadata.labels));
        return pods.length === 0 ? [`${w.kind}/${w.metadata.name} has no pod`] : checkInitContainers(pods);
      });
      expect(problems).toEqual([]);
    }
  });
});

forExample('rbac')(`rbac (${PROFILE}): the API server's answers are the guide's`, () => {
  const objects = manifests('rbac', PROFILE);
  const namespace = namespaceOf(objects);
  const account = objects.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'settings-reader');
  const as = `--as=system:serviceaccount:${namespace}:${account.metadata.name}`;
  /** What the reader may do: what its Role grants, and nothing else. */
  const ANSWERS: Array<[string, 'yes' | 'no']> = [
    [`get configmaps/app-settings -n ${namespace}`, 'yes'],
    [`watch configmaps/app-settings -n ${namespace}`, 'yes'],
    [`get configmaps/other-settings -n ${namespace}`, 'no'],
    [`list configmaps -n ${namespace}`, 'no'],
    [`update configmaps/app-settings -n ${namespace}`, 'no'],
    [`get secrets -n ${namespace}`, 'no'],
    [`list secrets -n ${namespace}`, 'no'],
    [`get configmaps/app-settings -n default`, 'no'],
  ];
  const canI = async (question: string) => {
    const r = await kubectl(['auth', 'can-i', ...question.split(' '), as, '--request-timeout=30s']);
    // can-i exits 0 for yes and 1 for no; anything else is an error, shown as such.
    return r.code <= 1 ? r.stdout.trim() : `error: ${r.stderr.trim()}`;
  };
  beforeAll(() => deploy('rbac'));
  afterAll(() => destroy('rbac'));

  test('kubectl auth can-i: yes for what the Role grants, no for other ConfigMaps, Secrets and other namespaces', async () => {
    // Every question the guide asks is one of these.
    const readme = fs.readFileSync(path.join(ROOT, 'examples', 'rbac', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## What to look at'), readme.indexOf('## Try'));
    // Each line may end with the answer the guide states (`# yes`): it must be the one asked of the server.
    const asked = [...section.matchAll(/^kubectl auth can-i (.+?) --as=\S+ (-n \S+)(?:\s+#\s*(yes|no))?$/gm)]
      .map((m): [string, string | undefined] => [`${m[1]} ${m[2]}`, m[3]]);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.filter(([q, said]) => !ANSWERS.some(([a, answer]) => a === q && (said === undefined || said === answer)))).toEqual([]);
    const answers: Array<[string, string]> = [];
    for (const [question] of ANSWERS) answers.push([question, await canI(question)]);
    expect(answers).toEqual(ANSWERS);
  });

  test('a grant added to the Role applies at once; deploy takes it back', async () => {
    const role = objects.find((o) => o.kind === 'Role');
    await kubectlOk(['-n', namespace, 'patch', 'role', role.metadata.name, '--type=json', '--request-timeout=30s',
      '-p', '[{"op":"add","path":"/rules/0/resourceNames/-","value":"other-settings"}]']);
    expect(await canI(`get configmaps/other-settings -n ${namespace}`)).toBe('yes');
    await deployAgain('rbac');
    expect(await canI(`get configmaps/other-settings -n ${namespace}`)).toBe('no');
  });

  test('only the reader\'s pod gets a token: the ServiceAccount admission mounts one where automount is on', async () => {
    const pods: Obj[] = (await getJson(['-n', namespace, 'pods'])).items;
    const tokenOf = (p: Obj) => (p.spec.volumes ?? []).some((v: Obj) => (v.projected?.sources ?? []).some((s: Obj) => s.serviceAccountToken));
    const byApp = Object.fromEntries(pods.map((p) => [p.metadata.labels['app.kubernetes.io/name'], { account: p.spec.serviceAccountName, token: tokenOf(p) }]));
    expect(byApp['settings-reader']).toEqual({ account: 'settings-reader', token: true });
    expect(byApp.toolbox?.token).toBe(false);
  });
});

/** Deploy into a namespace the test made: the same command, without the must-not-exist guard. */
async function deployAgain(example: string): Promise<void> {
  const deployed = await npmRun('deploy', [example, PROFILE]);
  expect(deployed.stderr).toBe('');
  expect(deployed.code).toBe(0);
}

forExample('quotas')(`quotas (${PROFILE}): the ResourceQuota and the LimitRange refuse pods`, () => {
  const objects = manifests('quotas', PROFILE);
  const namespace = namespaceOf(objects);
  const web = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'web');
  const quotaName: string | undefined = objects.find((o) => o.kind === 'ResourceQuota')?.metadata.name;
  const failedCreates = async (): Promise<string[]> => ((await getJson(['-n', namespace, 'events', '--field-selector', 'reason=FailedCreate'])).items as Obj[])
    .map((e) => e.message);
  beforeAll(() => deploy('quotas'));
  afterAll(() => destroy('quotas'));

  test('web scaled one pod past the quota: the pods that fit run, the next is refused (exceeded quota)', async () => {
    expect(quotaName ? '' : `dist/${PROFILE}/quotas.yaml has no ResourceQuota`).toBe('');
    const quota = await getJson(['-n', namespace, 'resourcequota', quotaName!]);
    const hardPods = Number(quota.status.hard.pods);
    const room = hardPods - Number(quota.status.used.pods);
    expect(room).toBeGreaterThanOrEqual(0);
    const fits = web.spec.replicas + room;
    await kubectlOk(['-n', namespace, 'scale', `deployment/${web.metadata.name}`, `--replicas=${fits + 1}`, '--request-timeout=30s']);
    const refusal = new RegExp(`^Error creating: pods "${web.metadata.name}-[a-z0-9-]+" is forbidden: exceeded quota: ${quotaName}, requested: .*pods=1.*, used: .*pods=${hardPods}.*, limited: .*pods=${hardPods}`);
    const problems = await eventually(async () => {
      const refused = (await failedCreates()).filter((m) => refusal.test(m));
      const d = await getJson(['-n', namespace, 'deployment', web.metadata.name]);
      return [
        ...(refused.length > 0 ? [] : ['no FailedCreate event "exceeded quota" yet']),
        ...((d.status.readyReplicas ?? 0) === fits ? [] : [`${d.status.readyReplicas ?? 0} pods Ready, want ${fits}`]),
      ];
    });
    expect(problems).toEqual([]);
    const pods: Obj[] = (await getJson(['-n', namespace, 'pods'])).items.filter((p: Obj) => !p.metadata.deletionTimestamp);
    expect(pods.length).toBe(hardPods);
    await kubectlOk(['-n', namespace, 'scale', `deployment/${web.metadata.name}`, `--replicas=${web.spec.replicas}`, '--request-timeout=30s']);
  });

  test('a pod over the LimitRange\'s maximum is refused at admission; a Deployment changed to it keeps its old pods', async () => {
    const range = objects.find((o) => o.kind === 'LimitRange').spec.limits.find((l: Obj) => l.type === 'Container');
    const over = '512Mi';
    expect(quantity(over)).toBeGreaterThan(quantity(range.max.memory));
    const pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'too-big', namespace, labels: { ...web.metadata.labels } },
      spec: clone(web.spec.template.spec),
    };
    pod.spec.containers[0].resources.limits.memory = over;
    const refused = await apply([pod]);
    expect(refused.code).not.toBe(0);
    const message = `maximum memory usage per Container is ${range.max.memory}, but limit is ${over}`;
    expect(refused.stderr).toContain(`pods "too-big" is forbidden: ${message}`);
    // The guide's version: a template is not a pod, so the Deployment takes it; its new ReplicaSet cannot make a pod.
    await kubectlOk(['-n', namespace, 'set', 'resources', `deployment/${web.metadata.name}`, `--limits=memory=${over}`, '--request-timeout=30s']);
    const problems = await eventually(async () => ((await failedCreates()).some((m) => m.includes(message)) ? [] : [`no FailedCreate event "${message}" yet`]));
    expect(problems).toEqual([]);
    const running: Obj[] = (await getJson(['-n', namespace, 'pods', '-l', `app.kubernetes.io/name=${web.metadata.name}`])).items.filter((p: Obj) => !p.metadata.deletionTimestamp);
    expect(running.filter((p) => isReady(p) && p.spec.containers[0].resources.limits.memory === web.spec.template.spec.containers[0].resources.limits.memory))
      .toHaveLength(web.spec.replicas);
    await deployAgain('quotas'); // puts the chart's limit back and waits for the rollout
  });

  test('the LimitRange writes its defaults into a pod whose container sets no resources', async () => {
    const unsized = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'unsized');
    expect(unsized.spec.template.spec.containers[0].resources ?? {}).toEqual({});
    const range = objects.find((o) => o.kind === 'LimitRange').spec.limits.find((l: Obj) => l.type === 'Container');
    const pods: Obj[] = (await getJson(['-n', namespace, 'pods', '-l', `app.kubernetes.io/name=${unsized.metadata.name}`])).items;
    expect(pods.length).toBe(unsized.spec.replicas ?? 1);
    for (const p of pods) {
      expect(p.spec.containers[0].resources).toEqual({ limits: range.default, requests: range.defaultRequest });
      expect(p.metadata.annotations['kubernetes.io/limit-ranger']).toMatch(/^LimitRanger plugin set: /);
    }
  });
});

forExample('deployment')(`deployment (${PROFILE}): the HorizontalPodAutoscaler`, () => {
  const objects = manifests('deployment', PROFILE);
  const namespace = namespaceOf(objects);
  const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler');
  beforeAll(() => deploy('deployment'));
  afterAll(() => destroy('deployment'));

  test('the autoscaler is accepted, finds its Deployment and scales it from the API\'s default 1 to minReplicas', async () => {
    // The Deployment the autoscaler owns sets no replicas; the API server says whether the autoscaler finds it.
    const target = objects.find((o) => o.kind === 'Deployment' && o.spec.replicas === undefined);
    expect(target?.metadata.name).toBe('web');
    const problems = await eventually(async () => {
      const live = await getJson(['-n', namespace, 'horizontalpodautoscaler', hpa.metadata.name]);
      const d = await getJson(['-n', namespace, 'deployment', target.metadata.name]);
      const objectsByKey = new Map([[`${target.kind}/${target.metadata.name}`, d]]);
      return [
        ...checkAutoscalers([live], { namespace: undefined, objects: objectsByKey, pods: [], replicaSets: [], events: [], endpointSlices: [], claims: [], nodes: [] }),
        ...(d.spec.replicas === hpa.spec.minReplicas && d.status.readyReplicas === hpa.spec.minReplicas ? [] : [`Deployment has ${d.spec.replicas} replicas (${d.status.readyReplicas ?? 0} Ready), want minReplicas ${hpa.spec.minReplicas}`]),
      ];
    });
    expect(problems).toEqual([]);
    const events: Obj[] = (await getJson(['-n', namespace, 'events', '--field-selector', `involvedObject.kind=HorizontalPodAutoscaler,reason=SuccessfulRescale`])).items;
    expect(events.map((e) => e.message)).toContain(`New size: ${hpa.spec.minReplicas}; reason: Current number of replicas below Spec.MinReplicas`);
  });

  onlySimulated('no metrics API: its ScalingActive condition is False (FailedGetResourceMetric), so it never scales on CPU here', async () => {
    const problems = await eventually(async () => {
      const c = ((await getJson(['-n', namespace, 'horizontalpodautoscaler', hpa.metadata.name])).status?.conditions ?? []).find((x: Obj) => x.type === 'ScalingActive');
      return c?.status === 'False' && c.reason === 'FailedGetResourceMetric' ? [] : [`ScalingActive is ${c ? `${c.status} (${c.reason})` : 'not set'}`];
    });
    expect(problems).toEqual([]);
  });
});

forExample('scheduling')(`scheduling (${PROFILE}): kubectl drain keeps the PodDisruptionBudget`, () => {
  const objects = manifests('scheduling', PROFILE);
  const namespace = namespaceOf(objects);
  const web = objects.find((o) => o.kind === 'Deployment');
  const budget = objects.find((o) => o.kind === 'PodDisruptionBudget' && matchesSelector(o.spec.selector, web.spec.template.metadata.labels));
  const [drained, ...others] = NODES.map((n) => n.name);
  const webPods = async (): Promise<Obj[]> => ((await getJson(['-n', namespace, 'pods'])).items as Obj[])
    .filter((p) => !p.metadata.deletionTimestamp && matchesSelector(web.spec.selector, p.metadata.labels));
  const uncordonAll = () => kubectl(['uncordon', ...NODES.map((n) => n.name), '--request-timeout=30s']);

  // Only on the simulated nodes: the suite never cordons or drains a node of a user's cluster.
  beforeAll(async () => {
    if (!SIMULATED) return;
    // Both web pods on one node: the other nodes take no new pods while the example is deployed.
    await kubectlOk(['cordon', ...others, '--request-timeout=30s']);
    try {
      await deploy('scheduling');
    } finally {
      await uncordonAll();
    }
  });
  afterAll(async () => {
    if (!SIMULATED) return;
    await uncordonAll();
    await destroy('scheduling');
  });

  onlySimulated(`drain ${drained}: an eviction that would break the budget is refused (429) until a replacement is Ready elsewhere; then the pods have moved`, async () => {
    const before = await webPods();
    expect(before.map((p) => `${p.spec.nodeName} ${isReady(p)}`)).toEqual(Array(web.spec.replicas).fill(`${drained} true`));
    // Nowhere to go at first, as on a single node: the replacement of the first evicted pod stays Pending.
    await kubectlOk(['cordon', ...others, '--request-timeout=30s']);
    const drain = background('kubectl', ['drain', drained, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=300s']);
    try {
      const held = await eventually(async () => {
        const pods = await webPods();
        const onDrained = pods.filter((p) => p.spec.nodeName === drained);
        if (onDrained.length === 0) return ['every web pod was evicted at once: nothing held the budget'];
        const pdb = budget ? await getJson(['-n', namespace, 'poddisruptionbudget', budget.metadata.name]) : undefined;
        return [
          ...(/Cannot evict pod as it would violate the pod's disruption budget/.test(drain.output()) ? [] : ['drain has not reported a refused eviction yet']),
          ...(pods.some((p) => !p.spec.nodeName) ? [] : ['no replacement is waiting for a node yet']),
          ...(pdb?.status.disruptionsAllowed === 0 ? [] : [`the budget allows ${pdb?.status.disruptionsAllowed ?? 'any number of'} disruptions`]),
        ];
      }, 120_000);
      expect(held).toEqual([]);
      // The budget held the line: one web pod still runs on the node, and the eviction API says 429 for it.
      const [last, ...more] = (await webPods()).filter((p) => p.spec.nodeName === drained);
      expect([isReady(last), more.length]).toEqual([true, 0]);
      const eviction = JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: last.metadata.name, namespace } });
      const refused = await kubectl(['create', '--raw', `/api/v1/namespaces/${namespace}/pods/${last.metadata.name}/eviction`, '-f', '-', '--request-timeout=30s'], { input: eviction });
      expect(refused.stderr.trim()).toBe('Error from server (TooManyRequests): Cannot evict pod as it would violate the pod\'s disruption budget.');
      // Room elsewhere: the replacement becomes Ready, the budget allows the next eviction, drain finishes.
      await kubectlOk(['uncordon', ...others, '--request-timeout=30s']);
      const code = await drain.done;
      expect([code, drain.output()]).toEqual([0, expect.stringContaining(`node/${drained} drained`)]);
    } finally {
      drain.stop();
    }
    const moved = await eventually(async () => {
      const pods = await webPods();
      return [
        ...pods.filter((p) => p.spec.nodeName === drained).map((p) => `web pod ${p.metadata.name} is still on ${drained}`),
        ...(pods.filter(isReady).length === web.spec.replicas ? [] : [`${pods.filter(isReady).length} web pods Ready, want ${web.spec.replicas}`]),
      ];
    });
    expect(moved).toEqual([]);
    const daemonPods: Obj[] = (await getJson(['-n', namespace, 'pods', '--field-selector', `spec.nodeName=${drained}`])).items;
    expect(daemonPods.map((p) => p.metadata.ownerReferences?.[0]?.kind)).toEqual(['DaemonSet']); // --ignore-daemonsets left it
    expect((await getJson(['node', drained])).spec.unschedulable).toBe(true);
    const pdb = await getJson(['-n', namespace, 'poddisruptionbudget', budget!.metadata.name]);
    expect(checkDisruptionBudgets([pdb], { namespace: undefined, objects: new Map(), pods: await webPods(), replicaSets: [], events: [], endpointSlices: [], claims: [], nodes: [] })).toEqual([]);
    await kubectlOk(['uncordon', drained, '--request-timeout=30s']);
    expect((await getJson(['node', drained])).spec.unschedulable).toBeUndefined();
  });
});
