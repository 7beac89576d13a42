import * as fs from 'fs';
import * as path from 'path';
import { Finding, RULES, formatFinding, validate } from '../../validator';
import { parseArgs } from '../../validator/command';
import { readManifests } from '../../validator/load';

const FIXTURES = path.join(__dirname, 'fixtures');
const broken = fs.readdirSync(path.join(FIXTURES, 'broken')).filter((f) => f.endsWith('.yaml')).sort();
const valid = fs.readdirSync(path.join(FIXTURES, 'valid')).filter((f) => f.endsWith('.yaml')).sort();

/** The rule a broken fixture breaks: its file name up to the first dot. */
const ruleOf = (file: string) => file.slice(0, file.indexOf('.'));

/** Validates one fixture file with the options of its `# options:` comment line, if any. */
function check(file: string): Finding[] {
  const text = fs.readFileSync(file, 'utf8');
  const options = /^# options: (.*)$/m.exec(text)?.[1].split(' ') ?? [];
  return validate(readManifests(file), parseArgs(options).options);
}

describe('every rule bites: each fixture breaks exactly one rule, and only that rule fires', () => {
  test('every rule has at least one fixture that breaks it', () => {
    const covered = new Set(broken.map(ruleOf));
    expect(RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  test('every fixture names a rule that exists', () => {
    const ids = new Set(RULES.map((r) => r.id));
    expect(broken.map(ruleOf).filter((id) => !ids.has(id))).toEqual([]);
  });

  test.each(broken)('%s', (file) => {
    const findings = check(path.join(FIXTURES, 'broken', file));
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.filter((f) => f.rule !== ruleOf(file)).map(formatFinding)).toEqual([]);
  });
});

describe('correct manifests pass clean', () => {
  test.each(valid)('%s', (file) => {
    expect(check(path.join(FIXTURES, 'valid', file)).map(formatFinding)).toEqual([]);
  });
});
