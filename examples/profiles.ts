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
  /**
   * The Gateway API implementation that serves Gateways: the GatewayClass a Gateway names (unlike
   * an IngressClass, Gateway API has no default class, so every profile names one), and the port
   * its HTTP listener must use.
   */
  readonly gateway: GatewayProfile;
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

/** What a profile says about the cluster's Gateway API implementation. */
export interface GatewayProfile {
  /** The GatewayClass (`kubectl get gatewayclass`). */
  readonly className: string;
  /**
   * The port of a Gateway's HTTP listener. Envoy Gateway accepts any port and maps it to an
   * unprivileged one inside its proxy; Traefik only serves listeners on the port of one of its
   * entry points (8000 for `web`, which its Service exposes as 80).
   */
  readonly httpPort: number;
}

export const PROFILES: readonly Profile[] = [
  {
    name: 'minikube',
    description: 'a default `minikube start` (2 CPUs, ingress addon: class nginx, storage class standard)',
    ingressClassName: 'nginx',
    storageClassName: 'standard',
    // Envoy Gateway, installed as examples/gateway/README.md shows; the guide creates the class.
    gateway: { className: 'eg', httpPort: 80 },
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
    // k3s's Traefik with its Gateway provider turned on (a HelmChartConfig): it creates the class.
    gateway: { className: 'traefik', httpPort: 8000 },
    externalServiceType: kplus.ServiceType.LOAD_BALANCER,
    webReplicas: 2,
    webMaxReplicas: 4,
    maxNodes: 3,
    demoSecrets: true,
  },
  {
    name: 'cloud',
    description: 'a managed cloud cluster (its default ingress and storage classes, cloud load balancers)',
    // The cluster's own class goes here (`kubectl get gatewayclass`, e.g. gke-l7-global-external-managed
    // on GKE); eg is the Envoy Gateway install of the guide, which works on any cluster.
    gateway: { className: 'eg', httpPort: 80 },
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
