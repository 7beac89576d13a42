import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findCycles } from '../scripts/import-cycles';

const ROOT = path.join(__dirname, '..');

test('no import cycles among the project\'s own sources', () => {
  expect(findCycles(ROOT)).toEqual([]);
});

test('a cycle is found through type imports, re-exports, requires and folder indexes', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'import-cycles-'));
  try {
    const files: Record<string, string> = {
      'a.ts': "import type { B } from './b';\nexport interface A { b?: B }\n",
      'b.ts': "export { c } from './lib';\nexport interface B { n: number }\n",
      'lib/index.ts': "export const c = () => require('../a');\n",
      'clean.ts': "import { c } from './lib';\nimport * as fs from 'fs';\nexport const d = [c, fs];\n",
      'self.js': "module.exports = require('./self.js');\n",
    };
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    }
    expect(findCycles(root)).toEqual([['a.ts', 'b.ts', 'lib/index.ts', 'a.ts'], ['self.js', 'self.js']]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
