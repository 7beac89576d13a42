import * as fs from 'fs';
import * as path from 'path';
import { PROFILES } from '../examples/profiles';
import { CONSTRUCT_METADATA, synthesizeFiles } from '../tools/synth';
import { MANIFEST, manifestText } from '../tools/synth/outdir';

const DIST = path.join(__dirname, '..', 'dist');

function committedFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => entry.isDirectory()
    ? committedFiles(dir, path.join(prefix, entry.name))
    : [path.join(prefix, entry.name)]);
}

/** `npx cdk8s synth` also writes construct-metadata.json for its validation; it is not committed. */
const notCommitted = (file: string) => file !== CONSTRUCT_METADATA;
/** The list of the files synth wrote, which marks dist/ as its own. */
const isManifest = (file: string) => file === MANIFEST;

describe('dist/ is fresh', () => {
  const expected = synthesizeFiles(PROFILES);

  test('it holds exactly the files synth writes', () => {
    expect(committedFiles(DIST).filter(notCommitted).filter((f) => !isManifest(f)).sort()).toEqual([...expected.keys()].sort());
  });

  test(`${MANIFEST} lists exactly those files (run \`npm run synth\` and commit dist/)`, () => {
    expect(fs.readFileSync(path.join(DIST, MANIFEST), 'utf8')).toBe(manifestText([...expected.keys()].map((f) => f.split(path.sep).join('/'))));
  });

  test.each([...expected.keys()])('%s matches a fresh synth (run `npm run synth` and commit dist/)', (file) => {
    expect(fs.readFileSync(path.join(DIST, file), 'utf8')).toBe(expected.get(file));
  });
});
