// Reads the synthesized manifests of dist/ with the validator's YAML reader.
import * as fs from 'fs';
import * as path from 'path';
import { K8sObject, parseManifests } from '../../validator/model';

/** Every `dist/<profile>/<example>.yaml`: profile → example → objects. */
export type Dist = Map<string, Map<string, K8sObject[]>>;

/** Reads every profile folder of `dist/` under `root`. */
export function loadDist(root: string, distDir = 'dist'): Dist {
  const dist: Dist = new Map();
  const dir = path.join(root, distDir);
  if (!fs.existsSync(dir)) return dist;
  for (const profile of fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const examples = new Map<string, K8sObject[]>();
    for (const file of fs.readdirSync(path.join(dir, profile)).filter((f) => f.endsWith('.yaml')).sort()) {
      const rel = path.posix.join(distDir, profile, file);
      examples.set(file.replace(/\.yaml$/, ''), parseManifests(rel, fs.readFileSync(path.join(dir, profile, file), 'utf8')).map((m) => m.object));
    }
    dist.set(profile, examples);
  }
  return dist;
}
