// The guides, run the way a learner runs them: every step of README.md's first screen and of
// each example's guide, in order, against the cluster (tools/control-plane/guide-runner.ts), in
// a copy of the repository. On the simulated control plane the steps classified "simulated"
// run; with --context, the "real cluster" ones too. Then the runner is shown to bite: a guide
// broken on purpose fails.
import * as fs from 'fs';
import * as path from 'path';
import { EXAMPLES } from '../examples';
import { guidePath } from '../tools/docs';
import { classesYaml, SIMULATED_LABEL } from '../tools/control-plane/harness';
import { Step, guideSteps } from '../tools/control-plane/guide-steps';
import { copyRepo, failures, runSteps } from '../tools/control-plane/guide-runner';
import { MODE, ROOT, SIMULATED, installGatewayCrds, kubectl, kubectlOk, recordStats } from './lib';

const GUIDES = ['README.md', ...EXAMPLES.map((e) => guidePath(e.name))].filter((f) => !process.env.E2E_EXAMPLES || f === 'README.md' || process.env.E2E_EXAMPLES.split(',').some((e) => f === guidePath(e)));
const mode = MODE === 'context' ? 'context' : 'simulated';

async function namespaces(): Promise<Set<string>> {
  return new Set((await kubectlOk(['get', 'namespaces', '-o', 'name', '--request-timeout=30s'])).split('\n').filter(Boolean));
}

/** Runs steps in a fresh copy of the repository; removes the copy and every namespace the steps made. */
async function runInCopy(steps: Step[], settleMs?: number): Promise<string[]> {
  const before = await namespaces();
  const copy = copyRepo(ROOT);
  try {
    const results = await runSteps(steps, { cwd: copy.dir, env: process.env, mode, settleMs });
    recordStats({ guide: steps[0]?.file, steps: results.filter((r) => r.ran).length });
    return failures(results);
  } finally {
    copy.remove();
    const made = [...await namespaces()].filter((n) => !before.has(n));
    for (const ns of made) await kubectl(['delete', ns, '--wait=true', '--timeout=180s'], { timeoutMs: 200_000 });
  }
}

describe('the guides, run step by step on profile minikube\'s cluster', () => {
  beforeAll(async () => {
    if (!SIMULATED) return;
    // What the gateway guide's `helm install` brings along: the Gateway API CRDs.
    await installGatewayCrds();
    await kubectlOk(['delete', 'storageclass,ingressclass', '-l', `${SIMULATED_LABEL}=true`, '--ignore-not-found', '--wait=true', '--timeout=60s'], { timeoutMs: 70_000 });
    await kubectlOk(['apply', '-f', '-', '--request-timeout=30s'], { input: classesYaml('minikube') });
  });

  test.each(GUIDES)('%s: every step exits as the guide says, prints its sample, and its stated results hold', async (file) => {
    const steps = guideSteps(file, fs.readFileSync(path.join(ROOT, file), 'utf8'));
    expect(await runInCopy(steps)).toEqual([]);
  });
});

describe('the runner bites: a guide broken on purpose fails', () => {
  const quotas = fs.readFileSync(path.join(ROOT, guidePath('quotas')), 'utf8');
  const rbac = fs.readFileSync(path.join(ROOT, guidePath('rbac')), 'utf8');
  const broken = (text: string, from: string, to: string) => {
    expect(text).toContain(from);
    return guideSteps(guidePath('quotas'), text.replace(from, to));
  };

  test('a wrong namespace', async () => {
    const failed = await runInCopy(broken(quotas, 'kubectl -n quotas-demo describe limitrange defaults', 'kubectl -n quota-demo describe limitrange defaults'));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/^examples\/quotas\/README\.md:\d+: kubectl -n quota-demo describe limitrange defaults: exited 1: .*namespaces? "quota-demo" not found/);
  });

  test('a wrong resource name', async () => {
    const failed = await runInCopy(broken(quotas, 'rollout status deployment/unsized', 'rollout status deployment/unsised'));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/kubectl -n quotas-demo rollout status deployment\/unsised: exited 1: .*"unsised" not found/);
  });

  test('a stated result that does not happen: the quota is not exceeded by three pods', async () => {
    const failed = await runInCopy(broken(quotas, 'scale deployment web --replicas=4', 'scale deployment web --replicas=3'), 30_000);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/get events --field-selector reason=FailedCreate .*: printed no "exceeded quota: compute"/);
  });

  test('a wrong answer of kubectl auth can-i', async () => {
    const line = 'kubectl auth can-i list configmaps --as=system:serviceaccount:rbac-demo:settings-reader -n rbac-demo   # no';
    expect(rbac).toContain(line);
    const failed = await runInCopy(guideSteps(guidePath('rbac'), rbac.replace(line, line.replace('# no', '# yes'))), 10_000);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/auth can-i list configmaps .*: exited 1: no; printed no "yes"/);
  });
});
