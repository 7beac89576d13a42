#!/usr/bin/env node
// npm run bench [-- --runs N]: how fast synth is, as ratios measured side by side in one run.
//
//   floor      node -e "require('cdk8s-plus-28')"   loading the library, the least any synth does
//   synth      node scripts/run.js main.ts          npm run synth, bundle reused
//   synth-edit node scripts/run.js main.ts          npm run synth just after a source change
//   ts-node    ts-node main.ts                      what `cdk8s init` puts in cdk8s.yaml
//
// The commands run interleaved (floor, synth, synth-edit, ts-node, floor, ...) so that load on the
// machine affects them alike; each figure is the median of the runs. Then one cold `npm test`
// (jest cache, tsc build info and ESLint cache cleared) is timed once.
// Targets: synth <= 3x the floor; cold npm test <= 20 s.
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
function parseOptions() {
  try {
    const { values } = util.parseArgs({ options: { runs: { type: 'string', default: '5' }, e2e: { type: 'boolean', default: false } } });
    return { runs: Number(values.runs), withE2e: values.e2e };
  } catch {
    return { runs: NaN, withE2e: false };
  }
}
const { runs, withE2e } = parseOptions();
if (!Number.isInteger(runs) || runs < 1) {
  console.error('usage: npm run bench -- [--runs N] [--e2e]');
  process.exit(2);
}
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
const bundleCache = path.join(root, 'node_modules', '.cache', 'run');

function time(command, args, before) {
  if (before) before();
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    console.error(`bench: ${command} ${args.join(' ')} failed: ${result.stderr.trim().split('\n')[0]}`);
    process.exit(1);
  }
  return ms;
}

const node = process.execPath;
const cases = [
  ['floor', () => time(node, ['-e', "require('cdk8s-plus-28')"])],
  ['synth', () => time(node, ['scripts/run.js', 'main.ts', '--outdir', outdir])],
  ['synth-edit', () => time(node, ['scripts/run.js', 'main.ts', '--outdir', outdir], () => fs.rmSync(bundleCache, { recursive: true, force: true }))],
  ['ts-node', () => time(node, [require.resolve('ts-node/dist/bin.js'), 'main.ts', '--outdir', outdir])],
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

time(node, ['scripts/run.js', 'main.ts', '--outdir', outdir]); // warm the bundle and the disk cache
const samples = Object.fromEntries(cases.map(([name]) => [name, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, measure] of cases) samples[name].push(measure());
}
const medians = Object.fromEntries(cases.map(([name]) => [name, median(samples[name])]));

fs.rmSync(path.join(root, 'node_modules', '.cache', 'tsc'), { recursive: true, force: true });
fs.rmSync(path.join(root, 'node_modules', '.cache', 'eslint'), { recursive: true, force: true });
time('npx', ['jest', '--clearCache']);
const testMs = time('npm', ['test', '--silent']);
fs.rmSync(outdir, { recursive: true, force: true });

const cpus = os.cpus();
console.log(`${new Date().toISOString().slice(0, 10)}, ${cpus.length} × ${cpus[0].model.trim()}, node ${process.version}, median of ${runs} runs`);
console.log('');
console.log('| command | median | × floor |');
console.log('|---|---|---|');
for (const [name] of cases) {
  console.log(`| ${name} | ${Math.round(medians[name])} ms | ${(medians[name] / medians.floor).toFixed(2)} |`);
}
console.log(`| npm test (cold) | ${(testMs / 1000).toFixed(1)} s | |`);
console.log('');
const checks = [
  [`synth is ${(medians.synth / medians.floor).toFixed(2)}× the floor (target ≤ 3×)`, medians.synth <= 3 * medians.floor],
  [`synth is ${(medians['ts-node'] / medians.synth).toFixed(1)}× faster than ts-node main.ts (target ≥ 5×)`, medians['ts-node'] >= 5 * medians.synth],
  [`cold npm test takes ${(testMs / 1000).toFixed(1)} s (target ≤ 20 s)`, testMs <= 20000],
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
