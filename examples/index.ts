import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AppExample } from './app/chart';
import { ConfigExample } from './config/chart';
import { DeploymentExample } from './deployment/chart';
import { GatewayExample } from './gateway/chart';
import { IngressExample } from './ingress/chart';
import { JobsExample } from './jobs/chart';
import { Profile } from './profiles';
import { QuotasExample } from './quotas/chart';
import { RbacExample } from './rbac/chart';
import { ServicesExample } from './services/chart';
import { SidecarsExample } from './sidecars/chart';
import { SchedulingExample } from './scheduling/chart';
import { StatefulSetExample } from './statefulset/chart';

/** An example: one chart, one namespace, one file `dist/<profile>/<name>.yaml`. */
export interface Example {
  /** The chart id, the file name in `dist/` and the folder of its guide under `examples/`. */
  readonly name: string;
  /** The concept it shows, in a few words. */
  readonly concept: string;
  /** Creates the example's chart in `scope`. */
  readonly create: (scope: Construct, profile: Profile) => Chart;
}

/** Every example, in the order a newcomer meets the concepts. */
export const EXAMPLES: readonly Example[] = [
  {
    name: 'deployment',
    concept: 'Deployment → ReplicaSet → Pods, rolling updates and rollbacks',
    create: (scope, profile) => new DeploymentExample(scope, 'deployment', { profile }),
  },
  {
    name: 'services',
    concept: 'Services: ClusterIP, NodePort, LoadBalancer, headless, ExternalName',
    create: (scope, profile) => new ServicesExample(scope, 'services', { profile }),
  },
  {
    name: 'sidecars',
    concept: 'Sidecar containers: a classic log shipper and a native sidecar',
    create: (scope, profile) => new SidecarsExample(scope, 'sidecars', { profile }),
  },
  {
    name: 'ingress',
    concept: 'Ingress: host- and path-based HTTP routing to Services, and TLS',
    create: (scope, profile) => new IngressExample(scope, 'ingress', { profile }),
  },
  {
    name: 'gateway',
    concept: 'Gateway API, the successor of Ingress: routes by host and path, and a 90/10 canary split',
    create: (scope, profile) => new GatewayExample(scope, 'gateway', { profile }),
  },
  {
    name: 'config',
    concept: 'ConfigMap and Secret: env var, envFrom, mounted files, rolling on change',
    create: (scope, profile) => new ConfigExample(scope, 'config', { profile }),
  },
  {
    name: 'statefulset',
    concept: 'StatefulSet: stable names, one volume per pod, ordered start (PostgreSQL)',
    create: (scope, profile) => new StatefulSetExample(scope, 'statefulset', { profile }),
  },
  {
    name: 'jobs',
    concept: 'Jobs and CronJobs: run to completion, in parallel, on a schedule',
    create: (scope, profile) => new JobsExample(scope, 'jobs', { profile }),
  },
  {
    name: 'app',
    concept: 'A complete application: web app + database, ConfigMap, Secret, Ingress, NetworkPolicy',
    create: (scope, profile) => new AppExample(scope, 'app', { profile }),
  },
  {
    name: 'scheduling',
    concept: 'Nodes and scheduling: a DaemonSet, pods spread over nodes',
    create: (scope, profile) => new SchedulingExample(scope, 'scheduling', { profile }),
  },
  {
    name: 'rbac',
    concept: 'ServiceAccount and RBAC: a Role that grants one ConfigMap, and kubectl auth can-i',
    create: (scope, profile) => new RbacExample(scope, 'rbac', { profile }),
  },
  {
    name: 'quotas',
    concept: 'ResourceQuota and LimitRange: a namespace\'s share of the cluster, and defaults for containers',
    create: (scope, profile) => new QuotasExample(scope, 'quotas', { profile }),
  },
];
