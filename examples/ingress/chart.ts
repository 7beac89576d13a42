import { Construct } from 'constructs';
import { NamespacedChart, WebApp, WebIngress, WhoamiApp } from '../../lib';
import { Profile } from '../profiles';

export interface IngressExampleProps {
  readonly profile: Profile;
}

/** The host of the path-based routes: `/` goes to `web`, `/api` to `api`. */
export const SITE_HOST = 'demo.test';
/** A second host for host-based routing: everything goes to `api`. */
export const API_HOST = 'api.demo.test';
/** The host served over HTTPS. */
export const SECURE_HOST = 'secure.demo.test';
/** The TLS Secret, created out of band (never in `dist/`): see the guide. */
export const TLS_SECRET = 'demo-tls';

/**
 * Two apps behind one entry point. The Ingress `demo` routes by host and path; the Ingress
 * `demo-secure` serves a third host over HTTPS with a certificate from a Secret that the user
 * creates. Both apps are `traefik/whoami`, which answers with the name of its pod and the request
 * it received, so each answer shows where the request went and what the ingress controller added
 * (the X-Forwarded-* headers).
 */
export class IngressExample extends NamespacedChart {
  public readonly web: WebApp;
  public readonly api: WebApp;

  constructor(scope: Construct, id: string, props: IngressExampleProps) {
    super(scope, id, { namespace: 'ingress-demo' });
    // Routing needs one pod per app; the Services example shows load balancing over replicas.
    this.web = new WhoamiApp(this, 'Web', { name: 'web' });
    this.api = new WhoamiApp(this, 'Api', { name: 'api' });
    const web = this.web.expose('Service', { name: 'web', port: 80 });
    const api = this.api.expose('Service', { name: 'api', port: 80 });

    new WebIngress(this, 'Routes', {
      name: 'demo',
      className: props.profile.ingressClassName,
      routes: [
        { host: SITE_HOST, path: '/', service: web },
        { host: SITE_HOST, path: '/api', service: api },
        { host: API_HOST, service: api },
      ],
    });

    new WebIngress(this, 'Secure', {
      name: 'demo-secure',
      className: props.profile.ingressClassName,
      routes: [{ host: SECURE_HOST, service: web }],
      tls: { secretName: TLS_SECRET },
    });
  }
}
