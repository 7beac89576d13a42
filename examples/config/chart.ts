import { Construct } from 'constructs';
import { AppConfig, NamespacedChart, WebApp } from '../../lib';
import { Profile } from '../profiles';

export interface ConfigExampleProps {
  readonly profile: Profile;
  /**
   * The app's settings: the data of the ConfigMap `app-config`. Keys must be environment
   * variable names (the app reads them through `envFrom`) and include `GREETING`.
   *
   * @default SETTINGS
   */
  readonly settings?: Record<string, string>;
}

/** The settings the example ships; change one, synth and apply, and the pods roll. */
export const SETTINGS: Record<string, string> = {
  GREETING: 'Hello from a ConfigMap',
  COLOR: 'teal',
};

export const CONFIG_MAP = 'app-config';
export const SECRET = 'app-secret';
export const SECRET_KEY = 'api-token';
/** Where the ConfigMap's keys appear as files. */
export const CONFIG_DIR = '/etc/app';
/**
 * The demo value of the Secret in the local profiles. Not a credential: it exists so that the
 * example runs as soon as it is applied. The cloud profile ships no value at all.
 */
export const DEMO_TOKEN = 'not-a-real-token-local-demo-only';

/**
 * The app: a shell script that reads its configuration once, at startup (as most apps do),
 * writes what it read to a page and serves it with busybox httpd. The Secret's value is never
 * printed, only its length.
 */
export function appScript(settings: Record<string, string>): string {
  return [
    'mkdir -p /tmp/www',
    '{',
    '  echo "$HOSTNAME read its configuration when it started:"',
    `  echo "  env  MESSAGE = $MESSAGE   (configMapKeyRef ${CONFIG_MAP}/GREETING)"`,
    ...Object.keys(settings).sort().map((key) => `  echo "  env  ${key} = $${key}   (envFrom ${CONFIG_MAP})"`),
    `  for f in ${CONFIG_DIR}/*; do echo "  file $f = $(cat "$f")   (configMap volume ${CONFIG_MAP})"; done`,
    `  echo "  env  API_TOKEN = \${#API_TOKEN} characters, not shown   (secretKeyRef ${SECRET}/${SECRET_KEY})"`,
    '} > /tmp/www/index.html',
    'cat /tmp/www/index.html',
    'httpd -f -p 8080 -h /tmp/www &',
    'trap \'kill $!; exit 0\' TERM',
    'wait',
  ].join('\n');
}

/**
 * One ConfigMap consumed three ways (one key as an env var, every key as env vars, every key as
 * a file), one Secret consumed as an env var through `secretKeyRef`, and a checksum of both on
 * the pod template, so that a changed value rolls the pods.
 *
 * In the local profiles the chart writes the Secret with a demo value (`stringData`). The cloud
 * profile ships no Secret: it is created out of band, and the Deployment says so in its
 * `k8s-by-example/external-refs` annotation.
 */
export class ConfigExample extends NamespacedChart {
  public readonly config: AppConfig;
  public readonly web: WebApp;

  constructor(scope: Construct, id: string, props: ConfigExampleProps) {
    super(scope, id, { namespace: 'config-demo' });
    const settings = props.settings ?? SETTINGS;
    this.config = new AppConfig(this, 'Config', {
      name: CONFIG_MAP,
      data: settings,
      secret: props.profile.demoSecrets
        ? { name: SECRET, stringData: { [SECRET_KEY]: DEMO_TOKEN } }
        : { name: SECRET, keys: [SECRET_KEY] },
    });

    this.web = new WebApp(this, 'Web', {
      name: 'web',
      image: 'busybox:1.36.1',
      // busybox has no ENTRYPOINT, so args is the whole command line.
      args: ['sh', '-c', appScript(settings)],
      user: 65534,
      port: 8080,
      writablePaths: ['/tmp'],
      replicas: props.profile.webReplicas,
      cpuMillis: 5,
      memoryMiB: 8,
      memoryLimitMiB: 32,
      envVariables: {
        MESSAGE: this.config.envValue('GREETING'),
        API_TOKEN: this.config.secretEnvValue(SECRET_KEY),
      },
    });
    this.web.container.env.copyFrom(this.config.envFrom());
    this.config.mount(this.web.container, CONFIG_DIR);
    this.config.consumedBy(this.web.deployment);
  }
}
