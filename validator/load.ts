import * as fs from 'fs';
import * as path from 'path';
import { Composer, DocumentOptions, LineCounter, ParseOptions, Parser, SchemaOptions, isAlias, isMap, isScalar, isSeq } from 'yaml';
import { Manifest } from './types';

/** Exit codes of `npm run validate`. */
export const EXIT = {
  /** Every object passes every rule. */
  clean: 0,
  /** Some rule found something. */
  findings: 1,
  /** Unknown option or bad option value. */
  usage: 2,
  /** A path does not exist, or cannot be read as a file or folder (a FIFO, a device, no permission). */
  missingPath: 3,
  /** Nothing to check: a folder without YAML files, or files without any object. */
  nothingToCheck: 4,
  /** A file is not valid YAML. */
  notYaml: 5,
  /** A YAML document is not a Kubernetes object (no apiVersion and kind). */
  notKubernetes: 6,
  /** A bug in the validator. */
  internalError: 7,
  /** An input is over a limit: the size of a file or of all files, alias expansion, nesting depth. */
  overLimit: 8,
  /** --context: kubectl is missing, or cannot reach the cluster of that context. */
  server: 9,
} as const;

/** Input that cannot be checked: a one-line message and the exit code for it. */
export class InputError extends Error {
  constructor(message: string, public readonly exitCode: number) {
    super(message);
  }
}

/** How much the validator reads, so that no input can take unbounded time or memory. */
export interface ReadLimits {
  /** The largest file, in bytes. @default 16 MiB */
  readonly maxFileBytes: number;
  /** All files together, in bytes. @default 64 MiB */
  readonly maxTotalBytes: number;
}

export const DEFAULT_LIMITS: ReadLimits = { maxFileBytes: 16 * 2 ** 20, maxTotalBytes: 64 * 2 ** 20 };

/** How a size is shown in messages: `16Mi`, `1500000 bytes`. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes} bytes`;
}

/** A YAML document may nest values at most this deep (Kubernetes objects need a few dozen levels). */
export const MAX_DEPTH = 256;
/** A YAML document may hold at most this many aliases (`*name`). */
export const MAX_ALIASES = 10_000;
/** Aliases may expand a file to at most this many values, or its size in bytes if larger. */
export const MAX_EXPANDED_VALUES = 1_000_000;

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
/** Files that look like manifests but are inputs of other tools. */
const NOT_MANIFESTS = new Set(['kustomization.yaml', 'kustomization.yml', 'Chart.yaml', 'values.yaml', 'package.json', 'package-lock.json', 'tsconfig.json', 'cdk8s.yaml', 'construct-metadata.json']);

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? String((err as Error)?.message ?? err);
}

/** What a file system entry is, for messages. */
function describeStat(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  if (stat.isDirectory()) return 'a folder';
  return 'not a regular file';
}

function notRegular(file: string, stat: fs.Stats): InputError {
  return new InputError(`${file}: cannot check it: it is ${describeStat(stat)}, not a regular file`, EXIT.missingPath);
}

function walk(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new InputError(`${dir}: cannot read this folder (${errorCode(err)})`, EXIT.missingPath);
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    // Folders are walked, symbolic links to folders are not (no loops); every other entry with a
    // manifest's name is read, and refused there unless it is a regular file (or a link to one).
    if (entry.isDirectory()) for (const file of walk(full)) files.push(file);
    else if (EXTENSIONS.has(path.extname(entry.name)) && !NOT_MANIFESTS.has(entry.name) && !isLinkToFolder(full, entry)) files.push(full);
  }
  return files;
}

function isLinkToFolder(file: string, entry: fs.Dirent): boolean {
  if (!entry.isSymbolicLink()) return false;
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false; // a broken link: reading it says so
  }
}

/**
 * The files to check: each path is a file (checked whatever its name) or a folder (its .yaml,
 * .yml and .json files, recursively, skipping hidden folders, node_modules and links to folders).
 */
export function collectFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (err) {
      const code = errorCode(err);
      throw new InputError(code === 'ENOENT' || code === 'ENOTDIR' ? `${p}: no such file or folder` : `${p}: cannot read it (${code})`, EXIT.missingPath);
    }
    if (stat.isDirectory()) {
      const found = walk(p);
      if (found.length === 0) throw new InputError(`${p}: no YAML files in this folder (looked for *.yaml, *.yml, *.json)`, EXIT.nothingToCheck);
      for (const file of found) files.push(file);
    } else if (stat.isFile()) {
      files.push(p);
    } else {
      throw notRegular(p, stat);
    }
  }
  return [...new Set(files)];
}

/** Bytes left to read across all files; one per run of the validator. */
export class ReadBudget {
  private read = 0;

  constructor(public readonly limits: ReadLimits = DEFAULT_LIMITS) {}

  /** Whether the files read so far are over the limit. */
  get exhausted(): boolean {
    return this.read > this.limits.maxTotalBytes;
  }

  /** Counts bytes of a file; throws when all files together are over the limit. */
  take(file: string, bytes: number): void {
    this.read += bytes;
    if (this.exhausted) {
      throw new InputError(`${file}: the files together are over the limit of ${formatBytes(this.limits.maxTotalBytes)} (raise it with --max-total-size)`, EXIT.overLimit);
    }
  }
}

function overFileLimit(file: string, limits: ReadLimits): InputError {
  return new InputError(`${file}: the file is over the limit of ${formatBytes(limits.maxFileBytes)} for one file (raise it with --max-file-size)`, EXIT.overLimit);
}

/**
 * The text of one regular file, read without blocking: a FIFO, device or socket is refused
 * before anything is read from it, and no more than the limits is read, whatever the file
 * claims its size is.
 */
export function readText(file: string, budget: ReadBudget = new ReadBudget()): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO does not wait for a writer (it is refused just below).
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = errorCode(err);
    throw new InputError(code === 'ENOENT' ? `${file}: no such file or folder` : `${file}: cannot read it (${code})`, EXIT.missingPath);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw notRegular(file, stat);
    const limits = budget.limits;
    if (stat.size > limits.maxFileBytes) throw overFileLimit(file, limits);
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, limits.maxFileBytes + 1 - size));
      let n: number;
      try {
        n = fs.readSync(fd, chunk, 0, chunk.length, null);
      } catch (err) {
        throw new InputError(`${file}: cannot read it (${errorCode(err)})`, EXIT.missingPath);
      }
      if (n === 0) break;
      size += n;
      if (size > limits.maxFileBytes) throw overFileLimit(file, limits);
      budget.take(file, n);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, size).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** Parses like kubectl does: YAML 1.1, where yes/no/on/off are booleans and 0644 is octal. */
const PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  // kubectl's YAML reader keeps timestamps and 1:20 as strings.
  customTags: (tags) => tags.filter((t) => typeof t === 'string' || (t.tag !== 'tag:yaml.org,2002:timestamp' && !('format' in t && t.format === 'TIME'))),
  // The parser's own check compares each key with every other (quadratic): scanDocument() does it.
  uniqueKeys: false,
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

/**
 * One pass over the parsed document, before its values are built: the first key that a mapping
 * repeats (with its offset in the text), and how many aliases it has.
 */
function scanDocument(contents: unknown): { duplicate?: { key: unknown; offset: number }; aliases: number } {
  let aliases = 0;
  const stack: unknown[] = [contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) {
      aliases++;
    } else if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          if (seen.has(pair.key.value)) return { duplicate: { key: pair.key.value, offset: pair.key.range?.[0] ?? 0 }, aliases };
          seen.add(pair.key.value);
        } else {
          stack.push(pair.key);
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return { aliases };
}

/**
 * Walks a parsed value without recursion: throws when it nests deeper than MAX_DEPTH, when an
 * alias makes it contain itself, or when it holds more than `budget.left` values (aliases
 * expanded: a value reached twice counts twice, as every later reader would see it twice).
 */
function checkShape(value: unknown, where: string, budget: { left: number; limit: number }): void {
  const stack: Array<{ node: unknown; depth: number; leave?: true }> = [{ node: value, depth: 1 }];
  const ancestors = new Set<object>();
  while (stack.length > 0) {
    const { node, depth, leave } = stack.pop()!;
    if (leave) {
      ancestors.delete(node as object);
      continue;
    }
    if (--budget.left < 0) {
      throw new InputError(`${where}: its aliases expand it to more than ${budget.limit} values (an alias bomb?): write the repeated parts out`, EXIT.overLimit);
    }
    if (typeof node !== 'object' || node === null) continue;
    if (ancestors.has(node)) throw new InputError(`${where}: not valid YAML: an alias refers to a value that contains it (a cycle)`, EXIT.notYaml);
    if (depth > MAX_DEPTH) throw new InputError(`${where}: values nest more than ${MAX_DEPTH} levels deep, over the limit`, EXIT.overLimit);
    ancestors.add(node);
    stack.push({ node, depth, leave: true });
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push({ node: child, depth: depth + 1 });
  }
}

/** The Kubernetes objects in the text of one file; throws an InputError for anything else. */
export function parseManifests(file: string, text: string): Manifest[] {
  if (text.includes('\0')) throw new InputError(`${file}: not a YAML file (it is binary)`, EXIT.notYaml);
  const lines = new LineCounter();
  const lineOf = (offset: number) => lines.linePos(offset).line;
  const invalid = (offset: number | undefined, reason: string) => new InputError(`${file}${offset !== undefined ? `:${lineOf(offset)}` : ''}: not valid YAML: ${reason}`, EXIT.notYaml);
  const limit = Math.max(MAX_EXPANDED_VALUES, text.length);
  const budget = { left: limit, limit };
  const manifests: Manifest[] = [];
  const composer = new Composer(PARSE_OPTIONS);
  let index = -1;
  try {
    // One document at a time: a file of a million empty documents needs no more memory than one.
    for (const document of composer.compose(new Parser(lines.addNewLine).parse(text))) {
      index++;
      const where = `${file}: document ${index + 1}`;
      const error = document.errors[0];
      if (error) {
        if (/call stack/i.test(error.message)) throw new InputError(`${where}: values nest too deeply to read`, EXIT.overLimit);
        throw invalid(error.pos?.[0], error.message.split('\n')[0]);
      }
      const { duplicate, aliases } = scanDocument(document.contents);
      if (duplicate) throw invalid(duplicate.offset, `map keys must be unique: ${JSON.stringify(String(duplicate.key)).slice(0, 80)} is there twice`);
      if (aliases > MAX_ALIASES) throw new InputError(`${where}: uses ${aliases} aliases, over the limit of ${MAX_ALIASES}`, EXIT.overLimit);
      let value: unknown;
      try {
        // Aliases are bounded above and by checkShape, which also counts what they expand to.
        value = document.toJS({ maxAliasCount: -1 });
      } catch (err) {
        // What building the values refuses is the document's doing: an alias without its anchor, a
        // merge (<<) of something that is not a mapping, a tag that does not fit its value.
        if (!(err instanceof Error) || (err instanceof RangeError && /call stack/i.test(err.message))) throw err;
        const reason = err.message.split('\n')[0].replace(/^Unresolved alias \(the anchor must be set before the alias\)/, 'an alias names no anchor set before it');
        throw new InputError(`${where}: not valid YAML: ${reason}`, EXIT.notYaml);
      }
      checkShape(value, where, budget);
      if (value === null || value === undefined) continue;
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
  } catch (err) {
    if (err instanceof RangeError && /call stack/i.test(err.message)) {
      throw new InputError(`${file}: document ${index + 1}: values nest too deeply to read`, EXIT.overLimit);
    }
    throw err;
  }
  return manifests;
}

/** Reads and parses one file. */
export function readManifests(file: string, budget: ReadBudget = new ReadBudget()): Manifest[] {
  return parseManifests(file, readText(file, budget));
}

/**
 * Groups files into sets that are checked together: each folder is one set (the layout of
 * dist/<profile>/), or all files are one set when `together` is set.
 */
export function groupByFolder(files: readonly string[], together: boolean): Map<string, string[]> {
  const sets = new Map<string, string[]>();
  for (const file of files) {
    const key = together ? '' : path.dirname(file);
    const set = sets.get(key);
    if (set) set.push(file);
    else sets.set(key, [file]);
  }
  return sets;
}
