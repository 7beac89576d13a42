import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AllowOnlyFrom, NamespacedChart, POSTGRES_IMAGE, Postgres, Toolbox, WebApp, WebIngress, addExternalRef, appLabels, imageTag } from '../../lib';
import { Profile } from '../profiles';

export interface AppExampleProps {
  readonly profile: Profile;
}

/** The NodePort of the app; every example uses its own, since a NodePort is cluster-wide. */
export const APP_NODE_PORT = 30090;
/** The host name the Ingress answers for (`.example` is reserved: it never resolves on the internet). */
export const APP_HOST = 'miniflux.example';
/**
 * The Secret the guide creates with `kubectl create secret`, shared by the database and the app:
 * `username` and `password` of the database, `admin-password` of the app's first user.
 */
export const APP_SECRET = 'app-credentials';
/** Miniflux, a feed reader: a Go web app that keeps everything in PostgreSQL. */
export const MINIFLUX_IMAGE = 'miniflux/miniflux:2.2.19';

/**
 * A complete application: a web app (Miniflux) and its database (PostgreSQL, the construct of the
 * statefulset example). Settings come from a ConfigMap, credentials from a Secret that both use,
 * and a NetworkPolicy lets only the app reach the database port. Reached through a NodePort
 * Service and an Ingress.
 */
export class AppExample extends NamespacedChart {
  public readonly postgres: Postgres;
  public readonly settings: kplus.ConfigMap;
  public readonly web: WebApp;
  public readonly ingress: kplus.Ingress;

  constructor(scope: Construct, id: string, props: AppExampleProps) {
    super(scope, id, { namespace: 'app-demo' });

    this.postgres = new Postgres(this, 'Postgres', {
      database: 'miniflux',
      credentials: { secretName: APP_SECRET },
      storageClassName: props.profile.storageClassName,
    });

    this.settings = new kplus.ConfigMap(this, 'Settings', {
      metadata: { name: 'miniflux', labels: appLabels({ name: 'miniflux', version: imageTag(MINIFLUX_IMAGE), component: 'frontend' }) },
      data: {
        LISTEN_ADDR: '0.0.0.0:8080',
        // Create or update the tables, and the first user, on every start.
        RUN_MIGRATIONS: '1',
        CREATE_ADMIN: '1',
        ADMIN_USERNAME: 'admin',
        POLLING_FREQUENCY: '60',
        // The database: pod 0 of the StatefulSet, by its stable DNS name. Not the Service name,
        // which would spread connections over all pods, each a separate database.
        DB_HOST: this.postgres.podHost(0),
        DB_PORT: String(Postgres.PORT),
        DB_NAME: this.postgres.database,
      },
    });
    const setting = (key: string) => kplus.EnvValue.fromConfigMap(this.settings, key);
    const secret = kplus.Secret.fromSecretName(this, 'Credentials', APP_SECRET);
    const credential = (key: string) => kplus.EnvValue.fromSecretValue({ secret, key });

    this.web = new WebApp(this, 'Web', {
      name: 'miniflux',
      image: MINIFLUX_IMAGE,
      // The image's USER is nobody (65534 in Alpine); it listens on 8080 and writes nothing.
      user: 65534,
      port: 8080,
      replicas: 1,
      cpuMillis: 20,
      memoryMiB: 32,
      memoryLimitMiB: 128,
      // Ready: the database answers. Alive: the process answers (restarting it would not help a
      // database that is down).
      healthPath: '/healthcheck',
      livenessPath: '/liveness',
      writablePaths: ['/tmp'],
      component: 'frontend',
      envVariables: {
        LISTEN_ADDR: setting('LISTEN_ADDR'),
        RUN_MIGRATIONS: setting('RUN_MIGRATIONS'),
        CREATE_ADMIN: setting('CREATE_ADMIN'),
        ADMIN_USERNAME: setting('ADMIN_USERNAME'),
        ADMIN_PASSWORD: credential('admin-password'),
        POLLING_FREQUENCY: setting('POLLING_FREQUENCY'),
        DB_HOST: setting('DB_HOST'),
        DB_PORT: setting('DB_PORT'),
        DB_NAME: setting('DB_NAME'),
        DB_USER: credential(this.postgres.usernameKey),
        DB_PASSWORD: credential(this.postgres.passwordKey),
        // Kubernetes replaces $(NAME) with the value of a variable defined above this one, so the
        // URL is assembled in the container and the password appears in no object.
        DATABASE_URL: kplus.EnvValue.fromValue('postgres://$(DB_USER):$(DB_PASSWORD)@$(DB_HOST):$(DB_PORT)/$(DB_NAME)?sslmode=disable'),
      },
    });
    addExternalRef(this.web.deployment, 'Secret', APP_SECRET);

    const service = this.web.expose('Service', { name: 'miniflux', port: 80 });
    this.web.expose('NodePort', { name: 'miniflux-nodeport', type: kplus.ServiceType.NODE_PORT, port: 80, nodePort: APP_NODE_PORT });
    this.ingress = new WebIngress(this, 'Ingress', {
      name: 'miniflux',
      className: props.profile.ingressClassName,
      routes: [{ host: APP_HOST, service }],
    }).ingress;

    // Only Miniflux may connect to the database port; the toolbox below may not.
    new AllowOnlyFrom(this, 'DatabaseAccess', {
      name: 'postgres-from-miniflux',
      pods: this.postgres.selector,
      from: [this.web.selector],
      ports: [Postgres.PORT],
      labels: this.postgres.labels,
    });

    // A pod that is not Miniflux, with pg_isready, to see the NetworkPolicy refuse it.
    new Toolbox(this, 'Toolbox', { image: POSTGRES_IMAGE });
  }
}
