// Derives the strict Kubernetes 1.28 schema that the validator checks against from
// imports/k8s.ts, which `cdk8s import k8s@1.28.0` generated from the official API definitions:
// its interfaces know every field, which ones are required and their types, its `@schema` tags
// the official names, and its API classes every apiVersion and kind.
//
//   npm run validate:schema
//
// writes validator/schema/k8s-1.28.json; a test fails when that file is stale.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/** The project's root: up from this file, or from the bundle scripts/run.js made of it (under node_modules/.cache). */
function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'imports', 'k8s.ts')) && fs.existsSync(path.join(dir, 'validator'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, '..', '..');
  }
}

export const ROOT = findRoot(__dirname);
export const SOURCE = path.join(ROOT, 'imports', 'k8s.ts');
export const OUTPUT = path.join(ROOT, 'validator', 'schema', 'k8s-1.28.json');

/**
 * What the TypeScript types cannot say. They have one `number` for integers and floats: the
 * official definitions use floats only for these three fields (everything else is int32/int64).
 */
const FLOAT_FIELDS = new Set([
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps#maximum',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps#minimum',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps#multipleOf',
]);

/** ...and one `string` for text and base64 (format "byte"): these fields hold base64. */
const BASE64_FIELDS = new Set([
  'io.k8s.api.core.v1.Secret#data',
  'io.k8s.api.core.v1.ConfigMap#binaryData',
  'io.k8s.api.admissionregistration.v1.WebhookClientConfig#caBundle',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.WebhookClientConfig#caBundle',
  'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIServiceSpec#caBundle',
  'io.k8s.api.certificates.v1.CertificateSigningRequestSpec#request',
]);

/** The generated file: every API kind and every object type, with its fields. */
export interface SchemaFile {
  readonly comment: string;
  /** apiVersion -> kind -> the type of that object. */
  readonly kinds: Record<string, Record<string, string>>;
  /** Official type name -> required fields and field types. */
  readonly types: Record<string, SchemaType>;
  /** `apiVersion/Kind` -> when the kind came and goes (alpha and beta kinds, and stable ones added later). */
  readonly lifecycle?: Record<string, Lifecycle>;
}

/** The releases in which a kind of one apiVersion was introduced, deprecated and removed, e.g. `1.29`. */
export interface Lifecycle {
  readonly introduced?: string;
  readonly deprecated?: string;
  readonly removed?: string;
  /** What to use instead: `apiVersion Kind`. */
  readonly replacement?: string;
}

export interface SchemaType {
  /** Fields that must be present. */
  readonly required?: string[];
  /**
   * JSON field name -> type: `string`, `integer`, `int32`, `number`, `boolean`, `any`, `int-or-string`,
   * `quantity`, `date-time`, `base64`, an official type name, or `T[]` (a list) or `map<T>`
   * (an object with string keys).
   */
  readonly fields: Record<string, string>;
  /** Whether it is a top-level API object (it may also carry apiVersion, kind and status). */
  readonly object?: true;
}

function schemaTag(node: ts.Node): string | undefined {
  for (const tag of ts.getJSDocTags(node)) {
    if (tag.tagName.text === 'schema' && typeof tag.comment === 'string') return tag.comment.trim();
  }
  return undefined;
}

/** Generates the schema from the text of imports/k8s.ts. */
export function generateSchema(sourceText: string): SchemaFile {
  const source = ts.createSourceFile('k8s.ts', sourceText, ts.ScriptTarget.Latest, true);
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  const enums = new Set<string>();
  const kinds: Array<{ apiVersion: string; kind: string; props: string }> = [];

  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement)) interfaces.set(statement.name.text, statement);
    else if (ts.isEnumDeclaration(statement)) enums.add(statement.name.text);
    else if (ts.isClassDeclaration(statement) && statement.heritageClauses?.some((h) => h.getText(source).includes('ApiObject'))) {
      kinds.push(apiClass(statement, source));
    }
  }

  const officialName = (tsName: string): string => {
    const declaration = interfaces.get(tsName);
    const tag = declaration && schemaTag(declaration);
    if (!tag) throw new Error(`interface ${tsName} has no @schema tag`);
    return tag;
  };

  const typeExpression = (node: ts.TypeNode, field: string): string => {
    if (ts.isArrayTypeNode(node)) return `${typeExpression(node.elementType, field)}[]`;
    if (ts.isTypeLiteralNode(node)) {
      const index = node.members.find(ts.isIndexSignatureDeclaration);
      if (!index || node.members.length !== 1) throw new Error(`unexpected type literal at ${field}`);
      return `map<${typeExpression(index.type, field)}>`;
    }
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword: return BASE64_FIELDS.has(field) ? 'base64' : 'string';
      case ts.SyntaxKind.BooleanKeyword: return 'boolean';
      case ts.SyntaxKind.NumberKeyword: return FLOAT_FIELDS.has(field) ? 'number' : 'integer';
      case ts.SyntaxKind.AnyKeyword: return 'any';
      default: break;
    }
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
      const name = node.typeName.text;
      if (name === 'IntOrString') return 'int-or-string';
      if (name === 'Quantity') return 'quantity';
      if (name === 'Date') return 'date-time';
      if (enums.has(name)) return 'string';
      if (interfaces.has(name)) return officialName(name);
    }
    throw new Error(`unexpected type "${node.getText(source)}" at ${field}`);
  };

  const types: Record<string, SchemaType> = {};
  const objectProps = new Set(kinds.map((k) => k.props));
  for (const [tsName, declaration] of [...interfaces].sort(([a], [b]) => a.localeCompare(b))) {
    const name = officialName(tsName);
    const required: string[] = [];
    const fields: Record<string, string> = {};
    for (const member of declaration.members) {
      if (!ts.isPropertySignature(member) || !member.type) throw new Error(`unexpected member in ${tsName}`);
      const tag = schemaTag(member);
      if (!tag || !tag.startsWith(`${name}#`)) throw new Error(`${tsName}.${member.name.getText(source)} has no @schema tag of ${name}`);
      const jsonName = tag.slice(name.length + 1);
      fields[jsonName] = typeExpression(member.type, tag);
      if (!member.questionToken) required.push(jsonName);
    }
    if (types[name]) throw new Error(`two interfaces for ${name}`);
    types[name] = {
      ...(required.length > 0 ? { required: required.sort() } : {}),
      fields: Object.fromEntries(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b))),
      ...(objectProps.has(tsName) ? { object: true as const } : {}),
    };
  }

  const kindMap: Record<string, Record<string, string>> = {};
  for (const { apiVersion, kind, props } of kinds.sort((a, b) => `${a.apiVersion} ${a.kind}`.localeCompare(`${b.apiVersion} ${b.kind}`))) {
    (kindMap[apiVersion] ??= {})[kind] = officialName(props);
  }
  return {
    comment: 'Generated by validator/schema/generate.ts from imports/k8s.ts (cdk8s import k8s@1.28.0). Do not edit: run `npm run validate:schema`.',
    kinds: kindMap,
    types,
  };
}

/** apiVersion, kind and props interface of one API class such as KubeDeployment. */
function apiClass(declaration: ts.ClassDeclaration, source: ts.SourceFile): { apiVersion: string; kind: string; props: string } {
  const name = declaration.name?.text ?? '(anonymous)';
  let apiVersion: string | undefined;
  let kind: string | undefined;
  let props: string | undefined;
  for (const member of declaration.members) {
    if (ts.isPropertyDeclaration(member) && member.name.getText(source) === 'GVK' && member.initializer && ts.isObjectLiteralExpression(member.initializer)) {
      for (const p of member.initializer.properties) {
        if (!ts.isPropertyAssignment(p) || !ts.isStringLiteral(p.initializer)) continue;
        if (p.name.getText(source) === 'apiVersion') apiVersion = p.initializer.text;
        if (p.name.getText(source) === 'kind') kind = p.initializer.text;
      }
    }
    if (ts.isConstructorDeclaration(member)) {
      const type = member.parameters.find((p) => p.name.getText(source) === 'props')?.type;
      if (type && ts.isTypeReferenceNode(type)) props = type.typeName.getText(source);
    }
  }
  if (!apiVersion || !kind || !props) throw new Error(`cannot read apiVersion, kind and props of class ${name}`);
  return { apiVersion, kind, props };
}

/** The file's text: stable key order, one type per line, so diffs stay readable. */
export function renderSchema(schema: SchemaFile): string {
  const lines = ['{', `  "comment": ${JSON.stringify(schema.comment)},`, '  "kinds": {'];
  const versions = Object.entries(schema.kinds);
  versions.forEach(([version, kinds], i) => lines.push(`    ${JSON.stringify(version)}: ${JSON.stringify(kinds)}${i < versions.length - 1 ? ',' : ''}`));
  lines.push('  },', '  "types": {');
  const types = Object.entries(schema.types);
  types.forEach(([name, type], i) => lines.push(`    ${JSON.stringify(name)}: ${JSON.stringify(type)}${i < types.length - 1 ? ',' : ''}`));
  if (schema.lifecycle) {
    lines.push('  },', '  "lifecycle": {');
    const entries = Object.entries(schema.lifecycle);
    entries.forEach(([key, entry], i) => lines.push(`    ${JSON.stringify(key)}: ${JSON.stringify(entry)}${i < entries.length - 1 ? ',' : ''}`));
  }
  lines.push('  }', '}', '');
  return lines.join('\n');
}
