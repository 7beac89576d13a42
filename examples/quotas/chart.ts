import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  ContainerDefaults, NamespacedChart, WebApp, WhoamiApp, appLabels, containerWithDefaultResources, imageTag, labelWorkload,
  restrictedPodSecurityContext, selectorLabels,
} from '../../lib';
import { Profile } from '../profiles';

export interface QuotasExampleProps {
  readonly profile: Profile;
}

/** The image of the container that sets no resources. */
export const UNSIZED_IMAGE = 'busybox:1.36.1';

/**
 * Fair shares in a namespace. The namespace's ResourceQuota (`compute`, which every example's
 * namespace has, see NamespacedChart) caps what all its pods together request; the LimitRange
 * `defaults` gives a container that sets no resources its requests and memory limit, and caps the
 * memory limit any container may ask for.
 *
 * `web` sets its own resources; `unsized` sets none and gets the LimitRange's defaults when its pod
 * is created.
 */
export class QuotasExample extends NamespacedChart {
  public readonly defaults: ContainerDefaults;
  public readonly web: WebApp;
  public readonly unsized: kplus.Deployment;

  constructor(scope: Construct, id: string, props: QuotasExampleProps) {
    super(scope, id, { namespace: 'quotas-demo' });
    // First in the file, so that it exists before the first pod is created.
    this.defaults = new ContainerDefaults(this, 'Defaults', { cpuMillis: 10, memoryMiB: 16, memoryLimitMiB: 32, maxMemoryLimitMiB: 128 });

    this.web = new WhoamiApp(this, 'Web', { name: 'web', replicas: props.profile.webReplicas });

    this.unsized = new kplus.Deployment(this, 'Unsized', {
      metadata: { name: 'unsized' },
      replicas: 1,
      select: false,
      securityContext: restrictedPodSecurityContext(65534),
    });
    labelWorkload(this.unsized, selectorLabels({ name: 'unsized' }), appLabels({ name: 'unsized', version: imageTag(UNSIZED_IMAGE), component: 'worker' }));
    this.unsized.addContainer(containerWithDefaultResources({
      name: 'unsized',
      image: UNSIZED_IMAGE,
      // Sleep in short steps so that the pod stops at once when deleted (sh ignores SIGTERM).
      command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 5 & wait; done'],
      user: 65534,
    }));
  }
}
