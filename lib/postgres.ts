import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkConfigKey, checkDns1035Label, checkDnsLabel, checkDnsSubdomain, checkIntegerInRange, checkVersionedImage } from './checks';
import { addExternalRef } from './external-refs';
import { appLabels, labelWorkload, selectPods, selectorLabels } from './labels';
import { memoryOf, restrictedPodSecurityContext, secureContainer } from './secure-container';

/** The PostgreSQL image the construct runs unless told otherwise: Alpine based, user 70. */
export const POSTGRES_IMAGE = 'postgres:17.6-alpine';

/** Where a Secret that the construct does not create keeps the database user and password. */
export interface PostgresCredentials {
  /**
   * Name of a Secret in the same namespace. The construct only refers to it: create it with
   * `kubectl create secret generic` (so no password is ever written into a file), or in your chart.
   */
  readonly secretName: string;
  /**
   * The key that holds the user name.
   *
   * @default 'username'
   */
  readonly usernameKey?: string;
  /**
   * The key that holds the password.
   *
   * @default 'password'
   */
  readonly passwordKey?: string;
}

export interface PostgresProps {
  /** The database created on first start (`POSTGRES_DB`), owned by the user from the Secret. */
  readonly database: string;
  /** The Secret with the user name and password. */
  readonly credentials: PostgresCredentials;
  /**
   * Name of the StatefulSet and of its headless Service; pods are `<name>-0`, `<name>-1`, ...
   *
   * @default 'postgres'
   */
  readonly name?: string;
  /**
   * Number of pods. Each is an independent PostgreSQL server with its own volume: more replicas
   * are more databases, not a replicated one.
   *
   * @default 1
   */
  readonly replicas?: number;
  /**
   * The image, pinned to a version tag. PostgreSQL 18 and newer keep their data elsewhere
   * (`/var/lib/postgresql/<major>/docker`); this construct is written for 13-17.
   *
   * @default POSTGRES_IMAGE
   */
  readonly image?: string;
  /**
   * The numeric user (and group, and fsGroup) of the image's `postgres` user: 70 in the Alpine
   * tags, 999 in the Debian tags.
   *
   * @default 70
   */
  readonly user?: number;
  /**
   * The StorageClass of each pod's volume: a DNS subdomain, or `''` for no class (the claims
   * then bind only to PersistentVolumes created by hand).
   *
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * Size of each pod's volume in GiB.
   *
   * @default 1
   */
  readonly storageGiB?: number;
  /**
   * CPU request in millicores.
   *
   * @default 50
   */
  readonly cpuMillis?: number;
  /**
   * Memory request in MiB.
   *
   * @default 64 (or `memoryLimitMiB`, when that is smaller)
   */
  readonly memoryMiB?: number;
  /**
   * Memory limit in MiB.
   *
   * @default - four times `memoryMiB` (`MEMORY_LIMIT_FACTOR`): 256 with the default request
   */
  readonly memoryLimitMiB?: number;
}

/** Where the volume is mounted; PostgreSQL's data is a subdirectory of it (see {@link Postgres.PGDATA}). */
const DATA_MOUNT = '/var/lib/postgresql/data';

/**
 * PostgreSQL as a StatefulSet: every pod has a stable name (`postgres-0`), a stable DNS name
 * (`postgres-0.postgres`) through a headless Service, and a volume of its own that follows it
 * when the pod is replaced (`data-postgres-0`).
 *
 * Pods start one at a time, each once the previous one is ready. A PodDisruptionBudget lets a
 * node drain evict only one pod at a time. The credentials Secret is not created here: the
 * StatefulSet lists it in its `k8s-by-example/external-refs` annotation (see
 * {@link addExternalRef}). The volume comes from `volumeClaimTemplates`, which
 * cdk8s-plus-28's StatefulSet does not support; the construct adds it to the generated object.
 */
export class Postgres extends Construct {
  /** The port PostgreSQL listens on, in the pods and on the Service. */
  public static readonly PORT = 5432;
  /** PostgreSQL's data directory: a subdirectory of the volume, which may hold a `lost+found`. */
  public static readonly PGDATA = `${DATA_MOUNT}/pgdata`;
  /** Name of the volume claim template; the claim of pod `<name>-N` is `data-<name>-N`. */
  public static readonly DATA_VOLUME = 'data';

  public readonly name: string;
  public readonly replicas: number;
  public readonly database: string;
  public readonly secretName: string;
  public readonly usernameKey: string;
  public readonly passwordKey: string;
  /** The labels that select the pods (StatefulSet, Service, PodDisruptionBudget selectors). */
  public readonly selector: Record<string, string>;
  /** The labels on every object of this database. */
  public readonly labels: Record<string, string>;
  /** The headless Service (`clusterIP: None`) that gives each pod its DNS name. */
  public readonly service: kplus.Service;
  public readonly statefulSet: kplus.StatefulSet;
  public readonly container: kplus.Container;
  public readonly disruptionBudget: k8s.KubePodDisruptionBudget;

  constructor(scope: Construct, id: string, props: PostgresProps) {
    super(scope, id);
    this.name = props.name ?? 'postgres';
    // The name is also the headless Service's: a DNS label that starts with a letter.
    checkDns1035Label('name', this.name);
    if (this.name.length > 52) {
      throw new Error(`name "${this.name}" has ${this.name.length} characters: a StatefulSet name longer than 52 leaves its pods without a controller-revision-hash label`);
    }
    checkDnsLabel('database', props.database);
    checkDnsSubdomain('credentials.secretName', props.credentials.secretName);
    this.usernameKey = props.credentials.usernameKey ?? 'username';
    checkConfigKey('credentials.usernameKey', this.usernameKey);
    this.passwordKey = props.credentials.passwordKey ?? 'password';
    checkConfigKey('credentials.passwordKey', this.passwordKey);
    this.replicas = props.replicas ?? 1;
    checkIntegerInRange('replicas', this.replicas, 0, 100);
    const storageGiB = props.storageGiB ?? 1;
    checkIntegerInRange('storageGiB', storageGiB, 1, 65536);
    if (props.storageClassName !== undefined && props.storageClassName !== '') checkDnsSubdomain('storageClassName', props.storageClassName);
    const image = props.image ?? POSTGRES_IMAGE;
    const version = checkVersionedImage('image', image);
    const user = props.user ?? 70;
    checkIntegerInRange('user', user, 1, 2147483647);
    const cpuMillis = props.cpuMillis ?? 50;
    checkIntegerInRange('cpuMillis', cpuMillis, 1, 64000);
    const memory = memoryOf(props, 64);

    this.database = props.database;
    this.secretName = props.credentials.secretName;
    this.selector = selectorLabels({ name: this.name });
    this.labels = appLabels({ name: this.name, version, component: 'database' });

    this.service = new kplus.Service(this, 'Service', {
      metadata: { name: this.name, labels: this.labels },
      clusterIP: 'None',
      ports: [{ name: 'postgres', port: Postgres.PORT, targetPort: Postgres.PORT }],
    });
    selectPods(this.service, this.selector);

    this.statefulSet = new kplus.StatefulSet(this, 'Resource', {
      metadata: { name: this.name },
      service: this.service,
      replicas: this.replicas,
      podManagementPolicy: kplus.PodManagementPolicy.ORDERED_READY,
      select: false,
      // fsGroup: the volume is group-owned by the postgres group, so the non-root user can write it.
      securityContext: restrictedPodSecurityContext(user),
    });
    labelWorkload(this.statefulSet, this.selector, this.labels);
    // Handing the Service to the StatefulSet makes cdk8s-plus add its generated, hashed pod
    // label to the Service's selector; the pods do not carry it (see labelWorkload).
    ApiObject.of(this.service).addJsonPatch(JsonPatch.remove(`/spec/selector/${kplus.Pod.ADDRESS_LABEL.replace(/\//g, '~1')}`));
    addExternalRef(this.statefulSet, 'Secret', this.secretName);

    const secret = kplus.Secret.fromSecretName(this, 'Credentials', this.secretName);
    this.container = this.statefulSet.addContainer(secureContainer({
      name: 'postgres',
      image,
      user,
      ports: [{ number: Postgres.PORT, name: 'postgres' }],
      envVariables: {
        POSTGRES_USER: kplus.EnvValue.fromSecretValue({ secret, key: this.usernameKey }),
        POSTGRES_PASSWORD: kplus.EnvValue.fromSecretValue({ secret, key: this.passwordKey }),
        POSTGRES_DB: kplus.EnvValue.fromValue(this.database),
        PGDATA: kplus.EnvValue.fromValue(Postgres.PGDATA),
        // psql and pg_isready run inside the container (the readiness probe, `kubectl exec`)
        // then connect as the database's owner to the database, with no arguments.
        PGUSER: kplus.EnvValue.fromValue('$(POSTGRES_USER)'),
        PGDATABASE: kplus.EnvValue.fromValue('$(POSTGRES_DB)'),
      },
      // Ready once the server accepts TCP connections. During the first start the image's
      // entrypoint runs a server on the Unix socket only, so the pod is not ready before that
      // setup is done. No liveness probe: restarting a database in crash recovery only delays it.
      readiness: kplus.Probe.fromCommand(['pg_isready', '--host', '127.0.0.1', '--port', String(Postgres.PORT)], {
        periodSeconds: Duration.seconds(5),
        timeoutSeconds: Duration.seconds(3),
        failureThreshold: 2,
      }),
      cpuMillis,
      ...memory,
    }));
    // The root filesystem is read-only: the server's socket and lock file, and the entrypoint's
    // temporary files, go to emptyDirs.
    this.container.mount('/var/run/postgresql', kplus.Volume.fromEmptyDir(this, 'Run', 'run', { sizeLimit: Size.mebibytes(8) }));
    this.container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'Tmp', 'tmp', { sizeLimit: Size.mebibytes(32) }));

    // One PersistentVolumeClaim per pod, created from this template by the StatefulSet controller.
    // The template cannot change after creation, so its labels leave out the version.
    // Patches apply before the object serializes its typed fields: a size is a Quantity here.
    ApiObject.of(this.statefulSet).addJsonPatch(
      JsonPatch.add('/spec/volumeClaimTemplates', [{
        metadata: { name: Postgres.DATA_VOLUME, labels: appLabels({ name: this.name, component: 'database' }) },
        spec: {
          accessModes: ['ReadWriteOnce'],
          ...(props.storageClassName !== undefined ? { storageClassName: props.storageClassName } : {}),
          resources: { requests: { storage: k8s.Quantity.fromString(`${storageGiB}Gi`) } },
        },
      }]),
      // The default, spelled out: claims stay when the StatefulSet is deleted or scaled down, and a
      // pod that comes back gets its old data.
      JsonPatch.add('/spec/persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' }),
      JsonPatch.add('/spec/template/spec/containers/0/volumeMounts/-', { name: Postgres.DATA_VOLUME, mountPath: DATA_MOUNT }),
    );

    // Voluntary disruptions (`kubectl drain`, node upgrades) evict at most one pod at a time.
    this.disruptionBudget = new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: { name: this.name, labels: this.labels },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.selector } },
    });
  }

  /** Name of pod `ordinal`: `<name>-<ordinal>`. */
  public podName(ordinal: number): string {
    return this.pod('podName()', ordinal);
  }

  /**
   * DNS name of pod `ordinal` within the namespace, `<pod>.<service>`; the full name is
   * `<pod>.<service>.<namespace>.svc.cluster.local`. It always reaches that pod, whatever its IP.
   */
  public podHost(ordinal: number): string {
    return `${this.pod('podHost()', ordinal)}.${this.service.name}`;
  }

  /** Name of the PersistentVolumeClaim of pod `ordinal`: `<template>-<pod>`. */
  public claimName(ordinal: number): string {
    return `${Postgres.DATA_VOLUME}-${this.pod('claimName()', ordinal)}`;
  }

  /** The name of pod `ordinal`; throws, naming `method`, unless the StatefulSet has that pod. */
  private pod(method: string, ordinal: number): string {
    checkIntegerInRange(`${method} ordinal`, ordinal, 0, this.replicas - 1);
    return `${this.name}-${ordinal}`;
  }
}
