// No regular expression of the project's code (the validator, the constructs and the tools) may take more
// than linear time on some input: the validator reads anyone's YAML, and a pattern that
// backtracks in quadratic time turns 100 KB of digits into a minute of CPU. scslre finds the
// patterns whose matching is super-linear for an input that repeats one character (polynomial
// and exponential backtracking, and unanchored patterns that rescan their input).
import * as fs from 'fs';
import * as path from 'path';
import { analyse } from 'scslre';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');
/**
 * What the lint covers: every TypeScript file of these folders, and these files: the code that
 * reads what users give it (YAML, props, folders, kubectl's output). tools/docs reads only the
 * project's own guides and is left out.
 */
const SCOPE = ['validator', 'lib', 'tools/synth', 'tools/cluster', 'examples', 'main.ts'];

function sourceFiles(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (!fs.statSync(full).isDirectory()) return [entry];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(entry, e.name);
    if (e.isDirectory()) return sourceFiles(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

interface Found {
  readonly where: string;
  readonly source?: string;
  readonly flags?: string;
  /** Why the pattern could not be read, when it is built at run time from something unknown. */
  readonly unknown?: string;
}

/**
 * Every regular expression of a file: the literals, and `new RegExp(...)` / `RegExp(...)` whose
 * pattern is made of string constants of the file (literals, templates and `+` of them).
 */
function regexesOf(file: string): Found[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const constants = new Map<string, ts.Expression>();
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const d of statement.declarationList.declarations) {
      if (ts.isIdentifier(d.name) && d.initializer) constants.set(d.name.text, d.initializer);
    }
  }
  const fold = (node: ts.Expression, seen: ReadonlySet<string>): string | undefined => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (ts.isParenthesizedExpression(node)) return fold(node.expression, seen);
    if (ts.isIdentifier(node)) {
      const init = constants.get(node.text);
      return init && !seen.has(node.text) ? fold(init, new Set([...seen, node.text])) : undefined;
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const [left, right] = [fold(node.left, seen), fold(node.right, seen)];
      return left === undefined || right === undefined ? undefined : left + right;
    }
    if (ts.isTemplateExpression(node)) {
      let out = node.head.text;
      for (const span of node.templateSpans) {
        const part = fold(span.expression, seen);
        if (part === undefined) return undefined;
        out += part + span.literal.text;
      }
      return out;
    }
    return undefined;
  };
  const found: Found[] = [];
  const visit = (node: ts.Node): void => {
    const where = `${file}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const literal = node.getText(sf);
      const slash = literal.lastIndexOf('/');
      found.push({ where, source: literal.slice(1, slash), flags: literal.slice(slash + 1) });
    } else if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && node.expression.text === 'RegExp') {
      const [pattern, flags] = node.arguments ?? [];
      const source = pattern && fold(pattern, new Set());
      const flagText = flags === undefined ? '' : fold(flags, new Set());
      if (source === undefined || flagText === undefined) found.push({ where, unknown: node.getText(sf) });
      else found.push({ where, source, flags: flagText });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** What scslre reports about one pattern, one line per cause; empty when it is linear. */
function superLinear(source: string, flags: string): string[] {
  return analyse({ source, flags }).reports.map((r) => {
    const quantifiers = r.type === 'Trade' ? `${r.startQuant.raw} and ${r.endQuant.raw}` : r.quant.raw;
    return `${r.exponential ? 'exponential' : 'polynomial'} (${r.type}) on a run of ${JSON.stringify(r.character.pick)}: ${quantifiers}`;
  });
}

const files = SCOPE.flatMap(sourceFiles);
const patterns = files.flatMap(regexesOf);

describe('regular expressions take linear time', () => {
  test('the lint sees the patterns of every file in scope, literals and ones built from constants', () => {
    expect(files).toContain(path.join('validator', 'quantity.ts'));
    expect(patterns.length).toBeGreaterThan(20);
    // names.ts builds DNS_SUBDOMAIN from a constant: the folded pattern is checked too.
    expect(patterns.map((p) => p.source)).toContain('^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$');
  });

  test('the lint catches the patterns it is for', () => {
    expect(superLinear('^([+-]?(?:\\d+\\.?\\d*|\\.\\d+))$', '')).not.toEqual([]); // digits split two ways: quadratic
    expect(superLinear('^(a+)+$', '')).not.toEqual([]); // nested: exponential
    expect(superLinear('\\/+$', '')).not.toEqual([]); // unanchored: rescans every suffix
    expect(superLinear('^([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+))$', '')).toEqual([]);
  });

  test('every pattern of the validator and of lib/checks.ts is linear, and none is built from values the lint cannot see', () => {
    const problems = patterns.flatMap((p) => (p.unknown !== undefined
      ? [`${p.where}: ${p.unknown}: built at run time from something other than string constants of the file, so it cannot be checked`]
      : superLinear(p.source!, p.flags!).map((r) => `${p.where}: /${p.source}/${p.flags}: ${r}`)));
    expect(problems).toEqual([]);
  });
});
