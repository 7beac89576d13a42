#!/usr/bin/env node
// Writes imports/gateway.networking.k8s.io.ts, the classes of the Gateway API kinds the examples
// use (GatewayClass, Gateway, HTTPRoute), exactly as `cdk8s import <crds.yaml>` writes them from
// those CustomResourceDefinitions. No download: the CRDs come from the Go module of the Gateway
// API project, which `go mod download` fetches once into the module cache (or finds there).
//
//   node scripts/import-gateway-api.js               # CRDs of sigs.k8s.io/gateway-api@<version>
//   node scripts/import-gateway-api.js --dir <dir>   # CRDs from a folder (config/crd/standard/)
//   node scripts/import-gateway-api.js --outdir <dir>  # write there instead of imports/
//
// The version is GATEWAY_API_VERSION below: change it, run this, and commit what it writes.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { parseArgs } = require('util');

/** The Gateway API release the imported classes follow. */
const GATEWAY_API_VERSION = 'v1.6.1';
/** The Go module that carries the release's CRDs, and where in it they are. */
const MODULE = 'sigs.k8s.io/gateway-api';
const CRD_FOLDER = path.join('config', 'crd', 'standard');
/** The kinds imported, by their CRD file: the full standard channel has ten, and the examples use three. */
const CRD_FILES = [
  'gateway.networking.k8s.io_gatewayclasses.yaml',
  'gateway.networking.k8s.io_gateways.yaml',
  'gateway.networking.k8s.io_httproutes.yaml',
];

function fail(message) {
  console.error(`import-gateway-api: ${message}`);
  process.exit(1);
}

let args;
try {
  args = parseArgs({ options: { dir: { type: 'string' }, outdir: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: false }).values;
} catch (err) {
  fail(`${err.message}; usage: node scripts/import-gateway-api.js [--dir <folder of CRD files>] [--outdir <folder>]`);
}
if (args.help) {
  console.log('usage: node scripts/import-gateway-api.js [--dir <folder of CRD files>] [--outdir <folder>]');
  console.log(`Imports ${CRD_FILES.length} Gateway API ${GATEWAY_API_VERSION} CRDs into imports/ (default: from the Go module ${MODULE}).`);
  process.exit(0);
}

/** The folder of the module's CRDs, from `go mod download -json` (which prints the module's Dir). */
function moduleCrdFolder() {
  let out;
  try {
    out = execFileSync('go', ['mod', 'download', '-json', `${MODULE}@${GATEWAY_API_VERSION}`], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GOFLAGS: '-mod=mod' },
    });
  } catch (err) {
    if (err.code === 'ENOENT') fail('go not found on PATH: install Go (https://go.dev/dl/), or pass --dir with a folder of the CRD files');
    // go prints the module's JSON with an Error field when the download fails.
    const reason = (() => { try { return JSON.parse(err.stdout).Error; } catch { return undefined; } })();
    fail(`go mod download ${MODULE}@${GATEWAY_API_VERSION} failed: ${reason ?? String(err.stderr || err.message).trim().split('\n')[0]}`);
  }
  const info = JSON.parse(out);
  if (!info.Dir) fail(`go mod download printed no Dir for ${MODULE}@${GATEWAY_API_VERSION}`);
  return path.join(info.Dir, CRD_FOLDER);
}

const folder = args.dir ?? moduleCrdFolder();
const texts = CRD_FILES.map((file) => {
  const at = path.join(folder, file);
  if (!fs.existsSync(at)) fail(`no ${file} in ${folder}`);
  return fs.readFileSync(at, 'utf8');
});

// cdk8s-cli does not export its importer; load it from the installed package. `cdk8s import
// crds.yaml` reads the file and hands its text to the same class.
const cli = path.dirname(require.resolve('cdk8s-cli/package.json'));
const { ImportCustomResourceDefinition } = require(path.join(cli, 'lib', 'import', 'crd.js'));
const { Language } = require(path.join(cli, 'lib', 'import', 'base.js'));

const root = path.resolve(__dirname, '..');
// One multi-document YAML, as one file of all three would be: the importer writes one module
// per API group, so separate imports would overwrite each other's gateway.networking.k8s.io.ts.
const importer = new ImportCustomResourceDefinition(texts.map((t) => `---\n${t}`).join('\n'));
importer.import({ targetLanguage: Language.TYPESCRIPT, outdir: args.outdir ?? path.join(root, 'imports') })
  .catch((err) => fail(err.message));
