// `npm run validate:schema`: regenerates k8s-1.28.json from imports/k8s.ts (see generate.ts).
import * as fs from 'fs';
import * as path from 'path';
import { OUTPUT, SOURCE, generateSchema, renderSchema } from './generate';

const text = renderSchema(generateSchema(fs.readFileSync(SOURCE, 'utf8')));
fs.writeFileSync(OUTPUT, text);
console.log(`wrote ${path.relative(process.cwd(), OUTPUT)} (${Math.round(text.length / 1024)} KiB)`);
