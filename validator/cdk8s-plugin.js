// Loads the validator for cdk8s-cli, which requires plain JavaScript: esbuild bundles
// cdk8s-plugin.ts with the project's sources (node_modules stay external), as scripts/run.js
// does for commands, and this module exports what it exports. See cdk8s-plugin.ts for cdk8s.yaml.
'use strict';
const Module = require('module');
const path = require('path');

const entry = path.join(__dirname, 'cdk8s-plugin.ts');
const { outputFiles } = require('esbuild').buildSync({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  write: false,
  logLevel: 'warning',
});
const bundle = new Module(entry, module);
bundle.filename = entry;
bundle.paths = Module._nodeModulePaths(__dirname);
bundle._compile(outputFiles[0].text, entry);
module.exports = bundle.exports;
