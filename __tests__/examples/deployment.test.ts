import { App, Testing } from 'cdk8s';
import { DeploymentExample, WEB_IMAGE_TAG } from '../../examples/deployment/chart';
import { getProfile } from '../../examples/profiles';
import { PROFILE_NAMES, findObject, selects, synthExample } from '../helpers';

describe('deployment example', () => {
  const objects = synthExample('deployment');
  const deployment = findObject(objects, 'Deployment', 'web');
  const pod = deployment.spec.template;
  const container = pod.spec.containers[0];

  test('the selector matches the pod labels and carries no version or generated label', () => {
    expect(deployment.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' });
    expect(selects(deployment.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
    expect(Object.keys(pod.metadata.labels).filter((k) => !k.startsWith('app.kubernetes.io/'))).toEqual([]);
  });

  test('rolls out one new pod at a time and keeps old ReplicaSets for rollback', () => {
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(deployment.spec.revisionHistoryLimit).toBe(5);
  });

  test('an autoscaler owns the replica count, between the profile\'s numbers; the Deployment sets none', () => {
    for (const profile of PROFILE_NAMES) {
      const objects = synthExample('deployment', profile);
      expect(findObject(objects, 'Deployment', 'web').spec.replicas).toBeUndefined();
      expect(findObject(objects, 'HorizontalPodAutoscaler', 'web').spec).toEqual({
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: getProfile(profile).webReplicas,
        maxReplicas: getProfile(profile).webMaxReplicas,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
        behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
      });
    }
  });

  test('a disruption budget lets a drain take one pod at a time; a Service and a toolbox for the load loop', () => {
    const objects = synthExample('deployment');
    const pdb = findObject(objects, 'PodDisruptionBudget', 'web');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: deployment.spec.selector.matchLabels } });
    expect(findObject(objects, 'Service', 'web').spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(findObject(objects, 'Deployment', 'toolbox').spec.template.spec.containers[0].image).toBe('busybox:1.36.1');
  });

  test('the quota leaves room for the autoscaler\'s maximum and one surge pod', () => {
    // web: 10m / 16Mi / 64Mi a pod, at most 4 on minikube; toolbox: 5m / 8Mi / 32Mi; one more web pod.
    expect(findObject(synthExample('deployment'), 'ResourceQuota', 'compute').spec.hard).toEqual({
      'requests.cpu': '55m', 'requests.memory': '88Mi', 'limits.memory': '352Mi', 'pods': '6',
    });
  });

  test('the unprivileged nginx image runs as its own user on 8080 with /tmp writable', () => {
    expect(container.image).toBe(`nginxinc/nginx-unprivileged:${WEB_IMAGE_TAG}`);
    expect(container.ports).toEqual([{ containerPort: 8080, name: 'http' }]);
    expect(container.securityContext).toMatchObject({ runAsUser: 101, runAsGroup: 101, readOnlyRootFilesystem: true });
    const tmp = container.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/tmp');
    expect(pod.spec.volumes).toContainEqual({ name: tmp.name, emptyDir: { sizeLimit: '32Mi' } });
  });

  test('readiness and liveness probes ask the container port over HTTP', () => {
    expect(container.readinessProbe.httpGet).toEqual({ path: '/', port: 8080, scheme: 'HTTP' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/', port: 8080, scheme: 'HTTP' });
    expect(container.startupProbe).toBeUndefined();
  });

  test('small requests and a memory limit, no CPU limit', () => {
    expect(container.resources).toEqual({ requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } });
  });

  test('a new image tag changes the pod template, so the Deployment rolls out a new ReplicaSet', () => {
    const newer = Testing.synth(new DeploymentExample(new App(), 'deployment', { profile: getProfile('minikube'), imageTag: '1.28.0-alpine' }));
    const newTemplate = findObject(newer, 'Deployment', 'web').spec.template;
    expect(newTemplate.spec.containers[0].image).toBe('nginxinc/nginx-unprivileged:1.28.0-alpine');
    expect(newTemplate.metadata.labels['app.kubernetes.io/version']).toBe('1.28.0-alpine');
    expect(newTemplate).not.toEqual(pod);
    // The selector stays: it is immutable.
    expect(findObject(newer, 'Deployment', 'web').spec.selector).toEqual(deployment.spec.selector);
  });
});
