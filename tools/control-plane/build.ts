// Builds the control plane the e2e suite runs on — etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler, kubectl and kwok — from Go modules, once per version, into a cache folder
// outside the working tree. A second run finds the binaries and builds nothing.
//
//   node scripts/run.js tools/control-plane/build.ts [--kubernetes 1.36.3] [--print-dir]
//
// Environment: K8S_BY_EXAMPLE_CACHE (cache root), KUBERNETES_VERSION (as --kubernetes),
// KUBEBUILDER_ASSETS (a folder with etcd, kube-apiserver and kubectl, used instead of building them).
// Exit codes: 0 ready, 2 usage, 3 Go missing, 4 Go too old, 5 build failed.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const KUBERNETES_VERSIONS = ['1.35.4', '1.36.3', '1.37.2'] as const;
export const DEFAULT_KUBERNETES = '1.36.3';
export const ETCD_VERSION = '3.6.16';
export const KWOK_VERSION = '0.8.0';
/** The Gateway API CRDs the gateway example needs, from the Go module that ships them. */
export const GATEWAY_API_VERSION = '1.6.1';
export const MIN_GO = [1, 26] as const;

export const EXIT = { ok: 0, usage: 2, noGo: 3, oldGo: 4, buildFailed: 5 } as const;

/** The programs the harness runs, by the name it runs them under. */
export type Program = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kubectl' | 'kwok';
export type Binaries = Record<Program, string>;

export class BuildError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

interface Product {
  /** Folder name under tools/control-plane/go and the cache key's prefix. */
  name: 'kubernetes' | 'etcd' | 'kwok';
  version: string;
  /** Program name -> Go package path. */
  programs: Partial<Record<Program, string>>;
  /** Writes go.mod (and go.sum) into dir, for this version. */
  prepare(dir: string, env: NodeJS.ProcessEnv, log: Logger): void;
  ldflags: string[];
  /** Files besides the programs that the product's folder holds, written after the build. */
  extras?: { files: string[]; write(moduleDir: string, productDir: string, env: NodeJS.ProcessEnv, log: Logger): void };
  /** Arguments that print the version, and the text it must contain. */
  versionCheck: Partial<Record<Program, { args: string[]; expect: string }>>;
}

// Bundled by scripts/run.js, __dirname is the bundle's folder: npm runs scripts from the root.
const here = fs.existsSync(path.join(__dirname, 'go', 'kubernetes', 'tools.go'))
  ? __dirname
  : path.resolve(process.cwd(), 'tools', 'control-plane');
const moduleSources = path.join(here, 'go');

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.K8S_BY_EXAMPLE_CACHE) return path.resolve(env.K8S_BY_EXAMPLE_CACHE);
  const xdg = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(xdg, 'k8s-by-example');
}

export function controlPlaneCache(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), 'control-plane');
}

function minorOf(version: string): string {
  return version.split('.')[1];
}

function kubernetes(version: string): Product {
  const stamp = (pkg: string) => [
    `-X ${pkg}.gitVersion=v${version}`,
    `-X ${pkg}.gitMajor=1`,
    `-X ${pkg}.gitMinor=${minorOf(version)}`,
    `-X ${pkg}.gitTreeState=clean`,
  ];
  return {
    name: 'kubernetes',
    version,
    programs: {
      'kube-apiserver': 'k8s.io/kubernetes/cmd/kube-apiserver',
      'kube-controller-manager': 'k8s.io/kubernetes/cmd/kube-controller-manager',
      'kube-scheduler': 'k8s.io/kubernetes/cmd/kube-scheduler',
      kubectl: 'k8s.io/kubernetes/cmd/kubectl',
    },
    ldflags: [...stamp('k8s.io/component-base/version'), ...stamp('k8s.io/client-go/pkg/version')],
    versionCheck: {
      'kube-apiserver': { args: ['--version'], expect: `Kubernetes v${version}` },
      kubectl: { args: ['version', '--client'], expect: `Client Version: v${version}` },
    },
    prepare(dir, env, log) {
      // k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with local
      // folders, which a dependent module ignores. Replace each one with its published version,
      // reading the list from this version's own go.mod: it changes between minors.
      const info = JSON.parse(go(['mod', 'download', '-json', `k8s.io/kubernetes@v${version}`], dir, env, log));
      const staging = stagingModules(fs.readFileSync(info.GoMod, 'utf8'));
      if (staging.length === 0) throw new BuildError(`no k8s.io/* v0.0.0 requirements in ${info.GoMod}`, EXIT.buildFailed);
      fs.writeFileSync(path.join(dir, 'go.mod'), kubernetesGoMod(version, staging));
      go(['mod', 'tidy'], dir, env, log);
    },
  };
}

/** The k8s.io modules a Kubernetes go.mod requires at v0.0.0 (its staging modules). */
export function stagingModules(goMod: string): string[] {
  const found = new Set<string>();
  for (const line of goMod.split('\n')) {
    const m = /^\s*(?:require\s+)?(k8s\.io\/[^\s]+)\s+v0\.0\.0(?:\s|$)/.exec(line);
    if (m) found.add(m[1]);
  }
  return [...found].sort();
}

export function kubernetesGoMod(version: string, staging: string[]): string {
  const v0 = `v0.${version.split('.').slice(1).join('.')}`;
  return [
    'module k8s-by-example/control-plane/kubernetes',
    '',
    'go 1.26',
    '',
    `require k8s.io/kubernetes v${version}`,
    '',
    '// Generated by tools/control-plane/build.ts from the go.mod of k8s.io/kubernetes',
    `// v${version}: every staging module it requires at v0.0.0, at its published version.`,
    'replace (',
    ...staging.map((m) => `\t${m} => ${m} ${v0}`),
    ')',
    '',
  ].join('\n');
}

function simpleModule(name: string, requirement: string): (dir: string, env: NodeJS.ProcessEnv, log: Logger) => void {
  return (dir, env, log) => {
    fs.writeFileSync(path.join(dir, 'go.mod'), `module k8s-by-example/control-plane/${name}\n\ngo 1.26\n\nrequire ${requirement}\n`);
    go(['mod', 'tidy'], dir, env, log);
  };
}

function etcd(version: string): Product {
  return {
    name: 'etcd',
    version,
    programs: { etcd: 'go.etcd.io/etcd/server/v3' },
    ldflags: [],
    versionCheck: { etcd: { args: ['--version'], expect: `etcd Version: ${version}` } },
    prepare: simpleModule('etcd', `go.etcd.io/etcd/server/v3 v${version}`),
  };
}

function kwok(version: string): Product {
  return {
    name: 'kwok',
    version,
    programs: { kwok: 'sigs.k8s.io/kwok/cmd/kwok' },
    ldflags: [],
    versionCheck: { kwok: { args: ['--version'], expect: version } },
    prepare: simpleModule('kwok', `sigs.k8s.io/kwok v${version}`),
    extras: {
      files: [KWOK_STAGES],
      // kwok alone simulates nothing: kwokctl hands it stages (what happens to a Node or a Pod, and
      // when). The same default stages come with the kwok module; this joins them into one config.
      write(moduleDir, dir, env, log) {
        const kwokDir = JSON.parse(go(['list', '-m', '-json', 'sigs.k8s.io/kwok'], moduleDir, env, log)).Dir as string;
        const stages = KWOK_STAGE_FILES.map((f) => fs.readFileSync(path.join(kwokDir, 'kustomize', 'stage', f), 'utf8').trim());
        fs.writeFileSync(path.join(dir, KWOK_STAGES), `${stages.join('\n---\n')}\n`);
      },
    },
  };
}

type Logger = (text: string) => void;

/** kwok's default stages, as kwokctl uses them: nodes become Ready and keep a lease, pods run, Job pods finish. */
export const KWOK_STAGES = 'kwok-stages.yaml';
const KWOK_STAGE_FILES = [
  'node/fast/node-initialize.yaml',
  'node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
  'pod/fast/pod-ready.yaml',
  'pod/fast/pod-complete.yaml',
  'pod/fast/pod-delete.yaml',
];

function go(args: string[], cwd: string, env: NodeJS.ProcessEnv, log: Logger): string {
  log(`$ go ${args.join(' ')}\n`);
  const r = spawnSync('go', args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new BuildError(`go ${args[0]}: ${r.error.message}`, EXIT.buildFailed);
  log(r.stderr);
  if (r.status !== 0) throw new BuildError(`go ${args.join(' ')} exited ${r.status}`, EXIT.buildFailed);
  return r.stdout;
}

/** The Go toolchain's version, or a BuildError saying what to install. */
export function checkGo(env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync('go', ['env', 'GOVERSION'], { env, encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new BuildError(
      `Go not found: install Go ${MIN_GO.join('.')} or newer (https://go.dev/doc/install), or set KUBEBUILDER_ASSETS and build nothing else`,
      EXIT.noGo,
    );
  }
  const version = r.stdout.trim();
  const m = /^go(\d+)\.(\d+)/.exec(version);
  if (!m || Number(m[1]) < MIN_GO[0] || (Number(m[1]) === MIN_GO[0] && Number(m[2]) < MIN_GO[1])) {
    throw new BuildError(`${version || 'an unknown Go'} is too old: install Go ${MIN_GO.join('.')} or newer (https://go.dev/doc/install)`, EXIT.oldGo);
  }
  return version;
}

function productDir(product: Product, env: NodeJS.ProcessEnv): string {
  return path.join(controlPlaneCache(env), `${product.name}-v${product.version}`);
}

function hasPrograms(dir: string, product: Product): boolean {
  return Object.keys(product.programs).every((p) => fs.existsSync(path.join(dir, 'bin', p)))
    && (product.extras?.files ?? []).every((f) => fs.existsSync(path.join(dir, f)));
}

/** Builds one product into its cache folder unless it is there. Returns whether it built. */
function buildProduct(product: Product, env: NodeJS.ProcessEnv, say: (line: string) => void): boolean {
  const final = productDir(product, env);
  if (hasPrograms(final, product)) return false;
  const cache = controlPlaneCache(env);
  fs.mkdirSync(path.join(cache, 'logs'), { recursive: true });
  const logFile = path.join(cache, 'logs', `${product.name}-v${product.version}.log`);
  fs.writeFileSync(logFile, `build of ${product.name} v${product.version}, ${new Date().toISOString()}\n`);
  const log: Logger = (text) => fs.appendFileSync(logFile, text);
  const work = fs.mkdtempSync(path.join(cache, `.build-${product.name}-v${product.version}-`));
  const started = Date.now();
  say(`building ${product.name} v${product.version} (log: ${logFile})`);
  try {
    const mod = path.join(work, 'module');
    fs.mkdirSync(mod);
    fs.copyFileSync(path.join(moduleSources, product.name, 'tools.go'), path.join(mod, 'tools.go'));
    const committed = path.join(moduleSources, product.name);
    if (committedModuleFits(committed, product)) {
      fs.copyFileSync(path.join(committed, 'go.mod'), path.join(mod, 'go.mod'));
      fs.copyFileSync(path.join(committed, 'go.sum'), path.join(mod, 'go.sum'));
      log(`using the committed go.mod and go.sum of ${committed}\n`);
    } else {
      product.prepare(mod, env, log);
    }
    const bin = path.join(work, 'bin');
    fs.mkdirSync(bin);
    // One go build for all of a product's programs, so they share one compile.
    const entries = Object.entries(product.programs) as [Program, string][];
    const flags = ['build', '-trimpath', '-ldflags', ['-s', '-w', ...product.ldflags].join(' ')];
    if (entries.length === 1) go([...flags, '-o', path.join(bin, entries[0][0]), entries[0][1]], mod, env, log);
    else go([...flags, '-o', bin + path.sep, ...entries.map(([, pkg]) => pkg)], mod, env, log);
    for (const [program, check] of Object.entries(product.versionCheck)) {
      const r = spawnSync(path.join(bin, program), check!.args, { encoding: 'utf8', timeout: 30_000 });
      const out = `${r.stdout}${r.stderr}`;
      log(`$ ${program} ${check!.args.join(' ')}\n${out}`);
      if (!out.includes(check!.expect)) throw new BuildError(`${program} ${check!.args.join(' ')} does not print "${check!.expect}"`, EXIT.buildFailed);
    }
    product.extras?.write(mod, work, env, log);
    log(`built in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    fs.copyFileSync(logFile, path.join(work, 'build.log'));
    fs.chmodSync(work, 0o755);
    // A folder left by an older build lacks something (hasPrograms said so): replace it.
    if (fs.existsSync(final) && !hasPrograms(final, product)) fs.rmSync(final, { recursive: true, force: true });
    try {
      fs.renameSync(work, final);
    } catch (e) {
      // Another run finished the same build first: keep its folder.
      if (!hasPrograms(final, product)) throw e;
      fs.rmSync(work, { recursive: true, force: true });
    }
    say(`built ${product.name} v${product.version} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return true;
  } catch (e) {
    fs.rmSync(work, { recursive: true, force: true });
    if (e instanceof BuildError) throw new BuildError(`${product.name} v${product.version} did not build (${e.message}); log: ${logFile}`, e.exitCode);
    throw new BuildError(`${product.name} v${product.version} did not build (${(e as Error).message}); log: ${logFile}`, EXIT.buildFailed);
  }
}

/** Whether the go.mod committed beside tools.go is the one for this version. */
function committedModuleFits(dir: string, product: Product): boolean {
  const goMod = path.join(dir, 'go.mod');
  if (!fs.existsSync(goMod) || !fs.existsSync(path.join(dir, 'go.sum'))) return false;
  const requirement = Object.values(product.programs)[0]!.split('/').slice(0, product.name === 'etcd' ? 4 : 2).join('/');
  return new RegExp(`^require ${requirement.replace(/\./g, '\\.')} v${product.version.replace(/\./g, '\\.')}$`, 'm').test(fs.readFileSync(goMod, 'utf8'));
}

export interface EnsureOptions {
  kubernetesVersion?: string;
  env?: NodeJS.ProcessEnv;
  say?: (line: string) => void;
}

export interface Ensured {
  binaries: Binaries;
  /** The standard-channel Gateway API CRDs, one YAML file. */
  gatewayCrds: string;
  /** kwok's stages config. */
  kwokStages: string;
  built: string[];
  kubernetesVersion: string;
}

/** Paths of every program the harness runs, building whatever is missing. */
export function ensureBinaries(options: EnsureOptions = {}): Ensured {
  const env = { ...(options.env ?? process.env) };
  const version = options.kubernetesVersion || env.KUBERNETES_VERSION || DEFAULT_KUBERNETES;
  if (!(KUBERNETES_VERSIONS as readonly string[]).includes(version)) {
    throw new BuildError(`Kubernetes ${version} is not one of ${KUBERNETES_VERSIONS.join(', ')}`, EXIT.usage);
  }
  const say = options.say ?? ((line: string) => console.error(line));
  const assets = env.KUBEBUILDER_ASSETS ? path.resolve(env.KUBEBUILDER_ASSETS) : undefined;
  const fromAssets = (p: Program) => (assets && fs.existsSync(path.join(assets, p)) ? path.join(assets, p) : undefined);
  // Never fetch a newer Go toolchain behind the user's back.
  const goEnv = { ...env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: [env.GOFLAGS, '-buildvcs=false'].filter(Boolean).join(' ') };
  const products = [kubernetes(version), etcd(ETCD_VERSION), kwok(KWOK_VERSION)];
  const binaries: Partial<Binaries> = {};
  const built: string[] = [];
  let goChecked = false;
  for (const product of products) {
    const programs = Object.keys(product.programs) as Program[];
    const missing = programs.filter((p) => !fromAssets(p));
    if (missing.length > 0 && !hasPrograms(productDir(product, goEnv), product)) {
      if (!goChecked) checkGo(goEnv);
      goChecked = true;
      if (buildProduct(product, goEnv, say)) built.push(`${product.name}-v${product.version}`);
    }
    for (const p of programs) binaries[p] = fromAssets(p) ?? path.join(productDir(product, goEnv), 'bin', p);
  }
  const kwokStages = path.join(productDir(products[2], goEnv), KWOK_STAGES);
  const gatewayCrds = path.join(controlPlaneCache(goEnv), `gateway-api-v${GATEWAY_API_VERSION}`, 'standard-install.yaml');
  if (!fs.existsSync(gatewayCrds)) {
    if (!goChecked) checkGo(goEnv);
    writeGatewayCrds(gatewayCrds, goEnv, say);
    built.push(`gateway-api-v${GATEWAY_API_VERSION}`);
  }
  return { binaries: binaries as Binaries, built, kubernetesVersion: version, kwokStages, gatewayCrds };
}

/** Joins config/crd/standard/*.yaml of sigs.k8s.io/gateway-api into one file, written atomically. */
function writeGatewayCrds(file: string, env: NodeJS.ProcessEnv, say: (line: string) => void): void {
  const cache = controlPlaneCache(env);
  fs.mkdirSync(path.join(cache, 'logs'), { recursive: true });
  const logFile = path.join(cache, 'logs', `gateway-api-v${GATEWAY_API_VERSION}.log`);
  fs.writeFileSync(logFile, '');
  const log: Logger = (text) => fs.appendFileSync(logFile, text);
  const work = fs.mkdtempSync(path.join(cache, '.download-gateway-api-'));
  try {
    say(`fetching the Gateway API v${GATEWAY_API_VERSION} CRDs (log: ${logFile})`);
    const dir = JSON.parse(go(['mod', 'download', '-json', `sigs.k8s.io/gateway-api@v${GATEWAY_API_VERSION}`], work, env, log)).Dir as string;
    const standard = path.join(dir, 'config', 'crd', 'standard');
    const docs = fs.readdirSync(standard).filter((f) => f.endsWith('.yaml')).sort().map((f) => fs.readFileSync(path.join(standard, f), 'utf8').trim());
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(path.join(work, 'crds.yaml'), `${docs.join('\n---\n')}\n`);
    fs.renameSync(path.join(work, 'crds.yaml'), file);
  } catch (e) {
    throw new BuildError(`the Gateway API CRDs could not be fetched (${(e as Error).message}); log: ${logFile}`, EXIT.buildFailed);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function main(argv: string[]): number {
  let version: string | undefined;
  let printDir = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--kubernetes') version = argv[++i];
    else if (argv[i] === '--print-dir') printDir = true;
    else if (argv[i] === '--help' || argv[i] === '-h') {
      console.log('usage: build.ts [--kubernetes 1.35.4|1.36.3|1.37.2] [--print-dir]');
      return EXIT.ok;
    } else {
      console.error(`unknown argument ${argv[i]}`);
      return EXIT.usage;
    }
  }
  try {
    const started = Date.now();
    const { binaries, built } = ensureBinaries({ kubernetesVersion: version });
    if (printDir) for (const [name, file] of Object.entries(binaries)) console.log(`${name}\t${file}`);
    console.error(built.length ? `control plane built in ${((Date.now() - started) / 1000).toFixed(0)} s: ${built.join(', ')}` : 'control plane binaries up to date: nothing built');
    return EXIT.ok;
  } catch (e) {
    if (e instanceof BuildError) {
      console.error(e.message);
      return e.exitCode;
    }
    throw e;
  }
}

if (require.main === module || process.argv[1]?.endsWith(path.join('control-plane', 'build.ts'))) {
  process.exitCode = main(process.argv.slice(2));
}
