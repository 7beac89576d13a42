import { k8s } from 'cdk8s-plus-28';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDnsLabel, checkIntegerInRange } from './checks';
import { appLabels } from './labels';
import { SecureContainerProps, secureContainer } from './secure-container';

export interface ContainerDefaultsProps {
  /**
   * Name of the LimitRange.
   *
   * @default 'defaults'
   */
  readonly name?: string;
  /**
   * CPU request, in millicores, of a container that sets none.
   *
   * @default 10
   */
  readonly cpuMillis?: number;
  /**
   * Memory request, in MiB, of a container that sets none.
   *
   * @default 16
   */
  readonly memoryMiB?: number;
  /**
   * Memory limit, in MiB, of a container that sets none.
   *
   * @default 32
   */
  readonly memoryLimitMiB?: number;
  /**
   * The largest memory limit, in MiB, a container of the namespace may set: the API server
   * refuses a pod with a larger one.
   *
   * @default 256
   */
  readonly maxMemoryLimitMiB?: number;
}

/**
 * A LimitRange: defaults for containers that set no resources, filled in by the API server when
 * the pod is created (the pod's spec then shows them), and a ceiling on the memory limit of any
 * container. No CPU limit is given, as everywhere in this library: a CPU limit only throttles.
 *
 * Pods created before the LimitRange keep what they had: it acts at admission only.
 */
export class ContainerDefaults extends Construct {
  public readonly name: string;
  public readonly limitRange: k8s.KubeLimitRange;

  constructor(scope: Construct, id: string, props: ContainerDefaultsProps = {}) {
    super(scope, id);
    this.name = props.name ?? 'defaults';
    checkDnsLabel('name', this.name);
    const cpuMillis = props.cpuMillis ?? 10;
    const memoryMiB = props.memoryMiB ?? 16;
    const memoryLimitMiB = props.memoryLimitMiB ?? 32;
    const maxMemoryLimitMiB = props.maxMemoryLimitMiB ?? 256;
    checkIntegerInRange('cpuMillis', cpuMillis, 1, 64000);
    checkIntegerInRange('memoryMiB', memoryMiB, 1, 1048576);
    checkIntegerInRange('memoryLimitMiB', memoryLimitMiB, 1, 1048576);
    checkIntegerInRange('maxMemoryLimitMiB', maxMemoryLimitMiB, 1, 1048576);
    if (memoryLimitMiB < memoryMiB) {
      throw new Error(`memoryLimitMiB ${memoryLimitMiB} is below memoryMiB ${memoryMiB}: the default limit must be at least the default request`);
    }
    if (maxMemoryLimitMiB < memoryLimitMiB) {
      throw new Error(`maxMemoryLimitMiB ${maxMemoryLimitMiB} is below memoryLimitMiB ${memoryLimitMiB}: the default limit must be within the maximum`);
    }
    const q = (value: string) => k8s.Quantity.fromString(value);
    this.limitRange = new k8s.KubeLimitRange(this, 'Resource', {
      metadata: { name: this.name, labels: appLabels({ name: this.name, component: 'limits' }) },
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: { cpu: q(`${cpuMillis}m`), memory: q(`${memoryMiB}Mi`) },
          default: { memory: q(`${memoryLimitMiB}Mi`) },
          max: { memory: q(`${maxMemoryLimitMiB}Mi`) },
        }],
      },
    });
  }
}

/**
 * The props of {@link secureContainer} without any resources: for a container whose requests and
 * limit come from the namespace's LimitRange ({@link ContainerDefaults}). Everything else (user,
 * read-only root filesystem, capabilities, seccomp, pinned image) is the same.
 */
export function containerWithDefaultResources(props: Omit<SecureContainerProps, 'cpuMillis' | 'memoryMiB' | 'memoryLimitMiB'>): kplus.ContainerProps {
  // cdk8s-plus-28 gives a container without `resources` 1000m CPU and 512Mi; an empty object
  // leaves the field out of the manifest, so the LimitRange applies.
  return { ...secureContainer({ ...props, cpuMillis: 1, memoryMiB: 1 }), resources: {} };
}
