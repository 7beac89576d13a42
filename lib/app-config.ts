import { createHash } from 'crypto';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkAbsolutePath, checkConfigKey, checkDnsLabel, checkDnsSubdomain, checkObjectKey, showValue } from './checks';
import { DEFAULT_ANNOTATION_PREFIX, addExternalRef, annotationKey } from './external-refs';
import { appLabels } from './labels';

/** The Secret of an {@link AppConfig}: either demo values written by the chart, or a Secret created out of band. */
export interface AppConfigSecretProps {
  /** Name of the Secret. */
  readonly name: string;
  /**
   * The values, written as `stringData`. The API server stores them base64-encoded in `data`:
   * an encoding, not encryption. For demo values only: a real credential never goes into a chart,
   * a repository or `dist/`.
   *
   * @default - the chart does not create the Secret: it is created out of band and only referenced
   */
  readonly stringData?: Record<string, string>;
  /**
   * Without `stringData`: the keys the Secret created out of band must have. References to other
   * keys are refused when the chart is built.
   *
   * @default - required when there is no `stringData`
   */
  readonly keys?: string[];
}

export interface AppConfigProps {
  /** Name of the ConfigMap. */
  readonly name: string;
  /** The settings. Keys that are environment variable names can also be used with `envFrom()`. */
  readonly data: Record<string, string>;
  /**
   * A Secret for the values that must not be read by everyone who can read the ConfigMap.
   *
   * @default - no Secret
   */
  readonly secret?: AppConfigSecretProps;
}

/**
 * The pod-template annotation that carries the checksum of the configuration, with the default
 * prefix; {@link AppConfig.consumedBy} writes the key of the prefix in effect
 * (`ANNOTATION_PREFIX_CONTEXT`).
 */
export const CONFIG_CHECKSUM_ANNOTATION = `${DEFAULT_ANNOTATION_PREFIX}/config-checksum`;

/** A name a shell can read as a variable: what `envFrom()` requires of every key. */
const SHELL_ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Entries sorted by key, so that the checksum does not depend on the order they were written in. */
const sorted = (data: Record<string, string>) => Object.keys(data).sort().map((key) => [key, data[key]]);

/**
 * An app's configuration: a ConfigMap and, optionally, a Secret, with the three ways a container
 * consumes them (one key as an env var, every key as env vars, keys as files) and a checksum that
 * rolls the pods when a value changes.
 *
 * Environment variables are read once, when the container starts; files of a mounted ConfigMap
 * are updated in place after a change (within a minute or two), but most apps read them only at
 * startup too. So a change reaches the app only through new pods. {@link consumedBy} puts a
 * checksum of every value on the pod template: a changed value changes the template, and the
 * Deployment rolls out new pods, as it does for a new image.
 */
export class AppConfig extends Construct {
  public readonly configMap: kplus.ConfigMap;
  /** The Secret, created by the chart or referenced by name; undefined without one. */
  public readonly secret?: kplus.ISecret;
  /** Whether the Secret is created out of band (not by the chart). */
  public readonly secretIsExternal: boolean;
  /**
   * SHA-256 of every value (ConfigMap data and Secret stringData) and of the names: changes
   * exactly when one of them does. Deterministic: no timestamp, no randomness.
   */
  public readonly checksum: string;

  private readonly data: Record<string, string>;
  private readonly secretKeys: string[];
  private volume?: kplus.Volume;

  constructor(scope: Construct, id: string, props: AppConfigProps) {
    super(scope, id);
    checkDnsLabel('name', props.name);
    if (Object.keys(props.data).length === 0) throw new Error('data is empty: give at least one key');
    for (const key of Object.keys(props.data)) {
      checkConfigKey('data key', key);
      checkObjectKey('data key', key);
    }
    const secret = props.secret;
    if (secret) {
      checkDnsSubdomain('secret.name', secret.name);
      if (secret.stringData && secret.keys) throw new Error('secret has both stringData and keys: give stringData (the chart creates the Secret) or keys (it is created out of band)');
      if (!secret.stringData && !secret.keys) throw new Error('secret needs stringData (the chart creates the Secret) or keys (it is created out of band)');
      if (secret.stringData) {
        if (Object.keys(secret.stringData).length === 0) throw new Error('secret.stringData is empty: give at least one key');
        for (const key of Object.keys(secret.stringData)) {
          checkConfigKey('secret.stringData key', key);
          checkObjectKey('secret.stringData key', key);
        }
        // The Secret the chart creates carries its name as the app.kubernetes.io/name label.
        if (secret.name.length > 63) throw new Error(`secret.name ${showValue(secret.name)} is ${secret.name.length} characters long: a Secret the chart creates is labelled with its name, at most 63 characters`);
      } else {
        if (secret.keys!.length === 0) throw new Error('secret.keys is empty: give at least one key');
        secret.keys!.forEach((key, i) => checkConfigKey(`secret.keys[${i}]`, key));
      }
    }

    this.data = { ...props.data };
    this.configMap = new kplus.ConfigMap(this, 'Resource', {
      metadata: { name: props.name, labels: appLabels({ name: props.name, component: 'config' }) },
      data: this.data,
    });
    this.secretIsExternal = secret !== undefined && secret.stringData === undefined;
    this.secretKeys = secret ? (secret.stringData ? Object.keys(secret.stringData) : [...secret.keys!]) : [];
    if (secret?.stringData) {
      this.secret = new kplus.Secret(this, 'Secret', {
        metadata: { name: secret.name, labels: appLabels({ name: secret.name, component: 'config' }) },
        stringData: { ...secret.stringData },
      });
    } else if (secret) {
      this.secret = kplus.Secret.fromSecretName(this, 'Secret', secret.name);
    }
    this.checksum = createHash('sha256').update(JSON.stringify({
      configMap: [props.name, sorted(this.data)],
      secret: secret ? [secret.name, secret.stringData ? sorted(secret.stringData) : 'external'] : null,
    })).digest('hex');
  }

  /** An env var with the value of one ConfigMap key (`configMapKeyRef`). */
  public envValue(key: string): kplus.EnvValue {
    if (!Object.keys(this.data).includes(key)) throw new Error(`envValue() key ${showValue(key)} is not a key of configMap "${this.configMap.name}": its keys are ${Object.keys(this.data).join(', ')}`);
    return kplus.EnvValue.fromConfigMap(this.configMap, key, { optional: false });
  }

  /** An env var with the value of one Secret key (`secretKeyRef`): the value never appears in the pod spec. */
  public secretEnvValue(key: string): kplus.EnvValue {
    if (!this.secret) throw new Error(`secretEnvValue() key ${showValue(key)} needs a secret: add secret to the props`);
    if (!this.secretKeys.includes(key)) throw new Error(`secretEnvValue() key ${showValue(key)} is not a key of secret "${this.secret.name}": its keys are ${this.secretKeys.join(', ')}`);
    return this.secret.envValue(key, { optional: false });
  }

  /**
   * Every ConfigMap key as an env var of the same name (`envFrom`). Refused when a key is not an
   * environment variable name: a cluster would skip it, or on newer versions set a variable no
   * shell can read.
   */
  public envFrom(): kplus.EnvFrom {
    const bad = Object.keys(this.data).filter((key) => !SHELL_ENV_NAME.test(key));
    if (bad.length > 0) throw new Error(`envFrom() data key ${showValue(bad[0])} is not an environment variable name a shell can read: use envValue() or mount() for it`);
    return kplus.Env.fromConfigMap(this.configMap);
  }

  /**
   * Mounts the ConfigMap read-only at `path`: one file per key, named after the key. The kubelet
   * updates the files in place after a change (no `subPath`, which would freeze them).
   */
  public mount(container: kplus.Container, path: string): void {
    checkAbsolutePath('mount() path', path);
    this.volume ??= kplus.Volume.fromConfigMap(this, 'Volume', this.configMap, { name: this.configMap.name });
    container.mount(path, this.volume, { readOnly: true });
  }

  /**
   * Registers a workload that consumes this configuration: its pod template gets the checksum
   * annotation, so a changed value rolls its pods; and when the Secret is created out of band,
   * the workload is annotated with that external reference.
   */
  public consumedBy(workload: kplus.Workload): void {
    workload.podMetadata.addAnnotation(annotationKey(this, 'config-checksum'), this.checksum);
    if (this.secret && this.secretIsExternal) addExternalRef(workload, 'Secret', this.secret.name);
  }
}
