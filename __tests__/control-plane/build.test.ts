// The control-plane build, without building: the go.mod it writes, how it finds Go and reports
// what is missing, and that binaries already in the cache (or in KUBEBUILDER_ASSETS) are reused.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  BuildError, DEFAULT_KUBERNETES, ETCD_VERSION, EXIT, GATEWAY_API_VERSION, KWOK_STAGES, KWOK_VERSION, checkGo, controlPlaneCache, ensureBinaries, kubernetesGoMod, stagingModules,
} from '../../tools/control-plane/build';

let tmp: string;
beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-build-test-')); });
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A folder with a `go` that prints this version, as `go env GOVERSION` does. */
function fakeGo(version: string): string {
  const bin = path.join(tmp, 'fake-go-bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'go'), `#!/bin/sh\necho ${version}\n`, { mode: 0o755 });
  return bin;
}

function fakeCache(env: NodeJS.ProcessEnv): void {
  const cache = controlPlaneCache(env);
  const products: Record<string, string[]> = {
    [`kubernetes-v${DEFAULT_KUBERNETES}`]: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'],
    [`etcd-v${ETCD_VERSION}`]: ['etcd'],
    [`kwok-v${KWOK_VERSION}`]: ['kwok'],
  };
  for (const [dir, programs] of Object.entries(products)) {
    fs.mkdirSync(path.join(cache, dir, 'bin'), { recursive: true });
    for (const p of programs) fs.writeFileSync(path.join(cache, dir, 'bin', p), '');
  }
  fs.writeFileSync(path.join(cache, `kwok-v${KWOK_VERSION}`, KWOK_STAGES), '');
  fs.mkdirSync(path.join(cache, `gateway-api-v${GATEWAY_API_VERSION}`));
  fs.writeFileSync(path.join(cache, `gateway-api-v${GATEWAY_API_VERSION}`, 'standard-install.yaml'), '');
}

describe('the Kubernetes tools module', () => {
  const goMod = [
    'module k8s.io/kubernetes', '', 'go 1.25.0', '',
    'require (', '\tgithub.com/spf13/cobra v1.9.1', '\tk8s.io/api v0.0.0', '\tk8s.io/klog/v2 v2.130.1',
    '\tk8s.io/utils v0.0.0-20250604170112-4c0f3b243397', ')', '',
    'require k8s.io/streaming v0.0.0 // indirect', '',
    'replace (', '\tk8s.io/api => ./staging/src/k8s.io/api', ')', '',
  ].join('\n');

  test('replaces exactly the staging modules, those required at v0.0.0', () => {
    expect(stagingModules(goMod)).toEqual(['k8s.io/api', 'k8s.io/streaming']);
  });

  test('with their published version of the same minor', () => {
    const text = kubernetesGoMod('1.37.2', ['k8s.io/api', 'k8s.io/streaming']);
    expect(text).toContain('require k8s.io/kubernetes v1.37.2\n');
    expect(text).toContain('\tk8s.io/api => k8s.io/api v0.37.2\n\tk8s.io/streaming => k8s.io/streaming v0.37.2\n');
  });
});

describe('finding Go', () => {
  test('Go 1.26 or newer passes', () => {
    expect(checkGo({ PATH: fakeGo('go1.26.8') })).toBe('go1.26.8');
    expect(checkGo({ PATH: fakeGo('go1.27.0') })).toBe('go1.27.0');
  });

  test('an older Go: what to install, exit code 4', () => {
    expect(() => checkGo({ PATH: fakeGo('go1.25.9') })).toThrow(new BuildError('go1.25.9 is too old: install Go 1.26 or newer (https://go.dev/doc/install)', EXIT.oldGo));
  });

  test('no Go: one line from the command, exit code 3', () => {
    const r = spawnSync(process.execPath, ['scripts/run.js', 'tools/control-plane/build.ts'], {
      cwd: path.resolve(__dirname, '..', '..'), encoding: 'utf8', timeout: 60_000,
      env: { PATH: path.join(tmp, 'nothing'), HOME: tmp, K8S_BY_EXAMPLE_CACHE: path.join(tmp, 'cache') },
    });
    expect([r.status, r.stderr.trim().split('\n')]).toEqual([EXIT.noGo, [expect.stringMatching(/^Go not found: install Go 1\.26 or newer/)]]);
  });
});

describe('the cache', () => {
  test('binaries there are used and nothing is built, with or without Go', () => {
    const env = { PATH: path.join(tmp, 'no-go'), K8S_BY_EXAMPLE_CACHE: path.join(tmp, 'cache') };
    fakeCache(env);
    const { binaries, built, kwokStages } = ensureBinaries({ env, say: () => undefined });
    expect(built).toEqual([]);
    expect(binaries['kube-apiserver']).toBe(path.join(tmp, 'cache', 'control-plane', `kubernetes-v${DEFAULT_KUBERNETES}`, 'bin', 'kube-apiserver'));
    expect(binaries.etcd).toBe(path.join(tmp, 'cache', 'control-plane', `etcd-v${ETCD_VERSION}`, 'bin', 'etcd'));
    expect(kwokStages).toBe(path.join(tmp, 'cache', 'control-plane', `kwok-v${KWOK_VERSION}`, KWOK_STAGES));
  });

  test('is under XDG_CACHE_HOME, or ~/.cache, unless K8S_BY_EXAMPLE_CACHE says', () => {
    expect(controlPlaneCache({ HOME: '/home/u' })).toBe(path.join('/home/u', '.cache', 'k8s-by-example', 'control-plane'));
    expect(controlPlaneCache({ HOME: '/home/u', XDG_CACHE_HOME: '/c' })).toBe(path.join('/c', 'k8s-by-example', 'control-plane'));
  });

  test('KUBEBUILDER_ASSETS provides etcd, kube-apiserver and kubectl', () => {
    const assets = path.join(tmp, 'assets');
    fs.mkdirSync(assets);
    for (const p of ['etcd', 'kube-apiserver', 'kubectl']) fs.writeFileSync(path.join(assets, p), '');
    const env = { PATH: path.join(tmp, 'no-go'), K8S_BY_EXAMPLE_CACHE: path.join(tmp, 'cache'), KUBEBUILDER_ASSETS: assets };
    fakeCache(env);
    fs.rmSync(path.join(controlPlaneCache(env), `etcd-v${ETCD_VERSION}`), { recursive: true });
    const { binaries, built } = ensureBinaries({ env, say: () => undefined });
    expect(built).toEqual([]);
    expect([binaries.etcd, binaries['kube-apiserver'], binaries.kubectl]).toEqual(['etcd', 'kube-apiserver', 'kubectl'].map((p) => path.join(assets, p)));
    expect(binaries['kube-scheduler']).toContain(`kubernetes-v${DEFAULT_KUBERNETES}`);
  });

  test('a version outside the supported minors is refused', () => {
    expect(() => ensureBinaries({ kubernetesVersion: '1.28.0', env: { PATH: '' } })).toThrow(/not one of 1\.35\.4, 1\.36\.3, 1\.37\.2/);
  });

  test('a missing binary and no Go: says what to install', () => {
    const env = { PATH: path.join(tmp, 'no-go'), K8S_BY_EXAMPLE_CACHE: path.join(tmp, 'cache') };
    expect(() => ensureBinaries({ env, say: () => undefined })).toThrow(/^Go not found/);
  });
});
