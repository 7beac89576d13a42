import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ANNOTATION_PREFIX_CONTEXT, AppConfig, CONFIG_CHECKSUM_ANNOTATION, EXTERNAL_REFS_ANNOTATION, NamespacedChart, Postgres, WebApp, WebIngress, addExternalRef, externalRefs } from '../../lib';
import { findObject } from '../helpers';

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

describe('the annotation prefix', () => {
  const build = (prefix?: string) => {
    const app = new App();
    if (prefix !== undefined) app.node.setContext(ANNOTATION_PREFIX_CONTEXT, prefix);
    const chart = new NamespacedChart(app, 'test', { namespace: 'test' });
    new Postgres(chart, 'Db', { database: 'app', credentials: { secretName: 'db-credentials' } });
    const config = new AppConfig(chart, 'Config', { name: 'settings', data: { MODE: 'fast' }, secret: { name: 'creds', keys: ['token'] } });
    const web = new WebApp(chart, 'Web', { name: 'web', image: 'example/web:1.0.0', port: 8080 });
    config.consumedBy(web.deployment);
    const service = web.expose('Svc', { name: 'web' });
    new WebIngress(chart, 'Ingress', { name: 'site', routes: [{ host: 'site.test', service }], tls: { secretName: 'site-tls' } });
    const objects = Testing.synth(chart);
    const annotationKeys = (kind: string) => Object.keys(findObject(objects, kind, kind === 'StatefulSet' ? 'postgres' : kind === 'Ingress' ? 'site' : 'web').metadata.annotations ?? {});
    return {
      statefulSet: annotationKeys('StatefulSet'),
      ingress: annotationKeys('Ingress'),
      deployment: annotationKeys('Deployment'),
      podTemplate: Object.keys(findObject(objects, 'Deployment', 'web').spec.template.metadata.annotations),
    };
  };

  test('is k8s-by-example by default: the keys the validator, the diagrams and deploy read', () => {
    expect(EXTERNAL_REFS_ANNOTATION).toBe('k8s-by-example/external-refs');
    expect(CONFIG_CHECKSUM_ANNOTATION).toBe('k8s-by-example/config-checksum');
    expect(build()).toEqual({ statefulSet: [EXTERNAL_REFS_ANNOTATION], ingress: [EXTERNAL_REFS_ANNOTATION], deployment: [EXTERNAL_REFS_ANNOTATION], podTemplate: [CONFIG_CHECKSUM_ANNOTATION] });
  });

  test('the construct context sets it for Postgres, WebIngress and AppConfig alike', () => {
    expect(build('example.com')).toEqual({
      statefulSet: ['example.com/external-refs'],
      ingress: ['example.com/external-refs'],
      deployment: ['example.com/external-refs'],
      podTemplate: ['example.com/config-checksum'],
    });
  });

  test('externalRefs reads the key it is given', () => {
    expect(externalRefs({ 'example.com/external-refs': 'Secret/a' }, 'example.com/external-refs')).toEqual(['Secret/a']);
    expect(externalRefs({ 'example.com/external-refs': 'Secret/a' })).toEqual([]);
  });
});
