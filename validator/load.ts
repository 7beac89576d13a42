import * as fs from 'fs';
import * as path from 'path';
import { DocumentOptions, ParseOptions, SchemaOptions, parseAllDocuments } from 'yaml';
import { Manifest } from './types';

/** Exit codes of `npm run validate`. */
export const EXIT = {
  /** Every object passes every rule. */
  clean: 0,
  /** Some rule found something. */
  findings: 1,
  /** Unknown option or bad option value. */
  usage: 2,
  /** A path on the command line does not exist. */
  missingPath: 3,
  /** Nothing to check: a folder without YAML files, or files without any object. */
  nothingToCheck: 4,
  /** A file is not valid YAML. */
  notYaml: 5,
  /** A YAML document is not a Kubernetes object (no apiVersion and kind). */
  notKubernetes: 6,
  /** A bug in the validator. */
  internalError: 7,
} as const;

/** Input that cannot be checked: a one-line message and the exit code for it. */
export class InputError extends Error {
  constructor(message: string, public readonly exitCode: number) {
    super(message);
  }
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
/** Files that look like manifests but are inputs of other tools. */
const NOT_MANIFESTS = new Set(['kustomization.yaml', 'kustomization.yml', 'Chart.yaml', 'values.yaml', 'package.json', 'package-lock.json', 'tsconfig.json', 'cdk8s.yaml', 'construct-metadata.json']);

function walk(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...walk(full));
    else if (EXTENSIONS.has(path.extname(entry.name)) && !NOT_MANIFESTS.has(entry.name)) files.push(full);
  }
  return files;
}

/**
 * The files to check: each path is a file (checked whatever its name) or a folder (its .yaml,
 * .yml and .json files, recursively, skipping hidden folders and node_modules).
 */
export function collectFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      throw new InputError(`${p}: no such file or folder`, EXIT.missingPath);
    }
    if (stat.isDirectory()) {
      const found = walk(p);
      if (found.length === 0) throw new InputError(`${p}: no YAML files in this folder (looked for *.yaml, *.yml, *.json)`, EXIT.nothingToCheck);
      files.push(...found);
    } else {
      files.push(p);
    }
  }
  return [...new Set(files)];
}

/** Parses like kubectl does: YAML 1.1, where yes/no/on/off are booleans and 0644 is octal. */
const PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  // kubectl's YAML reader keeps timestamps and 1:20 as strings.
  customTags: (tags) => tags.filter((t) => typeof t === 'string' || (t.tag !== 'tag:yaml.org,2002:timestamp' && !('format' in t && t.format === 'TIME'))),
};

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'empty';
  if (typeof value !== 'object') return `the ${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
  return 'a mapping without apiVersion and kind';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Kubernetes objects in the text of one file; throws an InputError for anything else. */
export function parseManifests(file: string, text: string): Manifest[] {
  if (text.includes('\0')) throw new InputError(`${file}: not a YAML file (it is binary)`, EXIT.notYaml);
  const documents = parseAllDocuments(text, PARSE_OPTIONS);
  const manifests: Manifest[] = [];
  for (const [index, document] of (Array.isArray(documents) ? documents : [documents]).entries()) {
    const error = document.errors[0];
    if (error) {
      const line = error.linePos?.[0]?.line;
      const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw new InputError(`${file}${line ? `:${line}` : ''}: not valid YAML: ${reason}`, EXIT.notYaml);
    }
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    const where = `${file}: document ${index + 1}`;
    if (!isObject(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') {
      throw new InputError(`${where} is not a Kubernetes object: it is ${describe(value)}`, EXIT.notKubernetes);
    }
    if (value.kind === 'List' && Array.isArray(value.items)) {
      value.items.forEach((item, i) => {
        if (!isObject(item) || typeof item.apiVersion !== 'string' || typeof item.kind !== 'string') {
          throw new InputError(`${where}, items[${i}] is not a Kubernetes object: it is ${describe(item)}`, EXIT.notKubernetes);
        }
        manifests.push({ file, index, object: item });
      });
    } else {
      manifests.push({ file, index, object: value });
    }
  }
  return manifests;
}

/** Reads and parses one file. */
export function readManifests(file: string): Manifest[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, EXIT.missingPath);
  }
  return parseManifests(file, text);
}

/**
 * Groups files into sets that are checked together: each folder is one set (the layout of
 * dist/<profile>/), or all files are one set when `together` is set.
 */
export function groupByFolder(files: readonly string[], together: boolean): Map<string, string[]> {
  const sets = new Map<string, string[]>();
  for (const file of files) {
    const key = together ? '' : path.dirname(file);
    sets.set(key, [...(sets.get(key) ?? []), file]);
  }
  return sets;
}
