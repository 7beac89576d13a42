import { Construct } from 'constructs';
import { WebApp } from './web-app';

/** The image of {@link WhoamiApp}: a tiny Go server, no shell, writes nothing. */
export const WHOAMI_IMAGE = 'traefik/whoami:v1.10.1';

export interface WhoamiAppProps {
  /** Name of the Deployment and its pods' `app.kubernetes.io/name` label. */
  readonly name: string;
  /**
   * Number of pods.
   *
   * @default 1
   */
  readonly replicas?: number;
}

/**
 * An HTTP app on port 8080 that answers every request with the name of the pod that served it,
 * its IPs and the request's headers: what a learner needs to see load balancing, routing and
 * scheduling at work. 5m CPU and 8Mi requested.
 */
export class WhoamiApp extends WebApp {
  constructor(scope: Construct, id: string, props: WhoamiAppProps) {
    super(scope, id, {
      name: props.name,
      image: WHOAMI_IMAGE,
      args: ['--port', '8080'],
      port: 8080,
      writablePaths: [],
      replicas: props.replicas,
      cpuMillis: 5,
      memoryMiB: 8,
      memoryLimitMiB: 32,
    });
  }
}
