// Derives the strict schema of a newer Kubernetes release from the files its own Go modules ship:
// k8s.io/kubernetes has api/openapi-spec/swagger.json (every served kind, field, type and format),
// and k8s.io/api has one zz_generated.prerelease-lifecycle.go per alpha and beta API version
// (the release that introduced, deprecated and removes each kind, and its replacement). The
// control plane build downloads both modules into the Go module cache; this reads them from
// there and never fetches anything.
//
//   npm run validate:schema
//
// writes validator/schema/k8s-1.36.json in the format of k8s-1.28.json; a test fails when that
// file is stale (and is skipped, saying why, where Go or the modules are missing).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { type Lifecycle, ROOT, type SchemaFile, type SchemaType } from './generate';

export const OPENAPI_VERSION = '1.36';
/** The modules the schema is read from: the release, and its k8s.io/api of the same minor. */
export const KUBERNETES_MODULE = 'k8s.io/kubernetes@v1.36.3';
export const API_MODULE = 'k8s.io/api@v0.36.3';
export const OPENAPI_OUTPUT = path.join(ROOT, 'validator', 'schema', `k8s-${OPENAPI_VERSION}.json`);

/**
 * Stable (v1, v2) kinds that this release serves and 1.28 did not, with the release in which
 * they became generally available. Stable versions carry no lifecycle tags, so this comes from
 * the release notes of each version (kubernetes.io/blog, "Kubernetes v1.N" release posts, and
 * CHANGELOG-1.N.md of kubernetes/kubernetes); a test checks that it names exactly the stable
 * kinds that are new since 1.28.
 */
export const STABLE_SINCE: Readonly<Record<string, string>> = {
  'admissionregistration.k8s.io/v1/MutatingAdmissionPolicy': '1.36',
  'admissionregistration.k8s.io/v1/MutatingAdmissionPolicyBinding': '1.36',
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': '1.30',
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': '1.30',
  'flowcontrol.apiserver.k8s.io/v1/FlowSchema': '1.29',
  'flowcontrol.apiserver.k8s.io/v1/PriorityLevelConfiguration': '1.29',
  'networking.k8s.io/v1/IPAddress': '1.33',
  'networking.k8s.io/v1/ServiceCIDR': '1.33',
  'resource.k8s.io/v1/DeviceClass': '1.34',
  'resource.k8s.io/v1/ResourceClaim': '1.34',
  'resource.k8s.io/v1/ResourceClaimTemplate': '1.34',
  'resource.k8s.io/v1/ResourceSlice': '1.34',
  'storage.k8s.io/v1/VolumeAttributesClass': '1.34',
};

/** Where `go mod download` keeps a module, or why it cannot say (no Go, module not in the cache). */
export function moduleDir(module: string, timeoutMs = 120_000): { dir?: string; reason?: string } {
  const result = spawnSync('go', ['mod', 'download', '-json', module], {
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    // Only the module cache: never the network.
    env: { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=mod' },
  });
  if (result.error) return { reason: `go is not available (${(result.error as NodeJS.ErrnoException).code ?? result.error.message})` };
  try {
    const info = JSON.parse(result.stdout) as { Dir?: string; Error?: string };
    if (info.Dir && fs.existsSync(info.Dir)) return { dir: info.Dir };
    return { reason: `${module} is not in the Go module cache${info.Error ? ` (${info.Error.split('\n')[0]})` : ''}` };
  } catch {
    return { reason: `go mod download ${module} failed: ${(result.stderr || '').split('\n')[0]}` };
  }
}

interface OpenApiProperty {
  readonly type?: string;
  readonly format?: string;
  readonly $ref?: string;
  readonly items?: OpenApiProperty;
  readonly additionalProperties?: OpenApiProperty;
  readonly properties?: Record<string, OpenApiProperty>;
}

interface OpenApiDefinition extends OpenApiProperty {
  readonly required?: string[];
  readonly 'x-kubernetes-group-version-kind'?: ReadonlyArray<{ group: string; version: string; kind: string }>;
}

/** Definitions that are scalars in JSON, by the validator's scalar names. */
const SCALAR_DEFINITIONS: Readonly<Record<string, string>> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': 'quantity',
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': 'int-or-string',
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': 'date-time',
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': 'date-time',
};

const REF = '#/definitions/';

/** Generates the schema from the text of swagger.json and the lifecycle files of k8s.io/api. */
export function generateOpenApiSchema(swaggerText: string, lifecycleFiles: ReadonlyArray<{ group: string; version: string; text: string }>): SchemaFile {
  const definitions = (JSON.parse(swaggerText) as { definitions: Record<string, OpenApiDefinition> }).definitions;
  const types: Record<string, SchemaType> = {};
  const pending: string[] = [];
  const want = (name: string) => {
    if (!Object.hasOwn(definitions, name)) throw new Error(`swagger.json has no definition ${name}`);
    if (!Object.hasOwn(types, name) && !pending.includes(name)) pending.push(name);
  };

  const typeOf = (p: OpenApiProperty, where: string): string => {
    if (p.$ref) {
      const name = p.$ref.slice(REF.length);
      if (Object.hasOwn(SCALAR_DEFINITIONS, name)) return SCALAR_DEFINITIONS[name];
      const d = definitions[name];
      if (!d) throw new Error(`unknown $ref ${p.$ref} at ${where}`);
      // Definitions without fields hold any JSON (RawExtension, FieldsV1, JSON, JSONSchemaPropsOr*).
      if (!d.properties && !d.additionalProperties) return 'any';
      want(name);
      return name;
    }
    switch (p.type) {
      case 'string': return p.format === 'byte' ? 'base64' : 'string';
      case 'boolean': return 'boolean';
      case 'integer': return p.format === 'int32' ? 'int32' : 'integer';
      case 'number': return 'number';
      case 'array': return `${p.items ? typeOf(p.items, `${where}[]`) : 'any'}[]`;
      case 'object': return p.additionalProperties ? `map<${typeOf(p.additionalProperties, `${where}{}`)}>` : 'any';
      case undefined: return 'any';
      default: throw new Error(`unexpected type ${p.type} at ${where}`);
    }
  };

  const kinds: Record<string, Record<string, string>> = {};
  for (const [name, d] of Object.entries(definitions)) {
    const gvks = d['x-kubernetes-group-version-kind'];
    // Types with several kinds (DeleteOptions, WatchEvent, Status) are not objects one applies.
    if (!gvks || gvks.length !== 1 || !d.properties?.metadata) continue;
    const { group, version, kind } = gvks[0];
    (kinds[group === '' ? version : `${group}/${version}`] ??= {})[kind] = name;
    want(name);
  }
  const objects = new Set(Object.values(kinds).flatMap((k) => Object.values(k)));
  while (pending.length > 0) {
    const name = pending.shift() as string;
    const d = definitions[name];
    const fields: Record<string, string> = {};
    for (const [field, p] of Object.entries(d.properties ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      if (objects.has(name) && (field === 'apiVersion' || field === 'kind' || field === 'status')) continue;
      fields[field] = typeOf(p, `${name}#${field}`);
    }
    const required = [...(d.required ?? [])].sort();
    types[name] = {
      ...(required.length > 0 ? { required } : {}),
      fields,
      ...(objects.has(name) ? { object: true as const } : {}),
    };
  }

  const sortedKinds = Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => a.localeCompare(b))
    .map(([v, k]) => [v, Object.fromEntries(Object.entries(k).sort(([a], [b]) => a.localeCompare(b)))]));
  return {
    comment: `Generated by validator/schema/openapi.ts from api/openapi-spec/swagger.json of ${KUBERNETES_MODULE} and the prerelease lifecycle of ${API_MODULE}. Do not edit: run \`npm run validate:schema\`.`,
    kinds: sortedKinds,
    types: Object.fromEntries(Object.entries(types).sort(([a], [b]) => a.localeCompare(b))),
    lifecycle: lifecycleOf(lifecycleFiles, sortedKinds),
  };
}

/**
 * The lifecycle of every alpha and beta kind of k8s.io/api (served or not), and of the stable
 * kinds added since 1.28: `group/version/Kind` -> introduced, deprecated, removed, replacement.
 */
function lifecycleOf(files: ReadonlyArray<{ group: string; version: string; text: string }>, kinds: Record<string, Record<string, string>>): Record<string, Lifecycle> {
  const found: Record<string, Lifecycle> = {};
  const FUNCTION = /func \(in \*(\w+)\) APILifecycle(Introduced|Deprecated|Removed|Replacement)\(\)[^{]*\{\s*return ([^\n}]+)/g;
  for (const { group, version, text } of files) {
    const apiVersion = group === '' ? version : `${group}/${version}`;
    const entries: Record<string, { introduced?: string; deprecated?: string; removed?: string; replacement?: string }> = {};
    for (const [, kind, what, value] of text.matchAll(FUNCTION)) {
      if (kind.endsWith('List')) continue;
      const entry = (entries[kind] ??= {});
      if (what === 'Replacement') {
        const gvk = /Group: "([^"]*)", Version: "([^"]*)", Kind: "([^"]*)"/.exec(value);
        if (gvk) entry.replacement = `${gvk[1] === '' ? gvk[2] : `${gvk[1]}/${gvk[2]}`} ${gvk[3]}`;
      } else {
        const release = /^(\d+), (\d+)/.exec(value.trim());
        if (release) entry[what.toLowerCase() as 'introduced' | 'deprecated' | 'removed'] = `${release[1]}.${release[2]}`;
      }
    }
    for (const [kind, entry] of Object.entries(entries)) found[`${apiVersion}/${kind}`] = entry;
  }
  for (const [key, since] of Object.entries(STABLE_SINCE)) {
    const slash = key.lastIndexOf('/');
    if (!kinds[key.slice(0, slash)]?.[key.slice(slash + 1)]) throw new Error(`STABLE_SINCE names ${key}, which swagger.json does not serve`);
    found[key] = { introduced: since };
  }
  return Object.fromEntries(Object.entries(found).sort(([a], [b]) => a.localeCompare(b)));
}

/** The lifecycle files of k8s.io/api: one per group and version, with the group's name from register.go. */
export function readLifecycleFiles(apiDir: string): Array<{ group: string; version: string; text: string }> {
  const files: Array<{ group: string; version: string; text: string }> = [];
  for (const groupDir of fs.readdirSync(apiDir).sort()) {
    const full = path.join(apiDir, groupDir);
    if (!fs.statSync(full).isDirectory()) continue;
    for (const version of fs.readdirSync(full).sort()) {
      const file = path.join(full, version, 'zz_generated.prerelease-lifecycle.go');
      const register = path.join(full, version, 'register.go');
      if (!fs.existsSync(file) || !fs.existsSync(register)) continue;
      const group = /const GroupName = "([^"]*)"/.exec(fs.readFileSync(register, 'utf8'))?.[1];
      if (group === undefined) continue;
      files.push({ group, version, text: fs.readFileSync(file, 'utf8') });
    }
  }
  return files;
}

/** Reads both modules from the Go module cache and generates; or says why it cannot. */
export function generateFromModules(timeoutMs?: number): { schema?: SchemaFile; reason?: string } {
  const kubernetes = moduleDir(KUBERNETES_MODULE, timeoutMs);
  if (!kubernetes.dir) return { reason: kubernetes.reason };
  const api = moduleDir(API_MODULE, timeoutMs);
  if (!api.dir) return { reason: api.reason };
  const swagger = fs.readFileSync(path.join(kubernetes.dir, 'api', 'openapi-spec', 'swagger.json'), 'utf8');
  return { schema: generateOpenApiSchema(swagger, readLifecycleFiles(api.dir)) };
}
