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
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const util = require('util');

const root = path.resolve(__dirname, '..');
function runsOption() {
  try {
    const { values } = util.parseArgs({ options: { runs: { type: 'string', default: '5' } } });
    return Number(values.runs);
  } catch {
    return NaN;
  }
}
const runs = runsOption();
if (!Number.isInteger(runs) || runs < 1) {
  console.error('usage: npm run bench -- [--runs N]');
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
for (const [text, ok] of checks) console.log(`${ok ? 'ok  ' : 'MISS'} ${text}`);
process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
