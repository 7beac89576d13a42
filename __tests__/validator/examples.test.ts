import * as path from 'path';
import { Manifest, formatFinding, validate } from '../../validator';
import { checkPaths } from '../../validator/command';
import { DEFAULT_OPTIONS } from '../../validator';
import { EXAMPLE_NAMES, PROFILE_NAMES, exampleManifests } from '../helpers';

// Every example, in every profile, is checked with every rule: as it is applied on its own
// (kubectl apply -f dist/<profile>/<example>.yaml) and together with all the others
// (kubectl apply -f dist/<profile>/), where the budget, NodePorts and duplicates count.
describe('every example would run on a real cluster', () => {
  test.each(PROFILE_NAMES.flatMap((p) => EXAMPLE_NAMES.map((e) => [e, p])))('%s (%s) passes every rule on its own', (example, profile) => {
    expect(validate(exampleManifests(example, profile)).map(formatFinding)).toEqual([]);
  });

  test.each(PROFILE_NAMES)('all examples of %s applied together pass every rule, the budget included', (profile) => {
    const all: Manifest[] = EXAMPLE_NAMES.flatMap((e) => exampleManifests(e, profile));
    expect(validate(all).map(formatFinding)).toEqual([]);
  });

  test('the committed dist/ passes, one set per profile folder', () => {
    const result = checkPaths([path.join(__dirname, '..', '..', 'dist')], DEFAULT_OPTIONS, false);
    expect(result.findings.map(formatFinding)).toEqual([]);
    expect(result.sets).toBe(PROFILE_NAMES.length);
    expect(result.objects).toBeGreaterThan(0);
  });
});
