import { Construct } from 'constructs';
import { NamespacedChart, WebApp } from '../../lib';
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
 */
export class DeploymentExample extends NamespacedChart {
  public readonly web: WebApp;

  constructor(scope: Construct, id: string, props: DeploymentExampleProps) {
    super(scope, id, { namespace: 'deployment-demo' });
    this.web = new WebApp(this, 'Web', {
      name: 'web',
      // The unprivileged nginx image runs as user 101 on port 8080 and writes only under /tmp.
      image: `nginxinc/nginx-unprivileged:${props.imageTag ?? WEB_IMAGE_TAG}`,
      user: 101,
      port: 8080,
      writablePaths: ['/tmp'],
      replicas: props.profile.webReplicas,
    });
  }
}
