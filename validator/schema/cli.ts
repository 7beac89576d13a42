// `npm run validate:schema`: regenerates k8s-1.28.json from imports/k8s.ts (see generate.ts), and
// k8s-1.36.json from the Go modules of Kubernetes 1.36 when Go has them (see openapi.ts).
import * as fs from 'fs';
import * as path from 'path';
import { OUTPUT, SOURCE, generateSchema, renderSchema } from './generate';
import { OPENAPI_OUTPUT, generateFromModules } from './openapi';

const text = renderSchema(generateSchema(fs.readFileSync(SOURCE, 'utf8')));
fs.writeFileSync(OUTPUT, text);
console.log(`wrote ${path.relative(process.cwd(), OUTPUT)} (${Math.round(text.length / 1024)} KiB)`);
const newer = generateFromModules();
if (newer.schema) {
  const rendered = renderSchema(newer.schema);
  fs.writeFileSync(OPENAPI_OUTPUT, rendered);
  console.log(`wrote ${path.relative(process.cwd(), OPENAPI_OUTPUT)} (${Math.round(rendered.length / 1024)} KiB)`);
} else {
  console.log(`left ${path.relative(process.cwd(), OPENAPI_OUTPUT)} as it is: ${newer.reason}`);
}
