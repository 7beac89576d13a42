// imports/gateway.networking.k8s.io.ts is generated: it must be what `npm run import:gateway`
// writes now from the Gateway API CRDs of the Go module. Only Go's module cache is used
// (GOPROXY=off): where the module is not in the cache, the comparison is skipped, never fetched.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROCESS_TIMEOUT_MS } from './process';

const ROOT = path.join(__dirname, '..');
const SCRIPT = path.join(ROOT, 'scripts', 'import-gateway-api.js');
const CACHE_ONLY = { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=mod' };

const run = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, env: CACHE_ONLY, encoding: 'utf8', timeout: PROCESS_TIMEOUT_MS });

/** The folder of the module's standard-channel CRDs, if Go has the module in its cache. */
function cachedCrdFolder(): string | undefined {
  const go = spawnSync('go', ['mod', 'download', '-json', 'sigs.k8s.io/gateway-api@v1.6.1'], { cwd: os.tmpdir(), env: CACHE_ONLY, encoding: 'utf8', timeout: PROCESS_TIMEOUT_MS });
  if (go.status !== 0) return undefined;
  return path.join(JSON.parse(go.stdout).Dir, 'config', 'crd', 'standard');
}

describe('npm run import:gateway', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'import-gateway-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const crds = cachedCrdFolder();

  const whenCached = crds ? describe : describe.skip;
  whenCached('with the module in Go\'s cache', () => {
    test('imports/gateway.networking.k8s.io.ts is what it writes now from the Go module\'s CRDs', () => {
      const out = path.join(tmp, 'from-module');
      const result = run('--outdir', out);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(fs.readFileSync(path.join(out, 'gateway.networking.k8s.io.ts'), 'utf8'))
        .toBe(fs.readFileSync(path.join(ROOT, 'imports', 'gateway.networking.k8s.io.ts'), 'utf8'));
    });

    test('the comparison sees a change: a CRD edited in a copy gives another file', () => {
      const copy = path.join(tmp, 'crds');
      fs.mkdirSync(copy);
      for (const f of fs.readdirSync(crds!)) fs.copyFileSync(path.join(crds!, f), path.join(copy, f));
      const file = path.join(copy, 'gateway.networking.k8s.io_httproutes.yaml');
      fs.chmodSync(file, 0o644);
      // A new optional field in the spec: the generated HttpRouteSpec gains a property.
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^( {14})hostnames:\n/m, '$1owner:\n$1  type: string\n$1hostnames:\n'));
      const out = path.join(tmp, 'edited');
      expect(run('--dir', copy, '--outdir', out).status).toBe(0);
      expect(fs.readFileSync(path.join(out, 'gateway.networking.k8s.io.ts'), 'utf8'))
        .not.toBe(fs.readFileSync(path.join(ROOT, 'imports', 'gateway.networking.k8s.io.ts'), 'utf8'));
    });
  });

  test.each<[string, string[], RegExp]>([
    ['a folder without the CRDs', ['--dir', 'no-such-folder'], /^import-gateway-api: no gateway\.networking\.k8s\.io_gatewayclasses\.yaml in no-such-folder\n$/],
    ['an unknown option', ['--force'], /^import-gateway-api: Unknown option '--force'.*; usage: node scripts\/import-gateway-api\.js \[--dir <folder of CRD files>\] \[--outdir <folder>\]\n$/],
  ])('%s: one line, exit code 1, nothing written', (_, args, message) => {
    const before = fs.statSync(path.join(ROOT, 'imports', 'gateway.networking.k8s.io.ts')).mtimeMs;
    const result = run(...args);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(fs.statSync(path.join(ROOT, 'imports', 'gateway.networking.k8s.io.ts')).mtimeMs).toBe(before);
  });
});
