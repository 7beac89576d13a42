import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXAMPLES } from '../../examples';
import { formatProblem } from '../../tools/docs/docs-check';
import {
  DIAGRAM_BEGIN, DIAGRAM_END, GUIDE_PROFILE, TABLE_BEGIN, TABLE_END, checkRepoDocs, diagramBlock, docsProblems, generatedDocs, guidePath, guideProblems, runDocs,
} from '../../tools/docs';
import { loadDist } from '../../tools/docs/dist';
import { replaceBetween } from '../../tools/docs/markdown';

const ROOT = path.join(__dirname, '..', '..');
const dist = loadDist(ROOT);
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const objectsOf = (name: string) => dist.get(GUIDE_PROFILE)!.get(name)!;

describe('the docs agree with dist/ (run `npm run docs` and commit the result)', () => {
  test.each(EXAMPLES.map((e) => e.name))('%s has a guide with every required section and a fresh diagram', (name) => {
    expect(fs.existsSync(path.join(ROOT, guidePath(name)))).toBe(true);
    expect(guideProblems(name, read(guidePath(name)), objectsOf(name))).toEqual([]);
  });

  test('README.md and the guides are exactly what npm run docs writes', () => {
    for (const [file, text] of generatedDocs(ROOT, EXAMPLES, dist)) expect({ file, text: read(file) }).toEqual({ file, text });
  });

  test('the examples table lists every example with its guide and namespace', () => {
    for (const e of EXAMPLES) {
      expect(read('README.md')).toContain(`| \`${e.name}\` | ${e.concept} | [examples/${e.name}](examples/${e.name}/README.md) |`);
    }
  });

  test('every command of README.md and the guides names only what dist/ has', () => {
    expect(checkRepoDocs(ROOT, EXAMPLES, dist).map(formatProblem)).toEqual([]);
  });

  test('npm run docs -- --check finds nothing to report', () => {
    expect(docsProblems(ROOT, EXAMPLES)).toEqual([]);
  });
});

describe('the checks catch a guide that drifts', () => {
  const name = 'services';
  const guide = read(guidePath(name));

  test('a stale diagram', () => {
    const stale = replaceBetween(guide, DIAGRAM_BEGIN, DIAGRAM_END, diagramBlock(objectsOf('deployment')));
    expect(guideProblems(name, stale, objectsOf(name))).toEqual([
      'examples/services/README.md: the diagram is stale: run npm run docs and commit the guide',
    ]);
  });

  test('a diagram edited by hand', () => {
    const edited = guide.replace('svc_web -->|":80 → 8080"| pods_web', 'svc_web -->|":80 → 9090"| pods_web');
    expect(edited).not.toBe(guide);
    expect(guideProblems(name, edited, objectsOf(name))).toEqual(['examples/services/README.md: the diagram is stale: run npm run docs and commit the guide']);
  });

  test('no diagram markers', () => {
    const without = guide.slice(0, guide.indexOf(DIAGRAM_BEGIN)) + guide.slice(guide.indexOf(DIAGRAM_END) + DIAGRAM_END.length);
    expect(guideProblems(name, without, objectsOf(name))).toEqual([
      `examples/services/README.md: no diagram: add the lines "${DIAGRAM_BEGIN}" and "${DIAGRAM_END}", then run npm run docs`,
    ]);
  });

  test('a missing section, sections out of order, and sections without their command', () => {
    expect(guideProblems(name, guide.replace('## What to look at', '## Look'), objectsOf(name))).toEqual([
      'examples/services/README.md: no "## What to look at" section',
    ]);
    const swapped = guide.replace('## Try', '## TMP').replace('## Clean up', '## Try').replace('## TMP', '## Clean up');
    expect(guideProblems(name, swapped, objectsOf(name))).toContain(
      'examples/services/README.md: "## Clean up" comes before a section that must precede it (order: Run it, What to look at, Try, Clean up)');
    const noApply = guide.replace('kubectl apply -f dist/minikube/services.yaml', 'echo apply').replace('`npm run deploy -- services`', 'deploy');
    expect(guideProblems(name, noApply, objectsOf(name))).toEqual([
      'examples/services/README.md: "## Run it" has no kubectl apply -f dist/minikube/services.yaml (or npm run deploy -- services)',
    ]);
    const noCleanup = guide.replace('kubectl delete namespace services-demo', 'echo bye').replace('`npm run destroy -- services`', 'destroy');
    expect(guideProblems(name, noCleanup, objectsOf(name))).toEqual([
      'examples/services/README.md: "## Clean up" has no kubectl delete namespace services-demo (or npm run destroy -- services)',
    ]);
  });

  test('a command naming an object that is not in dist/', () => {
    const drifted = guide.replace('kubectl -n services-demo describe svc web', 'kubectl -n services-demo describe svc web-internal');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-'));
    try {
      fs.mkdirSync(path.join(tmp, 'examples', name), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'README.md'), `${TABLE_BEGIN}\n`);
      fs.writeFileSync(path.join(tmp, guidePath(name)), drifted);
      fs.cpSync(path.join(ROOT, 'dist'), path.join(tmp, 'dist'), { recursive: true });
      expect(checkRepoDocs(tmp, EXAMPLES).map(formatProblem)).toEqual([
        expect.stringMatching(/^examples\/services\/README\.md:\d+: no Service "web-internal" in namespace services-demo of dist\//),
      ]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('npm run docs', () => {
  /** A copy of the repository's docs and dist/ to write into. */
  function copy(): string {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-run-'));
    fs.cpSync(path.join(ROOT, 'dist'), path.join(tmp, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'README.md'), read('README.md'));
    // Each example's folder: its guide, and the files the guide applies (a GatewayClass, ...).
    for (const e of EXAMPLES) fs.cpSync(path.join(ROOT, 'examples', e.name), path.join(tmp, 'examples', e.name), { recursive: true });
    return tmp;
  }
  const quietly = (f: () => number) => {
    const out: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((m) => { out.push(String(m)); });
    const error = jest.spyOn(console, 'error').mockImplementation((m) => { out.push(String(m)); });
    try {
      return { code: f(), out };
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  };

  test('a guide without markers gets them above "## Run it", filled; a stale table is rewritten', () => {
    const tmp = copy();
    try {
      const guide = read(guidePath('deployment'));
      const bare = guide.slice(0, guide.indexOf(DIAGRAM_BEGIN)) + guide.slice(guide.indexOf(DIAGRAM_END) + DIAGRAM_END.length + 2);
      fs.writeFileSync(path.join(tmp, guidePath('deployment')), bare);
      fs.writeFileSync(path.join(tmp, 'README.md'), replaceBetween(read('README.md'), TABLE_BEGIN, TABLE_END, '| old |'));
      expect(quietly(() => runDocs(['--check'], tmp, EXAMPLES)).code).toBe(1);
      const { code, out } = quietly(() => runDocs([], tmp, EXAMPLES));
      expect(code).toBe(0);
      expect(out).toEqual(['docs: updated README.md', 'docs: updated examples/deployment/README.md', 'docs: the guides, their diagrams and the examples table agree with dist/']);
      expect(fs.readFileSync(path.join(tmp, guidePath('deployment')), 'utf8')).toBe(guide);
      expect(fs.readFileSync(path.join(tmp, 'README.md'), 'utf8')).toBe(read('README.md'));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('--check writes nothing and lists each problem', () => {
    const tmp = copy();
    try {
      const stale = read(guidePath('services')).replace('"ReplicaSet, 2 replicas"', '"ReplicaSet, 9 replicas"');
      fs.writeFileSync(path.join(tmp, guidePath('services')), stale);
      const { code, out } = quietly(() => runDocs(['--check'], tmp, EXAMPLES));
      expect([code, out]).toEqual([1, ['examples/services/README.md: the diagram is stale: run npm run docs and commit the guide']]);
      expect(fs.readFileSync(path.join(tmp, guidePath('services')), 'utf8')).toBe(stale);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('an unknown argument', () => {
    expect(quietly(() => runDocs(['--fix'], ROOT, EXAMPLES))).toEqual({ code: 2, out: ['docs: unknown argument "--fix": usage: npm run docs [-- --check]'] });
  });
});
