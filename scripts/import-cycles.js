// Finds import cycles among the project's own TypeScript and JavaScript files: every relative
// `import`, `import type`, `export ... from` and `require()` is an edge. `node
// scripts/import-cycles.js` prints each cycle on one line and exits 1 when there is one; the
// tests call findCycles() directly.
'use strict';
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const SKIP = new Set(['node_modules', 'dist', '.git', 'cdk8s.out']);
const EXTENSIONS = ['.ts', '.js'];

/** Every .ts and .js file under root, skipping dependencies, output and hidden folders. */
function sourceFiles(root) {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || SKIP.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (EXTENSIONS.includes(path.extname(entry.name)) && !entry.name.endsWith('.d.ts')) files.push(full);
    }
  };
  walk(root);
  return files.sort();
}

/** The file a relative specifier names: as written, with an extension, or a folder's index. */
function resolve(from, specifier) {
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => path.join(base, `index${e}`))];
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
}

/** The project files one file imports. */
function importsOf(file) {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return [...new Set(info.importedFiles.map((f) => f.fileName).filter((s) => s.startsWith('.'))
    .map((s) => resolve(file, s)).filter(Boolean))];
}

/**
 * The import cycles under root, each as the list of files (relative to root) from the first
 * file back to it; one cycle per strongly connected group of files.
 */
function findCycles(root) {
  const files = sourceFiles(root);
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  // Tarjan's algorithm: each strongly connected component with more than one file (or a file
  // that imports itself) holds a cycle.
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const connect = (v) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(new Set(component));
    }
  };
  for (const f of files) if (!index.has(f)) connect(f);
  // One concrete cycle per component: walk from its first file along imports inside it.
  return components.map((component) => {
    const start = [...component].sort()[0];
    const seen = new Map([[start, null]]);
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift();
      for (const w of graph.get(v)) {
        if (w === start) {
          const cycle = [v];
          for (let p = seen.get(v); p !== null; p = seen.get(p)) cycle.unshift(p);
          return [...cycle, start].map((f) => path.relative(root, f).split(path.sep).join('/'));
        }
        if (component.has(w) && !seen.has(w)) {
          seen.set(w, v);
          queue.push(w);
        }
      }
    }
    return [...component].map((f) => path.relative(root, f));
  });
}

module.exports = { findCycles };

if (require.main === module) {
  const cycles = findCycles(path.resolve(__dirname, '..'));
  for (const cycle of cycles) console.error(`import cycle: ${cycle.join(' -> ')}`);
  if (cycles.length === 0) console.log('no import cycles');
  process.exitCode = cycles.length > 0 ? 1 : 0;
}
