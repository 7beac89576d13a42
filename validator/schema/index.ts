// Checks objects against the strict schema of a Kubernetes release: k8s-1.28.json (generated
// from imports/k8s.ts by generate.ts) or k8s-1.36.json (from the release's swagger.json by
// openapi.ts): unknown fields, wrong types, missing required fields.
import { parseQuantity } from '../quantity';
import type { Lifecycle, SchemaFile } from './generate';

/** The Kubernetes releases whose API the validator knows, oldest first. */
export const KUBERNETES_VERSIONS = ['1.28', '1.36'] as const;
export type KubernetesVersion = typeof KUBERNETES_VERSIONS[number];

const loaded = new Map<KubernetesVersion, SchemaFile>();

/** The schema of a release, read once. */
export function schema(version: KubernetesVersion = '1.28'): SchemaFile {
  let file = loaded.get(version);
  if (!file) {
    // Requires of literal names, so that esbuild bundles the JSON with the validator.
    file = (version === '1.28' ? require('./k8s-1.28.json') : require('./k8s-1.36.json')) as SchemaFile;
    loaded.set(version, file);
  }
  return file;
}

/**
 * Kinds that 1.28 served but imports/k8s.ts lacks: cdk8s import keeps one of two kinds with the
 * same name (events.k8s.io/v1 Event over the core one). They are checked with the newer schema.
 */
const NOT_IMPORTED_IN_1_28: ReadonlySet<string> = new Set(['v1/Event']);

/** The type of the objects of that apiVersion and kind, if that release has it. */
export function typeOfKind(apiVersion: string, kind: string, version: KubernetesVersion = '1.28'): string | undefined {
  const kinds = schema(version).kinds;
  if (typeof apiVersion === 'string' && typeof kind === 'string' && Object.hasOwn(kinds, apiVersion) && Object.hasOwn(kinds[apiVersion], kind)) return kinds[apiVersion][kind];
  if (version === '1.28' && NOT_IMPORTED_IN_1_28.has(`${apiVersion}/${kind}`)) return typeOfKind(apiVersion, kind, '1.36');
  return undefined;
}

/** The schema whose types describe that type name: the release's own, or the newer one for kinds 1.28 did not import. */
export function schemaOfType(type: string, version: KubernetesVersion): KubernetesVersion {
  return Object.hasOwn(schema(version).types, type) ? version : KUBERNETES_VERSIONS[KUBERNETES_VERSIONS.length - 1];
}

/** Every apiVersion that serves this kind in that release. */
export function versionsOfKind(group: string, kind: string, version: KubernetesVersion = '1.28'): string[] {
  return Object.entries(schema(version).kinds)
    .filter(([apiVersion, kinds]) => groupOf(apiVersion) === group && Object.hasOwn(kinds, kind))
    .map(([apiVersion]) => apiVersion);
}

/** Whether that release has this group at all ('' is the core group). */
export function isBuiltInGroup(group: string, version: KubernetesVersion = '1.28'): boolean {
  return Object.keys(schema(version).kinds).some((apiVersion) => groupOf(apiVersion) === group);
}

/** When a kind of an apiVersion was introduced, deprecated and removed, as far as the newest schema knows. */
export function lifecycleOf(apiVersion: string, kind: string): Lifecycle | undefined {
  const lifecycle = schema(KUBERNETES_VERSIONS[KUBERNETES_VERSIONS.length - 1]).lifecycle ?? {};
  const key = `${apiVersion}/${kind}`;
  return Object.hasOwn(lifecycle, key) ? lifecycle[key] : undefined;
}

/** Compares releases such as `1.9` and `1.28`. */
export function compareVersions(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am - bm || an - bn;
}

/** The group of an apiVersion: `apps` for `apps/v1`, '' for `v1`. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** One problem the schema finds. */
export interface SchemaProblem {
  readonly kind: 'unknown-field' | 'field-type' | 'required-field';
  readonly path: string;
  readonly message: string;
}

type Node =
  | { readonly k: 'scalar'; readonly name: string }
  | { readonly k: 'list'; readonly of: Node }
  | { readonly k: 'map'; readonly of: Node }
  | { readonly k: 'object'; readonly name: string };

const SCALARS = new Set(['string', 'integer', 'int32', 'number', 'boolean', 'any', 'int-or-string', 'quantity', 'date-time', 'base64']);
const parsed = new Map<string, Node>();

function parse(type: string): Node {
  let node = parsed.get(type);
  if (!node) {
    if (type.endsWith('[]')) node = { k: 'list', of: parse(type.slice(0, -2)) };
    else if (type.startsWith('map<') && type.endsWith('>')) node = { k: 'map', of: parse(type.slice(4, -1)) };
    else if (SCALARS.has(type)) node = { k: 'scalar', name: type };
    else node = { k: 'object', name: type };
    parsed.set(type, node);
  }
  return node;
}

/** The short name of a type, e.g. `Container` for `io.k8s.api.core.v1.Container`. */
function shortName(type: string): string {
  return type.slice(type.lastIndexOf('.') + 1);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 37)}...` : text}`;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** What a scalar must be, or undefined when the value fits. */
function scalarProblem(name: string, value: unknown): string | undefined {
  switch (name) {
    case 'any': return undefined;
    case 'string': return typeof value === 'string' ? undefined : 'a string';
    case 'boolean': return typeof value === 'boolean' ? undefined : 'true or false';
    case 'integer': case 'int32': return Number.isInteger(value) ? undefined : 'an integer';
    case 'number': return typeof value === 'number' && Number.isFinite(value) ? undefined : 'a number';
    case 'int-or-string': return Number.isInteger(value) || typeof value === 'string' ? undefined : 'an integer or a string';
    case 'quantity': return parseQuantity(value) !== undefined ? undefined : 'a quantity such as 250m, 0.5, 64Mi or 1G';
    case 'date-time': return typeof value === 'string' && DATE_TIME.test(value) ? undefined : 'an RFC 3339 date and time such as 2024-01-31T12:00:00Z';
    case 'base64': {
      const text = typeof value === 'string' ? value.replace(/[\r\n]/g, '') : undefined;
      return text !== undefined && text.length % 4 === 0 && BASE64.test(text) ? undefined : 'base64 text (use stringData for plain text)';
    }
    default: return `a ${name}`;
  }
}

/** Edit distance with transpositions (optimal string alignment), for "did you mean". */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (__, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

function suggestion(field: string, known: readonly string[]): string {
  const lower = field.toLowerCase();
  const most = Math.max(1, Math.floor(field.length / 4));
  // The distance is at least the difference in length: only names of about the same length are
  // compared, so a long unknown field costs no more than a short one.
  const best = known
    .filter((k) => Math.abs(k.length - field.length) <= most)
    .map((k) => ({ k, d: k.toLowerCase() === lower ? 0 : distance(field, k) }))
    .filter(({ d }) => d <= most)
    .sort((a, b) => a.d - b.d)[0];
  return best ? ` (did you mean "${best.k}"?)` : '';
}

const TOP_LEVEL = { apiVersion: 'string', kind: 'string', status: 'any' };

/** Checks a value against a type; appends what is wrong to `problems`. */
function check(value: unknown, node: Node, path: string, problems: SchemaProblem[], types: SchemaFile['types']): void {
  switch (node.k) {
    case 'scalar': {
      const wanted = scalarProblem(node.name, value);
      if (wanted) problems.push({ kind: 'field-type', path, message: `must be ${wanted}, found ${describe(value)}` });
      return;
    }
    case 'list':
      if (!Array.isArray(value)) {
        problems.push({ kind: 'field-type', path, message: `must be a list, found ${describe(value)}` });
        return;
      }
      value.forEach((item, i) => check(item, node.of, `${path}[${i}]`, problems, types));
      return;
    case 'map':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.push({ kind: 'field-type', path, message: `must be an object of key: value pairs, found ${describe(value)}` });
        return;
      }
      for (const [key, item] of Object.entries(value)) check(item, node.of, `${path}${/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`, problems, types);
      return;
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.push({ kind: 'field-type', path, message: `must be an object (${shortName(node.name)}), found ${describe(value)}` });
        return;
      }
      const type = Object.hasOwn(types, node.name) ? types[node.name] : undefined;
      if (!type) return;
      const fields: Record<string, string> = type.object ? { ...TOP_LEVEL, ...type.fields } : type.fields;
      const prefix = path === '' ? '' : `${path}.`;
      for (const [key, item] of Object.entries(value)) {
        const fieldType = Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : undefined;
        if (fieldType === undefined) {
          problems.push({ kind: 'unknown-field', path: `${prefix}${key}`, message: `is not a field of ${shortName(node.name)}${suggestion(key, Object.keys(fields))}` });
        } else if (item !== null) {
          check(item, parse(fieldType), `${prefix}${key}`, problems, types);
        }
      }
      for (const key of type.required ?? []) {
        const item = (value as Record<string, unknown>)[key];
        if (item === undefined || item === null) {
          problems.push({ kind: 'required-field', path: `${prefix}${key}`, message: `is required in ${shortName(node.name)}` });
        }
      }
      return;
    }
  }
}

/** Checks one object of a known kind; apiVersion and kind are the caller's business. */
export function checkObject(object: unknown, type: string, version: KubernetesVersion = '1.28'): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  check(object, parse(type), '', problems, schema(schemaOfType(type, version)).types);
  return problems;
}

/** A scalar found by walking an object along its type: where, the field's name, its type and value. */
export interface TypedScalar {
  readonly path: string;
  readonly field: string;
  readonly type: string;
  readonly value: unknown;
}

/** Every scalar of an object whose schema type is known, with the type the release gives it. */
export function scalarsOf(object: unknown, type: string, version: KubernetesVersion): TypedScalar[] {
  const types = schema(schemaOfType(type, version)).types;
  const found: TypedScalar[] = [];
  const walk = (value: unknown, node: Node, path: string, field: string): void => {
    if (value === null || value === undefined) return;
    if (node.k === 'scalar') {
      found.push({ path, field, type: node.name, value });
    } else if (node.k === 'list') {
      if (Array.isArray(value)) value.forEach((item, i) => walk(item, node.of, `${path}[${i}]`, field));
    } else if (typeof value === 'object' && !Array.isArray(value)) {
      const known = node.k === 'object' ? (Object.hasOwn(types, node.name) ? types[node.name].fields : {}) : undefined;
      for (const [key, item] of Object.entries(value)) {
        const here = `${path === '' ? '' : path}${/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path === '' ? '' : '.'}${key}` : `[${JSON.stringify(key)}]`}`;
        if (node.k === 'map') walk(item, node.of, here, field);
        else if (known && Object.hasOwn(known, key)) walk(item, parse(known[key]), here, key);
      }
    }
  };
  walk(object, parse(type), '', '');
  return found;
}
