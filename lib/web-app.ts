import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkAbsolutePath, checkContainerPort, checkDns1035Label, checkDnsLabel, checkEnvVarNames, checkIntegerInRange, checkLabelValue, checkVersionedImage, claimNodePort, showValue, trimChar } from './checks';
import { appLabels, labelWorkload, selectPods, selectorLabels } from './labels';
import { memoryOf, restrictedPodSecurityContext, secureContainer } from './secure-container';

export interface WebAppProps {
  /** Name of the Deployment, its container and its pods' `app.kubernetes.io/name` label. */
  readonly name: string;
  /** The image, pinned to a version tag; the tag is also the `app.kubernetes.io/version` label. */
  readonly image: string;
  /** The port the container listens on (1024-65535: the container runs as a non-root user). */
  readonly port: number;
  /**
   * Number of pods. Leave it out when `autoscaling` is set: the autoscaler owns the count.
   *
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Scale the Deployment on CPU with a HorizontalPodAutoscaler instead of a fixed `replicas`.
   * The Deployment then sets no `spec.replicas`, so a re-apply does not reset what the
   * autoscaler chose.
   *
   * @default - no autoscaler: `replicas` pods
   */
  readonly autoscaling?: WebAppAutoscaling;
  /**
   * A PodDisruptionBudget with `maxUnavailable: 1`: a node drain (or any other eviction) takes
   * down at most one pod at a time and waits until its replacement is ready before the next.
   * `maxUnavailable` rather than `minAvailable: replicas - 1`, so that it stays right when the
   * replica count changes (by hand or by the autoscaler).
   *
   * @default - true when the app runs more than one pod (replicas, or autoscaling.minReplicas); a
   * budget for one pod would either block every drain or allow the one pod's eviction anyway
   */
  readonly disruptionBudget?: boolean;
  /**
   * Arguments to the image's entrypoint.
   *
   * @default - the image's CMD
   */
  readonly args?: string[];
  /**
   * Environment variables.
   *
   * @default - none
   */
  readonly envVariables?: Record<string, kplus.EnvValue>;
  /**
   * The numeric user (and group) the container runs as; it must suit the image.
   *
   * @default 65532
   */
  readonly user?: number;
  /**
   * CPU request in millicores.
   *
   * @default 10
   */
  readonly cpuMillis?: number;
  /**
   * Memory request in MiB.
   *
   * @default 16 (or `memoryLimitMiB`, when that is smaller)
   */
  readonly memoryMiB?: number;
  /**
   * Memory limit in MiB.
   *
   * @default - four times `memoryMiB` (`MEMORY_LIMIT_FACTOR`): 64 with the default request
   */
  readonly memoryLimitMiB?: number;
  /**
   * The HTTP path that answers 200 when the app is ready and alive.
   *
   * @default '/'
   */
  readonly healthPath?: string;
  /**
   * The HTTP path the liveness probe asks, when "alive" differs from "ready" (an app whose
   * readiness check needs its database should not be restarted when the database is down).
   *
   * @default - healthPath
   */
  readonly livenessPath?: string;
  /**
   * Directories the image writes to; each gets an emptyDir, since the root filesystem is read-only.
   *
   * @default ['/tmp']
   */
  readonly writablePaths?: string[];
  /**
   * How many old ReplicaSets to keep for `kubectl rollout undo`.
   *
   * @default 5
   */
  readonly revisionHistoryLimit?: number;
  /**
   * The `app.kubernetes.io/component` label.
   *
   * @default 'web'
   */
  readonly component?: string;
}

/** How {@link WebApp} scales on CPU. */
export interface WebAppAutoscaling {
  /**
   * The fewest pods.
   *
   * @default 1
   */
  readonly minReplicas?: number;
  /** The most pods: make sure the cluster (and the namespace's quota) has room for them. */
  readonly maxReplicas: number;
  /**
   * The average CPU use the autoscaler aims at, in percent of the CPU request (`cpuMillis`).
   *
   * @default 70
   */
  readonly cpuUtilizationPercent?: number;
  /**
   * How long the load must stay low before pods are removed: the autoscaler scales down to the
   * highest recommendation of this window, so a short dip does not remove pods that are needed
   * again a minute later.
   *
   * @default 300 (the Kubernetes default)
   */
  readonly scaleDownStabilizationSeconds?: number;
}

/** Options for {@link WebApp.expose}. */
export interface WebAppExposeProps {
  /** Name of the Service: also its DNS name inside the cluster. */
  readonly name: string;
  /**
   * The Service type.
   *
   * @default kplus.ServiceType.CLUSTER_IP
   */
  readonly type?: kplus.ServiceType;
  /**
   * The port clients connect to on the Service's address.
   *
   * @default 80
   */
  readonly port?: number;
  /**
   * With type NodePort or LoadBalancer: the port opened on every node (30000-32767, unique in
   * the cluster).
   *
   * @default - the cluster picks a free one
   */
  readonly nodePort?: number;
  /**
   * A headless Service has no virtual IP: its DNS name resolves to the pods' own addresses.
   * Only for type ClusterIP.
   *
   * @default false
   */
  readonly headless?: boolean;
}

/**
 * A stateless HTTP app: a Deployment, which creates a ReplicaSet, which creates the pods.
 *
 * Changing anything in the pod template (a new image tag, say) makes the Deployment create a new
 * ReplicaSet and move pods over one at a time: one extra pod first (`maxSurge: 1`), never fewer
 * ready pods than asked for (`maxUnavailable: 0`). Old ReplicaSets are kept, scaled to zero, for
 * `kubectl rollout undo`.
 */
export class WebApp extends Construct {
  public readonly name: string;
  public readonly port: number;
  /** The labels that select this app's pods (Deployment selector, Service selector). */
  public readonly selector: Record<string, string>;
  /** The labels on every object of this app. */
  public readonly labels: Record<string, string>;
  public readonly deployment: kplus.Deployment;
  public readonly container: kplus.Container;
  /** The autoscaler, when `autoscaling` is set. */
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The PodDisruptionBudget, when the app has one (see `disruptionBudget`). */
  public readonly disruptionBudget?: k8s.KubePodDisruptionBudget;

  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id);
    checkDnsLabel('name', props.name);
    const version = checkVersionedImage('image', props.image);
    checkContainerPort('port', props.port);
    const replicas = props.replicas ?? 1;
    checkIntegerInRange('replicas', replicas, 0, 1000);
    const autoscaling = props.autoscaling;
    if (autoscaling) {
      if (props.replicas !== undefined) {
        throw new Error(`replicas ${props.replicas} is set with autoscaling: the autoscaler owns the replica count, set autoscaling.minReplicas instead`);
      }
      checkIntegerInRange('autoscaling.minReplicas', autoscaling.minReplicas ?? 1, 1, 1000);
      checkIntegerInRange('autoscaling.maxReplicas', autoscaling.maxReplicas, autoscaling.minReplicas ?? 1, 1000);
      checkIntegerInRange('autoscaling.cpuUtilizationPercent', autoscaling.cpuUtilizationPercent ?? 70, 1, 1000);
      checkIntegerInRange('autoscaling.scaleDownStabilizationSeconds', autoscaling.scaleDownStabilizationSeconds ?? 300, 0, 3600);
    }
    const fewestPods = autoscaling ? autoscaling.minReplicas ?? 1 : replicas;
    const revisionHistoryLimit = props.revisionHistoryLimit ?? 5;
    checkIntegerInRange('revisionHistoryLimit', revisionHistoryLimit, 0, 100);
    const user = props.user ?? 65532;
    checkIntegerInRange('user', user, 1, 2147483647);
    const cpuMillis = props.cpuMillis ?? 10;
    checkIntegerInRange('cpuMillis', cpuMillis, 1, 64000);
    const memory = memoryOf(props, 16);
    checkEnvVarNames('envVariables', props.envVariables);
    const component = props.component ?? 'web';
    checkLabelValue('component', component);
    const healthPath = props.healthPath ?? '/';
    checkAbsolutePath('healthPath', healthPath);
    const livenessPath = props.livenessPath ?? healthPath;
    checkAbsolutePath('livenessPath', livenessPath);
    const writablePaths = props.writablePaths ?? ['/tmp'];
    writablePaths.forEach((path, i) => checkAbsolutePath(`writablePaths[${i}]`, path));
    const directories = writablePaths.map((p) => trimChar(p, '/'));
    directories.forEach((directory, i) => {
      const first = directories.indexOf(directory);
      if (first < i) throw new Error(`writablePaths[${i}] ${showValue(writablePaths[i])} is the same directory as writablePaths[${first}]`);
    });
    // The volume is named after the path: /var/cache/nginx -> var-cache-nginx.
    const volumeNames = writablePaths.map((p) => trimChar(trimChar(p.toLowerCase().replace(/[^a-z0-9]+/g, '-'), '-', true).slice(0, 63), '-'));
    volumeNames.forEach((volumeName, i) => {
      const first = volumeNames.indexOf(volumeName);
      if (first < i) throw new Error(`writablePaths[${i}] ${showValue(writablePaths[i])} makes volume name ${showValue(volumeName)}, as writablePaths[${first}] does: give the paths different letters or digits`);
      if (volumeName === '') throw new Error(`writablePaths[${i}] ${showValue(writablePaths[i])} makes an empty volume name: use a path with letters or digits`);
    });

    this.name = props.name;
    this.port = props.port;
    this.selector = selectorLabels({ name: props.name });
    this.labels = appLabels({ name: props.name, version, component });

    this.deployment = new kplus.Deployment(this, 'Resource', {
      metadata: { name: props.name },
      replicas,
      select: false,
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.absolute(1),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      securityContext: restrictedPodSecurityContext(user),
    });
    // No spec.replicas: the autoscaler's count would be reset by every apply otherwise.
    if (autoscaling) this.deployment.markHasAutoscaler();
    labelWorkload(this.deployment, this.selector, this.labels);
    // cdk8s-plus-28 has no prop for the revision history.
    ApiObject.of(this.deployment).addJsonPatch(JsonPatch.add('/spec/revisionHistoryLimit', revisionHistoryLimit));

    const health = (path: string, failureThreshold: number, period: number) => kplus.Probe.fromHttpGet(path, {
      port: props.port,
      periodSeconds: Duration.seconds(period),
      failureThreshold,
      timeoutSeconds: Duration.seconds(2),
    });
    this.container = this.deployment.addContainer(secureContainer({
      name: props.name,
      image: props.image,
      args: props.args,
      envVariables: props.envVariables,
      ports: [{ number: props.port, name: 'http' }],
      user,
      cpuMillis,
      ...memory,
      readiness: health(healthPath, 1, 5),
      liveness: health(livenessPath, 3, 10),
    }));
    writablePaths.forEach((path, i) => {
      const volumeName = volumeNames[i];
      const volume = kplus.Volume.fromEmptyDir(this, `Writable-${volumeName}`, volumeName, { sizeLimit: Size.mebibytes(32) });
      this.container.mount(path, volume);
    });

    if (autoscaling) {
      this.autoscaler = new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
        metadata: { name: props.name, labels: this.labels },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.name },
          minReplicas: autoscaling.minReplicas ?? 1,
          maxReplicas: autoscaling.maxReplicas,
          metrics: [{
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.cpuUtilizationPercent ?? 70 } },
          }],
          behavior: { scaleDown: { stabilizationWindowSeconds: autoscaling.scaleDownStabilizationSeconds ?? 300 } },
        },
      });
    }
    if (props.disruptionBudget ?? fewestPods > 1) {
      this.disruptionBudget = new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata: { name: props.name, labels: this.labels },
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.selector } },
      });
    }
  }

  /**
   * Exposes the app through a Service: this is what `kubectl expose deployment` creates. The
   * Service selects the app's pods by their labels and forwards its `port` to the container port
   * (`targetPort`).
   */
  public expose(id: string, props: WebAppExposeProps): kplus.Service {
    const type = props.type ?? kplus.ServiceType.CLUSTER_IP;
    const port = props.port ?? 80;
    checkDns1035Label('expose() name', props.name);
    if (!Object.values(kplus.ServiceType).includes(type)) {
      throw new Error(`expose() type ${showValue(type)} is not a Service type: use ${Object.values(kplus.ServiceType).join(', ')}`);
    }
    checkIntegerInRange('expose() port', port, 1, 65535);
    if (props.nodePort !== undefined) {
      if (type !== kplus.ServiceType.NODE_PORT && type !== kplus.ServiceType.LOAD_BALANCER) {
        throw new Error(`expose() nodePort ${showValue(props.nodePort)} needs type NodePort or LoadBalancer, not ${type}`);
      }
      checkIntegerInRange('expose() nodePort', props.nodePort, 30000, 32767);
    }
    if (props.headless && type !== kplus.ServiceType.CLUSTER_IP) {
      throw new Error(`expose() headless needs type ClusterIP, not ${type}`);
    }
    const service = new kplus.Service(this, id, {
      metadata: { name: props.name, labels: this.labels },
      type,
      clusterIP: props.headless ? 'None' : undefined,
      ports: [{ name: 'http', port, targetPort: this.port, nodePort: props.nodePort }],
    });
    if (props.nodePort !== undefined) claimNodePort(service, props.nodePort, 'expose() nodePort');
    selectPods(service, this.selector);
    return service;
  }
}
