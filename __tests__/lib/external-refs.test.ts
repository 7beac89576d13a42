import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { EXTERNAL_REFS_ANNOTATION, addExternalRef, externalRefs } from '../../lib';

describe('external refs', () => {
  const configMap = () => new kplus.ConfigMap(new Chart(new App(), 'test'), 'Map', { metadata: { name: 'm' } });

  test('each reference once, sorted, comma-separated; other annotations kept', () => {
    const map = configMap();
    map.metadata.addAnnotation('note', 'kept');
    addExternalRef(map, 'Secret', 'b');
    addExternalRef(map, 'Secret', 'a');
    addExternalRef(map, 'Secret', 'b');
    addExternalRef(map, 'ConfigMap', 'c.d');
    const [object] = Testing.synth(Chart.of(map));
    expect(object.metadata.annotations).toEqual({ note: 'kept', [EXTERNAL_REFS_ANNOTATION]: 'ConfigMap/c.d,Secret/a,Secret/b' });
    expect(externalRefs(object.metadata.annotations)).toEqual(['ConfigMap/c.d', 'Secret/a', 'Secret/b']);
  });

  test('externalRefs is empty without the annotation and tolerates spaces', () => {
    expect(externalRefs(undefined)).toEqual([]);
    expect(externalRefs({ other: 'x' })).toEqual([]);
    expect(externalRefs({ [EXTERNAL_REFS_ANNOTATION]: 'Secret/a, Secret/b' })).toEqual(['Secret/a', 'Secret/b']);
  });

});
