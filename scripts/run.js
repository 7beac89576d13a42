#!/usr/bin/env node
// Runs a TypeScript entry point without type-checking it: esbuild bundles the entry with the
// project's own sources (node_modules stay external) into one CommonJS file, which runs in this
// same process. Bundling drops what the entry does not use, such as most of imports/k8s.ts, and
// the bundle is reused until one of its source files changes.
// Type-checking is `npm run build` (tsc), part of `npm test`.
//
//   node scripts/run.js <entry.ts> [args...]
'use strict';
const fs = require('fs');
const path = require('path');

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run.js <entry.ts> [args...]');
  process.exit(2);
}
const root = path.resolve(__dirname, '..');
const entryPath = path.resolve(entry);
const key = path.relative(root, entryPath).replace(/\.ts$/, '').replace(/[\\/]/g, '__');
const outfile = path.join(root, 'node_modules', '.cache', 'run', `${key}.js`);
const metafile = `${outfile}.inputs.json`;

/** Whether the bundle exists and is newer than every file it was built from. */
function upToDate() {
  try {
    const built = fs.statSync(outfile).mtimeMs;
    const inputs = JSON.parse(fs.readFileSync(metafile, 'utf8'));
    return inputs.every((file) => fs.statSync(path.join(root, file)).mtimeMs <= built);
  } catch {
    return false;
  }
}

if (!upToDate()) {
  const result = require('esbuild').buildSync({
    entryPoints: [entryPath],
    outfile,
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  // Write, then rename: another process may be reading the previous bundle at this moment.
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  for (const [file, text] of [[outfile, result.outputFiles[0].contents], [metafile, JSON.stringify(Object.keys(result.metafile.inputs))]]) {
    fs.writeFileSync(`${file}.${process.pid}`, text);
    fs.renameSync(`${file}.${process.pid}`, file);
  }
}
process.argv = [process.argv[0], entryPath, ...args];
require(outfile);
