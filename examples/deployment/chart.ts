import { Construct } from 'constructs';
import { NamespacedChart, Toolbox, WebApp } from '../../lib';
import { Profile } from '../profiles';

/** The image tag the example starts from; the guide rolls out a newer one. */
export const WEB_IMAGE_TAG = '1.27.4-alpine';

export interface DeploymentExampleProps {
  readonly profile: Profile;
  /**
   * The nginx image tag. Changing it changes the pod template, so the Deployment rolls out a new
   * ReplicaSet.
   *
   * @default WEB_IMAGE_TAG
   */
  readonly imageTag?: string;
}

/**
 * A Deployment creates a ReplicaSet, which creates the pods. A new image tag makes a new
 * ReplicaSet; the old one is scaled down and kept for `kubectl rollout undo`.
 *
 * A HorizontalPodAutoscaler owns the replica count: between the profile's `webReplicas` and
 * `webMaxReplicas`, aiming at half the CPU request on average. A PodDisruptionBudget lets a drain
 * take one pod at a time. The toolbox pod is the load generator of the guide.
 */
export class DeploymentExample extends NamespacedChart {
  public readonly web: WebApp;
  public readonly toolbox: Toolbox;

  constructor(scope: Construct, id: string, props: DeploymentExampleProps) {
    super(scope, id, { namespace: 'deployment-demo' });
    this.web = new WebApp(this, 'Web', {
      name: 'web',
      // The unprivileged nginx image runs as user 101 on port 8080 and writes only under /tmp.
      image: `nginxinc/nginx-unprivileged:${props.imageTag ?? WEB_IMAGE_TAG}`,
      user: 101,
      port: 8080,
      writablePaths: ['/tmp'],
      autoscaling: {
        minReplicas: props.profile.webReplicas,
        maxReplicas: props.profile.webMaxReplicas,
        // Half of the 10m CPU request: a single wget loop is enough load to see it scale.
        cpuUtilizationPercent: 50,
        // One minute instead of five, so that the guide sees it scale back down.
        scaleDownStabilizationSeconds: 60,
      },
    });
    this.web.expose('Service', { name: 'web', port: 80 });
    this.toolbox = new Toolbox(this, 'Toolbox');
  }
}
