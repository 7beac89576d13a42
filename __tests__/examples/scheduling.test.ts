import * as fs from 'fs';
import * as path from 'path';
import { getProfile } from '../../examples/profiles';
import { PROFILE_NAMES, K8sObject, findObject, selects, synthExample } from '../helpers';

const GUIDE = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'scheduling', 'README.md'), 'utf8');

describe('scheduling example', () => {
  const objects = synthExample('scheduling');
  const agent = findObject(objects, 'DaemonSet', 'node-agent');
  const agentPod = agent.spec.template;
  const web = findObject(objects, 'Deployment', 'web');
  const webPod = web.spec.template;

  test('a DaemonSet runs the agent on every node, control plane nodes included', () => {
    expect(selects(agent.spec.selector.matchLabels, agentPod.metadata.labels)).toBe(true);
    expect(agentPod.spec.tolerations).toEqual([{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }]);
    // No nodeSelector or affinity narrows it down.
    expect(agentPod.spec.nodeSelector).toBeUndefined();
    expect(agentPod.spec.affinity).toBeUndefined();
  });

  test('the agent learns its node from the downward API, not from the host', () => {
    const c = agentPod.spec.containers[0];
    const fields = Object.fromEntries(c.env.filter((e: K8sObject) => e.valueFrom?.fieldRef).map((e: K8sObject) => [e.name, e.valueFrom.fieldRef.fieldPath]));
    expect(fields).toEqual({ NODE_NAME: 'spec.nodeName', NODE_IP: 'status.hostIP', POD_NAME: 'metadata.name', POD_IP: 'status.podIP' });
    for (const name of Object.keys(fields)) expect(c.command.join(' ')).toContain(`$${name}`);
    expect(agentPod.spec.volumes).toBeUndefined();
  });

  test('the Deployment spreads its own pods over the nodes, as a preference', () => {
    expect(webPod.spec.topologySpreadConstraints).toEqual([{
      maxSkew: 1,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: web.spec.selector.matchLabels },
    }]);
    const counted = webPod.spec.topologySpreadConstraints[0].labelSelector.matchLabels;
    expect(selects(counted, webPod.metadata.labels)).toBe(true);
    expect(selects(counted, agentPod.metadata.labels)).toBe(false);
  });

  test('replicas come from the profile, more than one so that there is something to spread', () => {
    for (const profile of PROFILE_NAMES) {
      const replicas = findObject(synthExample('scheduling', profile), 'Deployment', 'web').spec.replicas;
      expect(replicas).toBe(getProfile(profile).webReplicas);
      expect(replicas).toBeGreaterThan(1);
    }
  });

  test('the guide covers the node components and a multi-node cluster', () => {
    for (const text of ['kube-apiserver', 'etcd', 'kube-scheduler', 'kube-controller-manager', 'kubelet', 'kube-proxy', 'container runtime',
      'minikube start -p multinode --nodes 2', 'multipass', 'DoNotSchedule', 'ScheduleAnyway', 'kubectl apply -f dist/minikube/scheduling.yaml']) {
      expect(GUIDE).toContain(text);
    }
  });
});
