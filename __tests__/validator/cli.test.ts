import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RULES } from '../../validator';
import { EXIT, runValidate } from '../../validator/command';
import { PROCESS_TIMEOUT_MS } from '../process';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.relative(process.cwd(), path.join(__dirname, 'fixtures'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs the command in this process; returns the exit code and what it wrote. */
function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runValidate(args, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) }, {});
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Writes files into a fresh folder under the temporary directory. */
function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'in-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const good = fs.readFileSync(path.join(FIXTURES, 'valid', 'batch.yaml'), 'utf8');

describe('npm run validate', () => {
  test('checks dist/ by default, one set per profile folder, and exits 0 when clean', () => {
    expect(process.cwd()).toBe(ROOT);
    const { code, out, err } = run();
    expect(code).toBe(EXIT.clean);
    const lines = out.split('\n');
    expect(lines[lines.length - 1]).toMatch(/^no findings: \d+ objects in \d+ files \(3 sets checked together\), against Kubernetes 1\.28 and 1\.36$/);
    // The shell and curl images run commands the validator cannot judge, and it says so.
    expect(lines.slice(0, -1)).toEqual([expect.stringMatching(/^not covered: .*: busybox:1\.36\.1, curlimages\/curl:8\.11\.1/)]);
    expect(err).toBe('');
  });

  test('prints findings grouped by file, object and container, one line each, and a summary by family; exits 1', () => {
    const { code, out } = run(path.join(FIXTURES, 'broken', 'pinned-image.yaml'));
    expect(code).toBe(EXIT.findings);
    expect(out.split('\n')).toEqual([
      path.join(FIXTURES, 'broken', 'pinned-image.yaml'),
      '  Pod/fixtures/app',
      '    container "app" at spec.containers[0]',
      '      image: uses image "example/app", which is not pinned: add a version tag [pinned-image]',
      'not covered: the rules do not know which user, port and writable paths this image needs (or their command replaces what is known): example/app; the verdict covers the manifests, not that image',
      '1 finding (runs-on-minikube 1) in 1 object in 1 file (1 set checked together), against Kubernetes 1.28 and 1.36',
    ]);
  });

  test('pod security findings come with one securityContext block that fixes them all', () => {
    const { out } = run(path.join(FIXTURES, 'tutorial', 'nginx.yaml'));
    const lines = out.split('\n');
    const start = lines.indexOf('    fix for spec.template.spec.containers[0], ready to paste under it (merge with what it has):');
    expect(lines.slice(start + 1, start + 10)).toEqual([
      '      securityContext:',
      '        seccompProfile:',
      '          type: RuntimeDefault',
      '        allowPrivilegeEscalation: false',
      '        runAsNonRoot: true',
      '        capabilities:',
      '          drop: [ALL]',
      '        runAsUser: 10001  # a numeric user the image can run as',
      '        readOnlyRootFilesystem: true  # mount an emptyDir where the program writes',
    ]);
    expect(lines[lines.length - 1]).toMatch(/^\d+ findings \(pod-security 4, runs-on-minikube \d, hardening 1\) in 2 objects/);
    // nginx is an image the validator knows: no "not covered" note.
    expect(out).not.toContain('not covered');
  });

  test('--format sarif writes SARIF 2.1.0: the rules, and each result with its rule, level, message, file and line', () => {
    const file = path.join(FIXTURES, 'tutorial', 'nginx.yaml');
    const { code, out } = run('--format', 'sarif', file);
    expect(code).toBe(EXIT.findings);
    const sarif = JSON.parse(out);
    expect(sarif.version).toBe('2.1.0');
    const [runOf] = sarif.runs;
    expect(runOf.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual([...RULES.map((r) => r.id), 'server-dry-run']);
    const seccomp = runOf.results.find((r: { ruleId: string }) => r.ruleId === 'seccomp-profile');
    expect(seccomp).toMatchObject({ level: 'error', ruleIndex: RULES.findIndex((r) => r.id === 'seccomp-profile') });
    expect(seccomp.locations[0].physicalLocation.artifactLocation.uri).toBe(file.split(path.sep).join('/'));
    // The container has no securityContext: the line is that of the deepest part that exists, the container's "- name: nginx".
    const text = fs.readFileSync(file, 'utf8').split('\n');
    expect(text[seccomp.locations[0].physicalLocation.region.startLine - 1]).toBe('      - name: nginx');
    const port = runOf.results.find((r: { ruleId: string }) => r.ruleId === 'unprivileged-port');
    expect(text[port.locations[0].physicalLocation.region.startLine - 1]).toBe('        - containerPort: 80');
    const hardening = runOf.results.find((r: { ruleId: string }) => r.ruleId === 'read-only-root-filesystem');
    expect(hardening.level).toBe('warning');
  });

  test('--format json writes one JSON document with the rule, its family, the file, the object and the path', () => {
    const { code, out } = run('--format', 'json', path.join(FIXTURES, 'broken', 'pinned-image.yaml'));
    expect(code).toBe(EXIT.findings);
    const report = JSON.parse(out);
    expect(report.exitCode).toBe(1);
    expect(report.summary).toEqual({ objects: 1, files: 1, sets: 1, findings: 1 });
    expect(report.findings[0]).toMatchObject({ rule: 'pinned-image', family: 'runs-on-minikube', object: 'Pod/fixtures/app', path: 'spec.containers[0].image' });
  });

  test('works on a folder of YAML this project did not write (kubectl output)', () => {
    const { code, out } = run('--format=json', path.join(FIXTURES, 'kubectl'));
    const report = JSON.parse(out);
    expect(code).toBe(EXIT.findings);
    expect(report.summary).toMatchObject({ objects: 10, files: 10, sets: 1 });
    // kubectl's own output is valid Kubernetes and its objects fit together ...
    expect(report.findings.filter((f: { family: string }) => f.family === 'schema' || f.family === 'wiring')).toEqual([]);
    // ... but its pods would not start in a restricted namespace.
    expect(new Set(report.findings.map((f: { object: string }) => f.object))).toEqual(new Set(['Deployment/web', 'Job/migrate', 'CronJob/report']));
    expect(report.findings.map((f: { rule: string }) => f.rule)).toContain('run-as-non-root');
  });

  describe('input that is not a Kubernetes manifest: one line, its own exit code, no stack trace', () => {
    const cases: Array<[string, () => string[], number, RegExp]> = [
      ['a missing path', () => [path.join(tmp, 'nowhere')], EXIT.missingPath, /^validate: .*nowhere: no such file or folder$/],
      ['an empty folder', () => [folder({})], EXIT.nothingToCheck, /^validate: .*: no YAML files in this folder \(looked for \*\.yaml, \*\.yml, \*\.json\)$/],
      ['a folder of other files', () => [folder({ 'notes.txt': 'hello' })], EXIT.nothingToCheck, /no YAML files in this folder/],
      ['YAML files without objects', () => [folder({ 'a.yaml': '# only a comment\n' })], EXIT.nothingToCheck, /^validate: .*: no Kubernetes objects in this file$/],
      ['a file that is not YAML', () => [folder({ 'bad.yaml': 'kind: [Pod\n' })], EXIT.notYaml, /^validate: .*bad\.yaml:\d+: not valid YAML: .+$/],
      ['a binary file', () => [folder({ 'image.yaml': 'GIF89a\0\0' })], EXIT.notYaml, /^validate: .*image\.yaml: not a YAML file \(it is binary\)$/],
      ['YAML that is not a Kubernetes object', () => [folder({ 'config.yaml': 'name: web\nport: 8080\n' })], EXIT.notKubernetes, /^validate: .*config\.yaml: document 1 is not a Kubernetes object: it is a mapping without apiVersion and kind$/],
      ['a YAML list', () => [folder({ 'list.yaml': '- a\n- b\n' })], EXIT.notKubernetes, /document 1 is not a Kubernetes object: it is a list$/],
      ['a later document that is not an object', () => [folder({ 'two.yaml': `${good}---\njust text\n` })], EXIT.notKubernetes, /document 4 is not a Kubernetes object: it is the string "just text"$/],
      ['an unknown option', () => ['--strict'], EXIT.usage, /^validate: unknown option "--strict" \(see --help\)$/],
      ['a bad option value', () => ['--pod-security', 'high'], EXIT.usage, /^validate: --pod-security "high" is not one of restricted, baseline, privileged \(see --help\)$/],
      ['a bad budget', () => ['--cpu-budget', 'lots'], EXIT.usage, /^validate: --cpu-budget "lots" is not a positive quantity/],
      ['an unknown rule to skip', () => ['--skip', 'nope'], EXIT.usage, /^validate: --skip "nope" is neither a rule nor a family/],
    ];
    test.each(cases)('%s', (_, args, exitCode, message) => {
      const { code, out, err } = run(...args());
      expect(code).toBe(exitCode);
      expect(err.split('\n')).toHaveLength(1);
      expect(err).toMatch(message);
      expect(out).toBe('');
    });

    test('every exit code is distinct', () => {
      expect(new Set(Object.values(EXIT)).size).toBe(Object.values(EXIT).length);
    });

    test('with --format json the error is in the JSON document too', () => {
      const { code, out } = run('--format', 'json', path.join(tmp, 'nowhere'));
      expect(code).toBe(EXIT.missingPath);
      expect(JSON.parse(out)).toEqual({ exitCode: EXIT.missingPath, summary: null, findings: [], errors: [`${path.join(tmp, 'nowhere')}: no such file or folder`] });
    });
  });

  test('objects in the same folder are one set; --together makes all inputs one set', () => {
    const a = folder({ 'one/batch.yaml': good, 'two/batch.yaml': good });
    expect(run(a).code).toBe(EXIT.clean);
    const together = run('--together', a);
    expect(together.code).toBe(EXIT.findings);
    expect(together.out).toContain('is defined twice');
  });

  test('options reach the rules: --pod-security, --cpu-budget, --memory-budget, --external, --skip', () => {
    const broken = (name: string) => path.join(FIXTURES, 'broken', name);
    expect(run(broken('seccomp-profile.missing.yaml')).code).toBe(EXIT.findings);
    expect(run('--pod-security', 'baseline', broken('seccomp-profile.missing.yaml')).code).toBe(EXIT.clean);
    expect(run(broken('resource-budget.yaml')).code).toBe(EXIT.findings);
    expect(run('--cpu-budget', '1.2', broken('resource-budget.yaml')).code).toBe(EXIT.clean);
    expect(run('--cpu-budget=1200m', '--memory-budget', '95Mi', broken('resource-budget.yaml')).code).toBe(EXIT.findings);
    expect(run(broken('secret-exists.yaml')).code).toBe(EXIT.findings);
    expect(run('--external', 'Secret/credentials', broken('secret-exists.yaml')).code).toBe(EXIT.clean);
    expect(run('--skip', 'wiring', broken('secret-exists.yaml')).code).toBe(EXIT.clean);
  });

  test('--help lists the options and the exit codes', () => {
    const { code, out } = run('--help');
    expect(code).toBe(EXIT.clean);
    for (const flag of ['--format', '--pod-security', '--cpu-budget', '--memory-budget', '--external', '--skip', '--together', '--list-rules']) expect(out).toContain(flag);
    expect(out).toContain('6  a YAML document is not a Kubernetes object');
  });

  test('--list-rules lists every rule under its family', () => {
    const { code, out } = run('--list-rules');
    expect(code).toBe(EXIT.clean);
    for (const rule of RULES) expect(out).toContain(`  ${rule.id} `);
  });

  test('the real command: exit codes and output through a process', () => {
    const cli = (...args: string[]) => spawnSync(process.execPath, ['scripts/run.js', 'validator/cli.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: PROCESS_TIMEOUT_MS, killSignal: 'SIGKILL' });
    const findings = cli(path.join(FIXTURES, 'broken', 'unknown-field.yaml'));
    expect(findings.status).toBe(EXIT.findings);
    expect(findings.stdout).toContain('is not a field of Container (did you mean "imagePullPolicy"?) [unknown-field]');
    const missing = cli('nowhere');
    expect(missing.status).toBe(EXIT.missingPath);
    expect(missing.stderr).toBe('validate: nowhere: no such file or folder\n');
  });
});
