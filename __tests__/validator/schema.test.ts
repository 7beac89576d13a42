import * as fs from 'fs';
import { OUTPUT, SOURCE, generateSchema, renderSchema } from '../../validator/schema/generate';
import { checkObject, schema, typeOfKind } from '../../validator/schema';

describe('the strict 1.28 schema', () => {
  const source = fs.readFileSync(SOURCE, 'utf8');

  test('k8s-1.28.json is what generate.ts derives from imports/k8s.ts now (run `npm run validate:schema`)', () => {
    expect(fs.readFileSync(OUTPUT, 'utf8')).toBe(renderSchema(generateSchema(source)));
  });

  test('the freshness check sees a change of imports/k8s.ts', () => {
    const changed = source.replace('  readonly workingDir?: string;', '  readonly workingDir?: string;\n\n  /**\n   * @schema io.k8s.api.core.v1.Container#madeUp\n   */\n  readonly madeUp?: boolean;');
    expect(changed).not.toBe(source);
    expect(generateSchema(changed).types['io.k8s.api.core.v1.Container'].fields.madeUp).toBe('boolean');
    expect(renderSchema(generateSchema(changed))).not.toBe(fs.readFileSync(OUTPUT, 'utf8'));
  });

  test('knows every API kind of 1.28, with the official type names', () => {
    expect(typeOfKind('apps/v1', 'Deployment')).toBe('io.k8s.api.apps.v1.Deployment');
    expect(typeOfKind('v1', 'Service')).toBe('io.k8s.api.core.v1.Service');
    expect(typeOfKind('networking.k8s.io/v1', 'Ingress')).toBe('io.k8s.api.networking.v1.Ingress');
    expect(typeOfKind('extensions/v1beta1', 'Ingress')).toBeUndefined();
    expect(Object.values(schema().kinds).reduce((n, kinds) => n + Object.keys(kinds).length, 0)).toBe(139);
  });

  test('knows required fields, JSON names that differ from the TypeScript ones, and what TypeScript cannot say', () => {
    const types = schema().types;
    expect(types['io.k8s.api.core.v1.Container'].required).toEqual(['name']);
    expect(types['io.k8s.api.apps.v1.StatefulSetSpec'].required).toEqual(['selector', 'serviceName', 'template']);
    expect(types['io.k8s.api.core.v1.ServiceSpec'].fields.clusterIP).toBe('string');
    expect(types['io.k8s.api.core.v1.ServiceSpec'].fields.clusterIp).toBeUndefined();
    expect(types['io.k8s.api.apps.v1.DeploymentSpec'].fields.replicas).toBe('integer');
    expect(types['io.k8s.api.core.v1.Secret'].fields.data).toBe('map<base64>');
    expect(types['io.k8s.api.core.v1.ResourceRequirements'].fields.limits).toBe('map<quantity>');
  });

  test('reports unknown fields, wrong types and missing required fields with their paths', () => {
    const problems = checkObject({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { tier: 1 } },
      spec: { replicas: '2', selector: {}, template: { spec: { containers: [{ image: 'x:1', prots: [] }] } } },
    }, 'io.k8s.api.apps.v1.Deployment');
    expect(problems).toEqual([
      { kind: 'field-type', path: 'metadata.labels.tier', message: 'must be a string, found number 1' },
      { kind: 'field-type', path: 'spec.replicas', message: 'must be an integer, found string "2"' },
      { kind: 'unknown-field', path: 'spec.template.spec.containers[0].prots', message: 'is not a field of Container (did you mean "ports"?)' },
      { kind: 'required-field', path: 'spec.template.spec.containers[0].name', message: 'is required in Container' },
    ]);
  });

  test('null means "not set": fine for optional fields, missing for required ones', () => {
    expect(checkObject({ metadata: { creationTimestamp: null }, spec: { containers: [{ name: null }] } }, 'io.k8s.api.core.v1.Pod'))
      .toEqual([{ kind: 'required-field', path: 'spec.containers[0].name', message: 'is required in Container' }]);
  });
});
