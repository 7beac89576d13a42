// `npm run validate -- [options] [paths...]`: the validator's command. `--help` lists the options
// and exit codes; the work is in command.ts.
import { runValidate } from './command';

process.exitCode = runValidate(process.argv.slice(2));
