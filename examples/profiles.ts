import * as kplus from 'cdk8s-plus-28';

/**
 * What differs between the clusters the examples run on. The profile is chosen at synth time;
 * everything else is the same on every cluster.
 */
export interface Profile {
  /** The name given on the command line (`npm run synth -- --profile k3s`). */
  readonly name: string;
  /** One line for `--help` and error messages. */
  readonly description: string;
  /**
   * The IngressClass that serves Ingress objects.
   * Undefined: leave `ingressClassName` out, and the cluster's default IngressClass serves them.
   */
  readonly ingressClassName?: string;
  /**
   * The StorageClass that provisions volumes.
   * Undefined: leave `storageClassName` out, and the cluster's default StorageClass is used.
   */
  readonly storageClassName?: string;
  /** How a Service is reached from outside the cluster when an example exposes one. */
  readonly externalServiceType: kplus.ServiceType;
  /** Replicas of a stateless web app. */
  readonly webReplicas: number;
  /**
   * The most replicas the autoscaled web app (the deployment example) may scale to: the examples
   * together must still fit the cluster at that count.
   */
  readonly webMaxReplicas: number;
  /**
   * The most nodes the guides run the examples on: a namespace's ResourceQuota leaves room for
   * one pod of each DaemonSet per node (the scheduling guide grows minikube to three nodes).
   */
  readonly maxNodes: number;
  /**
   * Whether `dist/` may carry demo Secret values (written as `stringData`) so that an example
   * runs as soon as it is applied. False: the examples ship no credential at all; each Secret is
   * created out of band and only referenced by name.
   *
   * @default false
   */
  readonly demoSecrets?: boolean;
}

export const PROFILES: readonly Profile[] = [
  {
    name: 'minikube',
    description: 'a default `minikube start` (2 CPUs, ingress addon: class nginx, storage class standard)',
    ingressClassName: 'nginx',
    storageClassName: 'standard',
    externalServiceType: kplus.ServiceType.NODE_PORT,
    webReplicas: 2,
    webMaxReplicas: 4,
    maxNodes: 3,
    demoSecrets: true,
  },
  {
    name: 'k3s',
    description: 'k3s, one node or several (Traefik ingress, local-path storage, ServiceLB load balancers)',
    ingressClassName: 'traefik',
    storageClassName: 'local-path',
    externalServiceType: kplus.ServiceType.LOAD_BALANCER,
    webReplicas: 2,
    webMaxReplicas: 4,
    maxNodes: 3,
    demoSecrets: true,
  },
  {
    name: 'cloud',
    description: 'a managed cloud cluster (its default ingress and storage classes, cloud load balancers)',
    externalServiceType: kplus.ServiceType.LOAD_BALANCER,
    webReplicas: 3,
    webMaxReplicas: 6,
    maxNodes: 10,
    demoSecrets: false,
  },
];

/** The profile used when none is given. */
export const DEFAULT_PROFILE = 'minikube';

/** Returns the profile of that name, or throws an error that lists the valid ones. */
export function getProfile(name: string = DEFAULT_PROFILE): Profile {
  const profile = PROFILES.find((p) => p.name === name);
  if (!profile) {
    throw new Error(`unknown profile "${name}": valid profiles are ${PROFILES.map((p) => p.name).join(', ')}`);
  }
  return profile;
}
