import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ValidationContext } from 'cdk8s-cli/plugins';
import { parse } from 'yaml';
import { KubernetesValidation } from '../../validator/cdk8s-plugin';
import { CONSTRUCT_METADATA, runSynth } from '../../tools/synth';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(__dirname, 'fixtures');

async function report(plugin: KubernetesValidation, manifests: string[], metadata: Record<string, { path: string }> = {}) {
  // cdk8s-cli's own context and report, as `cdk8s synth` creates them for a plugin.
  const context = new ValidationContext(manifests, 'k8s-by-example', '0.1.0', metadata, false);
  await plugin.validate(context);
  return context.report;
}

describe('cdk8s validation plugin', () => {
  test('cdk8s.yaml loads it: the package is a local JavaScript file that exports the class', async () => {
    const config = parse(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8'));
    const [validation] = config.validations;
    expect(validation.package.startsWith('./')).toBe(true);
    expect(validation.version).toMatch(/^\d+\.\d+\.\d+$/); // cdk8s refuses version ranges
    const loaded = await import(path.join(ROOT, validation.package));
    expect(typeof loaded[validation.class]).toBe('function');
    expect(typeof new loaded[validation.class](validation.properties).validate).toBe('function');
  });

  test('passes the synthesized examples, one set per profile folder', async () => {
    const files = ['minikube', 'k3s', 'cloud'].flatMap((p) => fs.readdirSync(path.join(ROOT, 'dist', p)).map((f) => path.join(ROOT, 'dist', p, f)));
    const result = (await report(new KubernetesValidation(), files)).toJson();
    expect(result.violations).toEqual([]);
    expect(result.summary.status).toBe('success');
    expect(result.summary.metadata).toMatchObject({ sets: '3' });
  });

  test('reports each finding with its rule, location and the construct path of the object', async () => {
    const file = path.join(FIXTURES, 'broken', 'secret-exists.yaml');
    const result = (await report(new KubernetesValidation(), [file], { 'Pod/fixtures/app': { path: 'chart/App/Resource' } })).toJson();
    expect(result.summary.status).toBe('failure');
    expect(result.violations).toEqual([{
      ruleName: 'secret-exists (wiring)',
      recommendation: expect.stringContaining('every Secret that a pod'),
      fix: 'change each location as its message says',
      violatingConstructs: [{
        resourceName: 'Pod/fixtures/app',
        constructPath: 'chart/App/Resource',
        manifestPath: file,
        locations: [expect.stringMatching(/^spec\.containers\[0\]\.env\[0\]\.valueFrom\.secretKeyRef\.name: container "app" \(env "PASSWORD"\) references Secret "credentials"/)],
      }],
    }]);
  });

  test('a plain cdk8s app keys construct paths by metadata.name; that works too', async () => {
    const file = path.join(FIXTURES, 'broken', 'pinned-image.yaml');
    const [violation] = (await report(new KubernetesValidation(), [file], { app: { path: 'chart/Pod' } })).toJson().violations;
    expect(violation.violatingConstructs[0]).toMatchObject({ resourceName: 'app', constructPath: 'chart/Pod' });
  });

  test('takes the options of npm run validate as properties', async () => {
    const file = path.join(FIXTURES, 'broken', 'seccomp-profile.missing.yaml');
    expect((await report(new KubernetesValidation(), [file])).success).toBe(false);
    expect((await report(new KubernetesValidation({ podSecurity: 'baseline' }), [file])).success).toBe(true);
  });

  test('refuses unknown or bad properties with a message that names them', () => {
    expect(() => new KubernetesValidation({ podSecurty: 'baseline' } as never)).toThrow('unknown property "podSecurty" of the validation plugin: use podSecurity, cpuBudgetMillis, memoryBudgetMiB, external, skip');
    expect(() => new KubernetesValidation({ podSecurity: 'strict' as never })).toThrow('podSecurity "strict" is not restricted, baseline or privileged');
    expect(() => new KubernetesValidation({ cpuBudgetMillis: -1 })).toThrow('cpuBudgetMillis -1 must be a positive number');
    expect(() => new KubernetesValidation({ skip: ['nope'] })).toThrow('skip "nope" is neither a rule nor a family');
  });

  test('a synthesized file that is not a Kubernetes object fails the report in one line', async () => {
    const file = path.join(FIXTURES, 'kubectl', 'README.md');
    const result = (await report(new KubernetesValidation(), [file])).toJson();
    expect(result.summary.status).toBe('failure');
    expect(result.violations.map((v) => v.ruleName)).toEqual(['input']);
  });

  test('hostile YAML in a synthesized file fails the report with the same message as npm run validate, not an exception', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-hostile-'));
    try {
      const bomb = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 9 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`)];
      const files: Record<string, string> = {
        'bomb.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  ${bomb.join('\n  ')}\n`,
        'alias.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: *nowhere\n',
        'kind.yaml': 'apiVersion: v1\nkind: constructor\nmetadata: {name: a}\nspec: {template: {spec: {}}}\n',
      };
      const messages: string[] = [];
      for (const [name, text] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, name), text);
        const result = (await report(new KubernetesValidation(), [path.join(dir, name)])).toJson();
        expect(result.summary.status).toBe('failure');
        // An input problem says what is wrong in its recommendation; a rule's finding is a violation of the rule.
        messages.push(...result.violations.map((v) => (v.ruleName === 'input' ? `input: ${path.relative(dir, v.recommendation)}` : v.ruleName)));
      }
      expect(messages).toEqual([
        'input: bomb.yaml: document 1: its aliases expand it to more than 1000000 values (an alias bomb?): write the repeated parts out',
        'input: alias.yaml: document 1: not valid YAML: an alias names no anchor set before it: nowhere',
        'api-version (schema)',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('synth writes construct-metadata.json, keyed as the validator names objects, only when cdk8s synth asks', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-test-'));
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(runSynth(['--outdir', outdir, '--profile', 'minikube'], {})).toBe(0);
      expect(fs.existsSync(path.join(outdir, CONSTRUCT_METADATA))).toBe(false);
      expect(runSynth(['--outdir', outdir, '--profile', 'minikube'], { CDK8S_RECORD_CONSTRUCT_METADATA: 'true' })).toBe(0);
      const metadata = JSON.parse(fs.readFileSync(path.join(outdir, CONSTRUCT_METADATA), 'utf8'));
      expect(metadata.version).toBe('1.0.0');
      expect(metadata.resources['Deployment/services-demo/web']).toEqual({ path: 'services/Web/Resource/Resource' });
      expect(metadata.resources['Namespace/services-demo']).toEqual({ path: 'services/Namespace' });
    } finally {
      log.mockRestore();
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
