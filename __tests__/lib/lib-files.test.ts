import * as fs from 'fs';
import * as path from 'path';

// The README tells a reader which files of lib/ to copy for each construct. The table there is
// compared with the imports of lib/, so it cannot drift from the code.

const ROOT = path.join(__dirname, '..', '..');
const LIB = path.join(ROOT, 'lib');
const README = path.join(ROOT, 'README.md');
const BEGIN = '<!-- BEGIN LIB FILES: checked by __tests__/lib/lib-files.test.ts against the imports of lib/; do not edit by hand -->';
const END = '<!-- END LIB FILES -->';

/** What a construct file may import besides other files of lib/: the app's own dependencies and Node.js built-ins. */
const ALLOWED_PACKAGES = ['cdk8s', 'cdk8s-plus-28', 'constructs', 'crypto'];

const libFiles = () => fs.readdirSync(LIB).filter((f) => f.endsWith('.ts') && f !== 'index.ts').sort();

/** Generated classes a construct may import: `cdk8s import` output in imports/ (not imports/k8s.ts: take L1 classes from cdk8s-plus-28). */
const IMPORTS_PREFIX = '../imports/';

/** The modules a file imports: `./x` siblings as `x.ts`, generated `../imports/y` as `imports/y.ts`, and package names. */
function importsOf(file: string): { siblings: string[]; generated: string[]; packages: string[] } {
  const source = fs.readFileSync(path.join(LIB, file), 'utf8');
  const specifiers = [...source.matchAll(/^(?:import|export)\s(?:[^;']*?\sfrom\s+)?'([^']+)';/gms)].map((m) => m[1]);
  return {
    siblings: specifiers.filter((s) => s.startsWith('./')).map((s) => `${s.slice(2)}.ts`),
    generated: specifiers.filter((s) => s.startsWith(IMPORTS_PREFIX)).map((s) => `imports/${s.slice(IMPORTS_PREFIX.length)}.ts`),
    packages: [...new Set(specifiers.filter((s) => !s.startsWith('.')))],
  };
}

/** Every file of lib/ that `file` needs, directly or through another, without itself. */
function siblingsOf(file: string): string[] {
  const needed = new Set<string>();
  const visit = (f: string) => {
    for (const generated of importsOf(f).generated) needed.add(generated);
    for (const sibling of importsOf(f).siblings) {
      if (!needed.has(sibling)) {
        needed.add(sibling);
        visit(sibling);
      }
    }
  };
  visit(file);
  needed.delete(file);
  return [...needed].sort();
}

/** The table, as the README must have it. */
function table(): string {
  const rows = libFiles().map((file) => {
    const siblings = siblingsOf(file);
    return `| [\`${file}\`](lib/${file}) | ${siblings.length === 0 ? 'nothing else' : siblings.map((s) => `\`${s}\``).join(', ')} |`;
  });
  return ['| file | copy with it |', '|---|---|', ...rows].join('\n');
}

describe('lib/ files', () => {
  test.each(libFiles())('%s imports only other files of lib/ and the allowed packages', (file) => {
    const { siblings, generated, packages } = importsOf(file);
    expect(packages.filter((p) => !ALLOWED_PACKAGES.includes(p))).toEqual([]);
    for (const sibling of siblings) expect(fs.existsSync(path.join(LIB, sibling))).toBe(true);
    for (const g of generated) expect([g, fs.existsSync(path.join(ROOT, g))]).toEqual([expect.not.stringMatching(/^imports\/k8s\.ts$/), true]);
  });

  test('README lists, for every file of lib/, the files to copy with it (the imports, followed through)', () => {
    const readme = fs.readFileSync(README, 'utf8');
    const start = readme.indexOf(BEGIN);
    const end = readme.indexOf(END);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    expect(readme.slice(start + BEGIN.length, end).trim()).toBe(table());
  });

  test('the import reader finds every sibling of a file that has some', () => {
    // web-app.ts imports checks, labels and secure-container; labels imports checks.
    expect(siblingsOf('web-app.ts')).toEqual(['checks.ts', 'labels.ts', 'secure-container.ts']);
    expect(importsOf('web-app.ts').packages.sort()).toEqual(['cdk8s', 'cdk8s-plus-28', 'constructs']);
  });
});
