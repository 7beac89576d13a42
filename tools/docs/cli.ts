// `npm run docs`: writes the diagrams into the guides and the examples table into README.md, then
// checks the docs; `npm run docs -- --check` only checks. See tools/docs.ts.
import * as path from 'path';
import { EXAMPLES } from '../../examples';
import { runDocs } from './index';

process.exitCode = runDocs(process.argv.slice(2), path.resolve(path.dirname(process.argv[1]), '..', '..'), EXAMPLES);
