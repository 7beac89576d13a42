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
import { MODE, ROOT, SIMULATED, kubectl, kubectlOk, recordStats } from './lib';

const GUIDES = ['README.md', ...EXAMPLES.map((e) => guidePath(e.name))].filter((f) => !process.env.E2E_EXAMPLES || f === 'README.md' || process.env.E2E_EXAMPLES.split(',').some((e) => f === guidePath(e)));
const mode = MODE === 'context' ? 'context' : 'simulated';

async function namespaces(): Promise<Set<string>> {
  return new Set((await kubectlOk(['get', 'namespaces', '-o', 'name', '--request-timeout=30s'])).split('\n').filter(Boolean));
}

/** Runs steps in a fresh copy of the repository; removes the copy and every namespace the steps made. */
async function runInCopy(steps: Step[]): Promise<string[]> {
  const before = await namespaces();
  const copy = copyRepo(ROOT);
  try {
    const results = await runSteps(steps, { cwd: copy.dir, env: process.env, mode });
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
    await kubectlOk(['delete', 'storageclass,ingressclass', '-l', `${SIMULATED_LABEL}=true`, '--ignore-not-found', '--wait=true', '--timeout=60s'], { timeoutMs: 70_000 });
    await kubectlOk(['apply', '-f', '-', '--request-timeout=30s'], { input: classesYaml('minikube') });
  });

  test.each(GUIDES)('%s: every step exits as the guide says, prints its sample, and its stated results hold', async (file) => {
    const steps = guideSteps(file, fs.readFileSync(path.join(ROOT, file), 'utf8'));
    expect(await runInCopy(steps)).toEqual([]);
  });
});
