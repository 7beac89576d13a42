import * as fs from 'fs';
import * as path from 'path';
import { PROFILES } from '../examples/profiles';
import { CONSTRUCT_METADATA, synthesizeFiles } from '../tools/synth';
import { MANIFEST, manifestText } from '../tools/synth/outdir';

// dist/ is the snapshot of every example in every profile: the one golden copy of the output.
// A chart that changes its output fails here until dist/ is regenerated and committed.

const DIST = path.join(__dirname, '..', 'dist');
const HINT = 'dist/ is stale: run `npm run test:update` (or `npm run synth`), review the diff and commit dist/';

function committedFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => entry.isDirectory()
    ? committedFiles(dir, path.join(prefix, entry.name))
    : [path.join(prefix, entry.name)]);
}

/** `npx cdk8s synth` also writes construct-metadata.json for its validation; it is not committed. */
const notCommitted = (file: string) => file !== CONSTRUCT_METADATA;
/** The list of the files synth wrote, which marks dist/ as its own. */
const isManifest = (file: string) => file === MANIFEST;

/** Runs an assertion; on failure, the message starts with what to do about it. */
function withHint(file: string, assertion: () => void): void {
  try {
    assertion();
  } catch (error) {
    if (error instanceof Error) error.message = `${HINT}\n${file} differs from a fresh synth (- committed, + fresh):\n\n${error.message}`;
    throw error;
  }
}

describe('dist/ is fresh', () => {
  const expected = synthesizeFiles(PROFILES);

  test('it holds exactly the files synth writes', () => {
    withHint('the list of files', () => expect([...expected.keys()].sort()).toEqual(committedFiles(DIST).filter(notCommitted).filter((f) => !isManifest(f)).sort()));
  });

  test(`${MANIFEST} lists exactly those files`, () => {
    const manifest = path.join(DIST, MANIFEST);
    withHint(`dist/${MANIFEST}`, () => expect(manifestText([...expected.keys()].map((f) => f.split(path.sep).join('/'))))
      .toBe(fs.existsSync(manifest) ? fs.readFileSync(manifest, 'utf8') : '(missing)'));
  });

  test.each([...expected.keys()])('%s matches a fresh synth', (file) => {
    const committed = path.join(DIST, file);
    // As in a jest snapshot: expected is the golden copy (dist/), received the fresh output.
    withHint(`dist/${file}`, () => expect(expected.get(file)).toBe(fs.existsSync(committed) ? fs.readFileSync(committed, 'utf8') : '(missing)'));
  });
});
