import * as fs from 'fs';
import * as path from 'path';
import { splitStatements } from '../../tools/docs/shell-words';
import { classifyCommand, countSteps, guideSteps } from '../../tools/control-plane/guide-steps';
import { containsText, sampleProblems, statedResults } from '../../tools/control-plane/guide-checks';
import { readOnly } from '../../tools/control-plane/guide-runner';
import { EXAMPLES } from '../../examples';

const ROOT = path.resolve(__dirname, '..', '..');
const where = (line: string) => classifyCommand(splitStatements(line)[0].commands[0]).where;
const steps = (body: string, lang = 'sh') => guideSteps('examples/x/README.md', `# X\n\n## Run it\n\n\`\`\`${lang}\n${body}\n\`\`\`\n`);

describe('splitStatements', () => {
  test('a statement is one line, with its continuation lines and loop bodies; the comment of its last line', () => {
    const found = splitStatements('a 1   # one\nb \\\n  2   # two\nfor i in 1 2; do\n  c $i\ndone\n\n# alone\nd "x\ny"', 5);
    expect(found.map((s) => [s.line, s.endLine, s.comment])).toEqual([[5, 5, 'one'], [6, 7, 'two'], [8, 10, ''], [13, 14, '']]);
    expect(found[2].commands.map((c) => c.words[0].text)).toEqual(['for', 'do', 'c', 'done']);
    expect(found[1].source).toBe('b \\\n  2   # two');
  });
});

describe('where a command runs: one rule', () => {
  test.each([
    ['kubectl -n demo get pods -o wide', 'simulated'],
    ['kubectl -n demo scale deployment web --replicas=2', 'simulated'],
    ['npm run synth', 'simulated'],
    ['git checkout -- dist/', 'simulated'],
    ['kubectl -n demo logs deploy/web', 'real cluster'],
    ['kubectl -n demo exec deploy/toolbox -- wget -qO- http://web', 'real cluster'],
    ['kubectl -n demo top pods', 'real cluster'],
    ['kubectl drain node-1 --ignore-daemonsets', 'real cluster'],
    ['kubectl -n ingress-nginx rollout status deployment/ingress-nginx-controller', 'real cluster'],
    ['curl localhost:8080', 'real cluster'],
    ['npm run smoke -- services', 'real cluster'],
    ['helm install eg oci://example/chart', 'real cluster'],
    ['kubectl -n demo get pods -w', 'by hand'],
    ['minikube start', 'by hand'],
    ['multipass launch --name a', 'by hand'],
    ['kill %1', 'by hand'],
    ['mkdir -p ~/.kube', 'by hand'],
    ['kubectl config use-context minikube', 'by hand'],
    ['kubectl apply --server-side -f https://example.com/crds.yaml', 'by hand'],
    ['npm run sandbox -- stop kube-scheduler', 'by hand'],
    ['kubectl -n demo wait --for=condition=Accepted gateway/demo --timeout=120s', 'real cluster'],
    ['kubectl -n demo wait --for=condition=Available deployment/web', 'simulated'],
    ['npm ci', 'build'],
    ['npm test', 'build'],
  ])('%s: %s', (line, expected) => {
    expect(where(line)).toBe(expected);
  });

  test('a program the rule does not know is an error, not a guess', () => {
    expect(() => where('terraform apply')).toThrow('program "terraform" is not classified (tools/control-plane/guide-steps.ts)');
    expect(() => where('npm run frobnicate')).toThrow('npm script "frobnicate" is not classified');
  });

  test('a statement takes its most demanding command; a background statement runs by hand', () => {
    expect(steps('kubectl -n a get pods | head -1\nkubectl -n a port-forward svc/web 8080:80 &').map((s) => s.where)).toEqual(['simulated', 'by hand']);
    expect(steps('kubectl -n a get pods -o name | head -1 && curl x')[0].where).toBe('real cluster');
  });

  test('after a command that points kubectl at another cluster, the rest of the block runs by hand', () => {
    const found = steps('kubectl get nodes\nminikube start -p other --nodes 2\nkubectl apply -f dist/minikube/x.yaml');
    expect(found.map((s) => s.where)).toEqual(['simulated', 'by hand', 'by hand']);
    expect(found[2].reason).toBe('after a command of the block that points kubectl at another cluster');
    expect(steps('minikube start\nkubectl get nodes').map((s) => s.where)).toEqual(['by hand', 'simulated']);
  });
});

test('a section for a k3s or cloud cluster needs that cluster: the runner plays minikube', () => {
  const found = guideSteps('examples/x/README.md', '# X\n\n## Run it\n\n```sh\nkubectl get nodes\n```\n\n## k3s and a cloud cluster\n\n```sh\nkubectl apply -f dist/k3s/x.yaml\n```\n');
  expect(found.map((s) => s.where)).toEqual(['simulated', 'real cluster']);
});

describe('what a step is expected to do', () => {
  test('exit 0 unless the comment says it fails; quoted texts are in the output', () => {
    const [ok, fails, quoted, refused] = steps('kubectl get pods\nkubectl get x   # fails: not found\nkubectl get events   # "exceeded quota"\nkubectl create x   # refused: "forbidden"');
    expect([ok.fails, ok.contains]).toEqual([false, []]);
    expect([fails.fails, fails.contains]).toEqual([true, ['not found']]);
    expect([quoted.fails, quoted.contains]).toEqual([false, ['exceeded quota']]);
    expect([refused.fails, refused.contains]).toEqual([true, ['forbidden']]);
  });

  test('auth can-i answering no exits 1', () => {
    const [yes, no] = steps('kubectl auth can-i get pods -n a   # yes\nkubectl auth can-i get secrets -n a   # no: not granted');
    expect([yes.fails, yes.contains, no.fails, no.contains]).toEqual([false, ['yes'], true, ['no']]);
  });

  test('a console block: the $ lines are steps, the lines after each its sample', () => {
    const [first, second] = steps('$ kubectl get rs\nNAME   DESIRED\nweb-<hash>   2\n\n$ kubectl get pods', 'console');
    expect(first.sample).toEqual(['NAME   DESIRED', 'web-<hash>   2']);
    expect(second.sample).toEqual([]);
  });

  test('what is read only can be run again; what changes the cluster cannot', () => {
    const [get, scale, pipe, rollout] = steps('kubectl -n a get pods\nkubectl -n a scale deploy web --replicas=2\nkubectl -n a get pods -o name | head -1\nkubectl -n a rollout undo deploy/web');
    expect([get, scale, pipe, rollout].map(readOnly)).toEqual([true, false, true, false]);
  });
});

describe('sample outputs', () => {
  const sample = ['NAME             DESIRED   CURRENT   READY   AGE', 'web-<hash>       2         2         2       <age>', 'web-<hash>       0         0         0       <age>'];
  test('the same columns and rows, in any order, with the varying parts marked: no problem', () => {
    expect(sampleProblems(sample, 'NAME             DESIRED   CURRENT   READY   AGE\nweb-6db58f677c   0         0         0       33s\nweb-7696b7997b   2         2         2       1s\n')).toEqual([]);
  });
  test('a row that differs, a row too many, another header: each a problem', () => {
    expect(sampleProblems(sample, 'NAME DESIRED CURRENT READY AGE\nweb-6db58f677c 1 1 1 3s\nweb-7696b7997b 2 2 2 1s')).toEqual(['printed row "web-6db58f677c 1 1 1 3s" matches no row of the sample']);
    expect(sampleProblems(sample, 'NAME DESIRED CURRENT READY AGE\nweb-6db58f677c 0 0 0 3s\nweb-7696b7997b 2 2 2 1s\ntoolbox-7b5d5ffcb7 1 1 1 3s')[0]).toBe('3 row(s) under "NAME DESIRED CURRENT", the sample has 2: "web-6db58f677c 0 0 0 3s", "web-7696b7997b 2 2 2 1s", "toolbox-7b5d5ffcb7 1 1 1 3s"');
    expect(sampleProblems(sample, 'NAME DESIRED CURRENT AGE\nweb-6db58f677c 0 0 3s\nweb-7696b7997b 2 2 1s')[0]).toBe('printed "NAME DESIRED CURRENT AGE" where the sample has "NAME             DESIRED   CURRENT   READY   AGE"');
  });
  test('kubectl\'s own <none> is text, not a placeholder', () => {
    expect(sampleProblems(['NAME IP', 'a <none>'], 'NAME IP\na 10.0.0.1')).toEqual(['printed row "a 10.0.0.1" matches no row of the sample']);
    expect(sampleProblems(['NAME IP', 'a <ip>'], 'NAME IP\na 10.0.0.1')).toEqual([]);
  });
  test('... in an expected text stands for anything', () => {
    expect(containsText('worker: started as worker-abc@minikube, a job', 'started as worker-...@minikube')).toBe(true);
    expect(containsText('worker: started', 'stopped')).toBe(false);
  });
});

describe('stated results, judged from the API', () => {
  const rs = (name: string, revision: number, replicas: number, ready = replicas) => ({ metadata: { name, annotations: { 'deployment.kubernetes.io/revision': String(revision) } }, spec: { replicas }, status: { readyReplicas: ready } });
  const judge = (comment: string, seen: Parameters<ReturnType<typeof statedResults>[0]['result']['judge']>[1]) => statedResults(comment).flatMap(({ result, match }) => result.judge(match, seen));
  const pod = (name: string, node: string | undefined, extra: object = {}) => ({ metadata: { name, ownerReferences: [] as object[] }, spec: { nodeName: node }, ...extra });
  const nodes = ['n1', 'n2', 'n3'].map((name) => ({ metadata: { name }, spec: {} }));

  test('a new ReplicaSet with 2 pods, the old one with 0', () => {
    const comment = 'a new ReplicaSet with 2 pods, the old one with 0';
    expect(judge(comment, { pods: [], nodes: [], replicaSets: [rs('web-b', 2, 2), rs('web-a', 1, 0)] })).toEqual([]);
    expect(judge(comment, { pods: [], nodes: [], replicaSets: [rs('web-a', 1, 2)] })).toEqual(['1 ReplicaSet(s), the guide speaks of a new one and an old one']);
    expect(judge(comment, { pods: [], nodes: [], replicaSets: [rs('web-b', 2, 2, 1), rs('web-a', 1, 1)] })).toEqual([
      'the new ReplicaSet web-b has 2 pods (1 ready), the guide says 2', 'the old ReplicaSet web-a has 1 pods, the guide says 0']);
  });

  test('postgres-1 starts after postgres-0 is ready', () => {
    const ready = (at: string) => ({ status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at }] } });
    const p = (name: string, created: string, readyAt: string) => ({ metadata: { name, creationTimestamp: created }, spec: {}, ...ready(readyAt) });
    const comment = 'postgres-1 starts after postgres-0 is ready';
    expect(judge(comment, { replicaSets: [], nodes: [], pods: [p('postgres-0', '2026-01-01T00:00:00Z', '2026-01-01T00:00:05Z'), p('postgres-1', '2026-01-01T00:00:05Z', '2026-01-01T00:00:09Z')] })).toEqual([]);
    expect(judge(comment, { replicaSets: [], nodes: [], pods: [p('postgres-0', '2026-01-01T00:00:00Z', '2026-01-01T00:00:05Z'), p('postgres-1', '2026-01-01T00:00:01Z', '2026-01-01T00:00:09Z')] }))
      .toEqual(['postgres-1 was created at 2026-01-01T00:00:01Z, before postgres-0 was Ready (2026-01-01T00:00:05Z)']);
  });

  test('one node-agent pod on every node; the web pods spread over the nodes', () => {
    const agent = (node: string) => ({ ...pod(`node-agent-${node}`, node), metadata: { name: `node-agent-${node}`, ownerReferences: [{ kind: 'DaemonSet', name: 'node-agent', controller: true }] } });
    const web = (i: number, node: string) => ({ ...pod(`web-x-${i}`, node), metadata: { name: `web-x-${i}`, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-x', controller: true }] } });
    const replicaSets = [{ metadata: { name: 'web-x', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] } }];
    const comment = 'one node-agent pod on every node; the web pods spread over the nodes';
    expect(judge(comment, { nodes, replicaSets, pods: [agent('n1'), agent('n2'), agent('n3'), web(1, 'n1'), web(2, 'n2')] })).toEqual([]);
    expect(judge(comment, { nodes, replicaSets, pods: [agent('n1'), agent('n2'), web(1, 'n1'), web(2, 'n1')] })).toEqual([
      '0 node-agent pods on node n3, the guide says one', 'web pods per node n1=2, n2=0, n3=0: skew 2, the guide says they spread']);
  });
});

describe('the guides of this repository', () => {
  const files = ['README.md', ...EXAMPLES.map((e) => `examples/${e.name}/README.md`)];
  test('every command of every guide is classified by the rule (none unknown), and the simulated cluster runs most', () => {
    const all = files.flatMap((f) => guideSteps(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));
    const counts = countSteps(all);
    expect(counts.simulated).toBeGreaterThan(counts['real cluster']);
    expect(all.length).toBe(counts.simulated + counts['real cluster'] + counts['by hand'] + counts.build);
  });
});
