#!/usr/bin/env node
// npm run bench [-- --runs N] [-- --validator] [-- --e2e]: how fast synth and the validator are, as ratios
// measured side by side in one run.
//
//   floor      node -e "require('cdk8s-plus-28')"   loading the library, the least any synth does
//   synth      node scripts/run.js main.ts          npm run synth, bundle reused
//   synth-edit node scripts/run.js main.ts          npm run synth just after a source change
//   ts-node    ts-node main.ts                      what `cdk8s init` puts in cdk8s.yaml
//   validate-1 / validate-1k / validate-10k         npm run validate on 1, 1,000 and 10,000 objects
//              (Deployment and Service pairs, each Service selecting its own Deployment's pods)
//
// The commands run interleaved (floor, synth, synth-edit, ts-node, floor, ...) so that load on the
// machine affects them alike; each figure is the median of the runs. Then one cold `npm test`
// (jest cache, tsc build info and ESLint cache cleared) is timed once.
// Targets: synth <= 3x the floor; cold npm test <= 20 s; the validator linear in the number of
// objects: (validate-10k - validate-1) <= 15x (validate-1k - validate-1), where 10x is linear and
// a check that compares every object with every other would be near 100x.
// --validator runs the validator cases only.
//
// With --e2e, also the real control plane (tools/control-plane), when its binaries are built:
//   control-plane up   start etcd, apiserver, controller-manager, scheduler, kwok, three Ready nodes (median of 3)
//   warm e2e           one whole `npm run e2e`, binaries built (every example in every profile)
// Targets: control plane up < 20 s; warm e2e < 5 min.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const util = require('util');

const root = path.resolve(__dirname, '..');
function runsOption() {
  try {
    const { values } = util.parseArgs({ options: { runs: { type: 'string', default: '5' }, validator: { type: 'boolean', default: false }, e2e: { type: 'boolean', default: false } } });
    return { runs: Number(values.runs), validatorOnly: values.validator, withE2e: values.e2e };
  } catch {
    return { runs: NaN };
  }
}
const { runs, validatorOnly, withE2e } = runsOption();
if (!Number.isInteger(runs) || runs < 1) {
  console.error('usage: npm run bench -- [--runs N] [--validator] [--e2e]');
  process.exit(2);
}
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
/** synth's output folder: a folder of its own, since synth writes only into folders it owns. */
const synthOut = path.join(outdir, 'dist');
const bundleCache = path.join(root, 'node_modules', '.cache', 'run');

function time(command, args, before, env = {}) {
  if (before) before();
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, ...env } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    console.error(`bench: ${command} ${args.join(' ')} failed: ${result.stderr.trim().split('\n')[0]}`);
    process.exit(1);
  }
  return ms;
}

/** A folder with `objects` objects: Deployments and the Services that select their pods. */
function validatorInput(objects) {
  const dir = path.join(outdir, `validate-${objects}`);
  fs.mkdirSync(dir);
  const docs = [];
  for (let i = 0; docs.length < objects; i++) {
    const labels = { app: `web-${i}` };
    docs.push({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `web-${i}`, namespace: 'bench' },
      spec: {
        replicas: 1, selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: 'app', image: 'example/app:1.0.0', ports: [{ name: 'http', containerPort: 8080 }],
              securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              resources: { requests: { cpu: '1m', memory: '1Mi' }, limits: { memory: '1Mi' } },
            }],
          },
        },
      },
    });
    if (docs.length < objects) {
      docs.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `web-${i}`, namespace: 'bench' }, spec: { selector: labels, ports: [{ port: 80, targetPort: 'http' }] } });
    }
  }
  fs.writeFileSync(path.join(dir, 'objects.yaml'), docs.map((d) => JSON.stringify(d)).join('\n---\n'));
  return dir;
}
const validate = (dir) => () => time(node, ['scripts/run.js', 'validator/cli.ts', '--cpu-budget', '100', '--memory-budget', '100Gi', dir]);

const node = process.execPath;
const cases = [
  ...(validatorOnly ? [] : [
    ['floor', () => time(node, ['-e', "require('cdk8s-plus-28')"])],
    ['synth', () => time(node, ['scripts/run.js', 'main.ts', '--outdir', synthOut])],
    ['synth-edit', () => time(node, ['scripts/run.js', 'main.ts', '--outdir', synthOut], () => fs.rmSync(bundleCache, { recursive: true, force: true }))],
    ['ts-node', () => time(node, [require.resolve('ts-node/dist/bin.js'), 'main.ts', '--outdir', synthOut])],
  ]),
  ['validate-1', validate(validatorInput(1))],
  ['validate-1k', validate(validatorInput(1000))],
  ['validate-10k', validate(validatorInput(10000))],
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

if (!validatorOnly) time(node, ['scripts/run.js', 'main.ts', '--outdir', synthOut]); // warm the bundle and the disk cache
cases.find(([name]) => name === 'validate-1')[1](); // and the validator's
const samples = Object.fromEntries(cases.map(([name]) => [name, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, measure] of cases) samples[name].push(measure());
}
const medians = Object.fromEntries(cases.map(([name]) => [name, median(samples[name])]));

let testMs;
if (!validatorOnly) {
  fs.rmSync(path.join(root, 'node_modules', '.cache', 'tsc'), { recursive: true, force: true });
  fs.rmSync(path.join(root, 'node_modules', '.cache', 'eslint'), { recursive: true, force: true });
  // A cold jest cache of its own: clearing jest's shared one would disturb other runs on the machine.
  testMs = time('npm', ['test', '--silent'], undefined, { JEST_CACHE_DIR: path.join(outdir, 'jest-cache') });
}
fs.rmSync(outdir, { recursive: true, force: true });

const cpus = os.cpus();
console.log(`${new Date().toISOString().slice(0, 10)}, ${cpus.length} × ${cpus[0].model.trim()}, node ${process.version}, median of ${runs} runs`);
console.log('');
console.log('| command | median | × floor |');
console.log('|---|---|---|');
for (const [name] of cases) {
  console.log(`| ${name} | ${Math.round(medians[name])} ms | ${medians.floor ? (medians[name] / medians.floor).toFixed(2) : ''} |`);
}
if (testMs !== undefined) console.log(`| npm test (cold) | ${(testMs / 1000).toFixed(1)} s | |`);
console.log('');
// The validator's own work, without starting node and reading the rules: less the one-object run.
const scaling = (medians['validate-10k'] - medians['validate-1']) / (medians['validate-1k'] - medians['validate-1']);
const checks = [
  ...(validatorOnly ? [] : [
    [`synth is ${(medians.synth / medians.floor).toFixed(2)}× the floor (target ≤ 3×)`, medians.synth <= 3 * medians.floor],
    [`synth is ${(medians['ts-node'] / medians.synth).toFixed(1)}× faster than ts-node main.ts (target ≥ 5×)`, medians['ts-node'] >= 5 * medians.synth],
  ]),
  [`validating 10× the objects takes ${scaling.toFixed(1)}× the time (target ≤ 15×; 10× is linear)`, scaling <= 15],
];
if (withE2e) {
  const up = spawnSync(node, ['scripts/run.js', 'tools/control-plane/up.ts', '--runs', '3'], { cwd: root, encoding: 'utf8', timeout: 15 * 60 * 1000 });
  if (up.status !== 0) {
    console.log(`control plane: not measured (${(up.stderr || '').trim().split('\n').pop()}); build it first: npm run control-plane:build`);
  } else {
    const { upMs } = JSON.parse(up.stdout.trim().split('\n').pop());
    const upMedian = median(upMs);
    const e2eMs = time('npm', ['run', '--silent', 'e2e']);
    console.log('| control plane | time |');
    console.log('|---|---|');
    console.log(`| up and ready (median of ${upMs.length}) | ${(upMedian / 1000).toFixed(1)} s |`);
    console.log(`| warm npm run e2e, all examples × profiles | ${(e2eMs / 1000).toFixed(0)} s |`);
    console.log('');
    checks.push([`control plane up in ${(upMedian / 1000).toFixed(1)} s (target < 20 s)`, upMedian < 20000]);
    checks.push([`warm e2e took ${(e2eMs / 60000).toFixed(1)} min (target < 5 min)`, e2eMs < 300000]);
  }
}
for (const [text, ok] of checks) console.log(`${ok ? 'ok  ' : 'MISS'} ${text}`);
process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
