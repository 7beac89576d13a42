// Synthesizes every example into dist/<profile>/<example>.yaml: `npm run synth -- --help`.
// The charts live in examples/, the reusable constructs in lib/.
import { runSynth } from './tools/synth';

process.exitCode = runSynth(process.argv.slice(2));
