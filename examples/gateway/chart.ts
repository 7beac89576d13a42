import { Construct } from 'constructs';
import { HttpRoutes, NamespacedChart, WebApp, WebGateway, WhoamiApp, checkIntegerInRange } from '../../lib';
import { Profile } from '../profiles';

export interface GatewayExampleProps {
  readonly profile: Profile;
  /**
   * The share of `shop.demo.test`'s requests, in percent, that the new version `shop-v2` gets;
   * `shop-v1` gets the rest. Raise it step by step as v2 proves itself, to 100 to finish the
   * rollout, or back to 0 to call it off.
   *
   * @default 10
   */
  readonly canaryPercent?: number;
}

/** The host of the path-based routes: `/` goes to `web`, `/api` to `api`. */
export const SITE_HOST = 'demo.test';
/** The host of the canary: its requests are split between `shop-v1` and `shop-v2`. */
export const SHOP_HOST = 'shop.demo.test';

/**
 * The Ingress example's routing, the Gateway API way, plus what Ingress cannot say without
 * controller-specific annotations: a weighted split between two versions of one app.
 *
 * The Gateway `demo` is the entry point; its class (from the profile) names the implementation
 * that runs it. The HTTPRoute `site` sends `demo.test/` to `web` and `demo.test/api` to `api`;
 * the HTTPRoute `shop` sends 90% of `shop.demo.test` to `shop-v1` and 10% to `shop-v2`. Every app
 * is `traefik/whoami`, which answers with the name of its pod: each answer shows where the request
 * went.
 */
export class GatewayExample extends NamespacedChart {
  public readonly web: WebApp;
  public readonly api: WebApp;
  public readonly shopV1: WebApp;
  public readonly shopV2: WebApp;

  constructor(scope: Construct, id: string, props: GatewayExampleProps) {
    super(scope, id, { namespace: 'gateway-demo' });
    const canary = props.canaryPercent ?? 10;
    checkIntegerInRange('canaryPercent', canary, 0, 100);

    // Routing needs one pod per app; the Services example shows load balancing over replicas.
    this.web = new WhoamiApp(this, 'Web', { name: 'web' });
    this.api = new WhoamiApp(this, 'Api', { name: 'api' });
    this.shopV1 = new WhoamiApp(this, 'ShopV1', { name: 'shop-v1' });
    this.shopV2 = new WhoamiApp(this, 'ShopV2', { name: 'shop-v2' });
    const web = this.web.expose('Service', { name: 'web', port: 80 });
    const api = this.api.expose('Service', { name: 'api', port: 80 });
    const shopV1 = this.shopV1.expose('Service', { name: 'shop-v1', port: 80 });
    const shopV2 = this.shopV2.expose('Service', { name: 'shop-v2', port: 80 });

    const gateway = new WebGateway(this, 'Gateway', {
      name: 'demo',
      className: props.profile.gateway.className,
      port: props.profile.gateway.httpPort,
    });

    new HttpRoutes(this, 'Site', {
      name: 'site',
      gateway,
      listener: 'http',
      hosts: [SITE_HOST],
      rules: [
        { path: '/', backends: [{ service: web }] },
        { path: '/api', backends: [{ service: api }] },
      ],
    });

    new HttpRoutes(this, 'Shop', {
      name: 'shop',
      gateway,
      listener: 'http',
      hosts: [SHOP_HOST],
      rules: [{
        path: '/',
        backends: [
          { service: shopV1, weight: 100 - canary },
          { service: shopV2, weight: canary },
        ],
      }],
    });
  }
}
