#!/usr/bin/env node
// Writes imports/k8s.ts exactly as `cdk8s import k8s@<version>` does, from a local copy of
// the schema instead of a download: useful behind a proxy or without internet.
//
//   node scripts/import-k8s-offline.js <path/to/_definitions.json> [version]
//
// The schema file is cdk8s' own `kubernetes-schemas/v<version>/_definitions.json`.
// The version defaults to the `k8s@...` entry of cdk8s.yaml.
'use strict';
const fs = require('fs');
const path = require('path');

function fail(message) {
  console.error(`import-k8s-offline: ${message}`);
  process.exit(1);
}

const [schemaPath, versionArg] = process.argv.slice(2);
if (!schemaPath) fail('usage: node scripts/import-k8s-offline.js <path/to/_definitions.json> [version]');
if (!fs.existsSync(schemaPath)) fail(`no schema file at ${schemaPath}`);

const root = path.resolve(__dirname, '..');
const configured = /k8s@(\d+\.\d+\.\d+)/.exec(fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf8'));
const version = versionArg ?? (configured && configured[1]);
if (!version) fail('no version given and no k8s@x.y.z import in cdk8s.yaml');

// cdk8s-cli does not export its importer; load it from the installed package.
const cli = path.dirname(require.resolve('cdk8s-cli/package.json'));
const util = require(path.join(cli, 'lib', 'util.js'));
const { ImportKubernetesApi } = require(path.join(cli, 'lib', 'import', 'k8s.js'));
const { Language } = require(path.join(cli, 'lib', 'import', 'base.js'));

// The importer asks util.download() for a GitHub URL; answer with the local file.
const online = util.download;
util.download = async (url) => url.endsWith(`/v${version}/_definitions.json`)
  ? fs.promises.readFile(schemaPath, 'utf8')
  : online(url);

new ImportKubernetesApi({ apiVersion: version })
  .import({ targetLanguage: Language.TYPESCRIPT, outdir: path.join(root, 'imports') })
  .catch((err) => fail(err.message));
