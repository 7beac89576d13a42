import { ApiObject, Chart, Cron, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDnsLabel, checkIntegerInRange, imageTag } from './checks';
import { appLabels } from './labels';
import { restrictedPodSecurityContext, secureContainer } from './secure-container';

/** What a run-to-completion pod does, and how its Job retries and gives up. */
export interface RunToCompletionProps {
  /** Name of the Job (or CronJob), its container and its pods' `app.kubernetes.io/name` label. */
  readonly name: string;
  /** The image, pinned to a version tag. */
  readonly image: string;
  /** The command; the pod succeeds when it exits 0. */
  readonly command: string[];
  /**
   * Environment variables.
   *
   * @default - none
   */
  readonly envVariables?: Record<string, kplus.EnvValue>;
  /**
   * The numeric user (and group) the container runs as; it must suit the image.
   *
   * @default 65534
   */
  readonly user?: number;
  /**
   * CPU request in millicores, per pod.
   *
   * @default 5
   */
  readonly cpuMillis?: number;
  /**
   * Memory request in MiB, per pod.
   *
   * @default 8
   */
  readonly memoryMiB?: number;
  /**
   * Memory limit in MiB.
   *
   * @default 32
   */
  readonly memoryLimitMiB?: number;
  /**
   * How many pods must succeed for the Job to complete.
   *
   * @default 1
   */
  readonly completions?: number;
  /**
   * How many pods run at once, at most `completions`. Each counts in the cluster's requests.
   *
   * @default 1
   */
  readonly parallelism?: number;
  /**
   * Give every pod an index, 0 to completions - 1, in `JOB_COMPLETION_INDEX` (and its name): the
   * Job completes when each index has succeeded once, so each pod can take its own share of
   * the work.
   *
   * @default false
   */
  readonly indexed?: boolean;
  /**
   * How many failed pods the Job retries (with a growing delay) before it fails.
   *
   * @default 2
   */
  readonly backoffLimit?: number;
  /**
   * Seconds the Job may run in all, retries included; then its pods are stopped and it fails
   * with reason DeadlineExceeded. A Job that hangs otherwise runs (and holds its requests) forever.
   *
   * @default 300
   */
  readonly activeDeadlineSeconds?: number;
  /**
   * `Never`: a failed pod stays (its logs can be read) and a new pod retries. `OnFailure`: the
   * kubelet restarts the container in the same pod.
   *
   * @default 'Never'
   */
  readonly restartPolicy?: 'Never' | 'OnFailure';
}

/** Checks the props shared by {@link BatchJob} and {@link ScheduledJob}; returns the defaults applied. */
function resolve(props: RunToCompletionProps) {
  checkDnsLabel('name', props.name);
  if (props.command.length === 0) throw new Error('command is empty: a Job needs a command that exits');
  const completions = props.completions ?? 1;
  checkIntegerInRange('completions', completions, 1, 100000);
  const parallelism = props.parallelism ?? 1;
  checkIntegerInRange('parallelism', parallelism, 1, completions);
  const backoffLimit = props.backoffLimit ?? 2;
  checkIntegerInRange('backoffLimit', backoffLimit, 0, 100);
  const activeDeadlineSeconds = props.activeDeadlineSeconds ?? 300;
  checkIntegerInRange('activeDeadlineSeconds', activeDeadlineSeconds, 1, 86400 * 7);
  return { completions, parallelism, backoffLimit, activeDeadlineSeconds, user: props.user ?? 65534 };
}

/** The restricted container of a run-to-completion pod. */
function container(props: RunToCompletionProps, user: number): kplus.ContainerProps {
  return secureContainer({
    name: props.name,
    image: props.image,
    command: props.command,
    envVariables: props.envVariables,
    user,
    cpuMillis: props.cpuMillis ?? 5,
    memoryMiB: props.memoryMiB ?? 8,
    memoryLimitMiB: props.memoryLimitMiB ?? 32,
  });
}

/**
 * Puts the app's labels on the workload and its pods, and removes cdk8s-plus's hashed
 * `cdk8s.io/metadata.addr` pod label (Kubernetes labels a Job's pods with the Job itself).
 */
function label(workload: kplus.Job | kplus.CronJob, labels: Record<string, string>, templatePath: string): void {
  for (const [key, value] of Object.entries(labels)) workload.metadata.addLabel(key, value);
  for (const [key, value] of Object.entries({ ...Chart.of(workload).labels, ...labels })) workload.podMetadata.addLabel(key, value);
  ApiObject.of(workload).addJsonPatch(JsonPatch.remove(`${templatePath}/metadata/labels/${kplus.Pod.ADDRESS_LABEL.replace(/\//g, '~1')}`));
}

/** The Job spec fields cdk8s-plus-28 has no prop for. */
function jobPatches(at: string, r: ReturnType<typeof resolve>, indexed: boolean): JsonPatch[] {
  return [
    JsonPatch.add(`${at}/completions`, r.completions),
    JsonPatch.add(`${at}/parallelism`, r.parallelism),
    ...(indexed ? [JsonPatch.add(`${at}/completionMode`, 'Indexed')] : []),
  ];
}

export interface BatchJobProps extends RunToCompletionProps {
  /**
   * Seconds after the Job finished (complete or failed) until the cluster deletes it and its
   * pods. Without it they stay until someone deletes them.
   *
   * @default 3600
   */
  readonly ttlSecondsAfterFinished?: number;
}

/**
 * A Job: pods that run to completion. The Job controller starts `parallelism` pods at a time until
 * `completions` of them have succeeded, replaces a failed one up to `backoffLimit` times, stops
 * everything after `activeDeadlineSeconds`, and `ttlSecondsAfterFinished` later deletes the Job
 * and its pods. The pods are restricted like every pod of this library.
 */
export class BatchJob extends Construct {
  public readonly job: kplus.Job;

  constructor(scope: Construct, id: string, props: BatchJobProps) {
    super(scope, id);
    const r = resolve(props);
    const ttl = props.ttlSecondsAfterFinished ?? 3600;
    checkIntegerInRange('ttlSecondsAfterFinished', ttl, 0, 86400 * 30);
    this.job = new kplus.Job(this, 'Resource', {
      metadata: { name: props.name },
      backoffLimit: r.backoffLimit,
      activeDeadline: Duration.seconds(r.activeDeadlineSeconds),
      ttlAfterFinished: Duration.seconds(ttl),
      restartPolicy: props.restartPolicy === 'OnFailure' ? kplus.RestartPolicy.ON_FAILURE : kplus.RestartPolicy.NEVER,
      securityContext: restrictedPodSecurityContext(r.user),
    });
    label(this.job, appLabels({ name: props.name, version: imageTag(props.image), component: 'job' }), '/spec/template');
    ApiObject.of(this.job).addJsonPatch(...jobPatches('/spec', r, props.indexed ?? false));
    this.job.addContainer(container(props, r.user));
  }
}

export interface ScheduledJobProps extends RunToCompletionProps {
  /** When to run, in cron syntax: minute, hour, day of month, month, day of week (`*\/5 * * * *`: every 5 minutes). */
  readonly schedule: string;
  /**
   * The time zone of the schedule, e.g. `Europe/Berlin`.
   *
   * @default - the time zone of the kube-controller-manager (UTC on most clusters)
   */
  readonly timeZone?: string;
  /**
   * What happens when a run is due while the previous one still runs: `Forbid` skips the new
   * run, `Replace` stops the old one, `Allow` runs both.
   *
   * @default 'Forbid'
   */
  readonly concurrencyPolicy?: 'Forbid' | 'Replace' | 'Allow';
  /**
   * Seconds after its scheduled time that a run may still start (when the controller was down, or
   * `Forbid` held it back); later it is skipped. Without it, a controller that missed more than
   * 100 runs stops scheduling the CronJob.
   *
   * @default 60
   */
  readonly startingDeadlineSeconds?: number;
  /**
   * Finished Jobs kept, with their pods and logs: successful ones, and failed ones.
   *
   * @default { successful: 3, failed: 1 }
   */
  readonly history?: { readonly successful: number; readonly failed: number };
}

/** Five cron fields: digits, names (`mon`, `jan`), `*`, `,`, `-` and `/`. */
const CRON_FIELD = /^[0-9A-Za-z*,/-]+$/;

/**
 * A CronJob: a Job created on a schedule, from a Job template. It keeps a few finished Jobs for
 * their logs (`history`) and deletes older ones; `concurrencyPolicy` decides what happens when runs
 * overlap, `startingDeadlineSeconds` how late a run may start.
 */
export class ScheduledJob extends Construct {
  public readonly cronJob: kplus.CronJob;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    // A CronJob's name gets an 11-character suffix for its Jobs, and a Job name is a label value.
    if (props.name.length > 52) throw new Error(`name "${props.name}" has ${props.name.length} characters: a CronJob name has at most 52`);
    const r = resolve(props);
    const fields = props.schedule.trim().split(/\s+/);
    if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f))) {
      throw new Error(`schedule "${props.schedule}" is not a cron schedule: give five fields (minute hour day-of-month month day-of-week), e.g. "*/5 * * * *"`);
    }
    const startingDeadlineSeconds = props.startingDeadlineSeconds ?? 60;
    checkIntegerInRange('startingDeadlineSeconds', startingDeadlineSeconds, 1, 86400);
    const history = props.history ?? { successful: 3, failed: 1 };
    checkIntegerInRange('history.successful', history.successful, 0, 100);
    checkIntegerInRange('history.failed', history.failed, 0, 100);
    const [minute, hour, day, month, weekDay] = fields;
    const policies = { Forbid: kplus.ConcurrencyPolicy.FORBID, Replace: kplus.ConcurrencyPolicy.REPLACE, Allow: kplus.ConcurrencyPolicy.ALLOW };

    this.cronJob = new kplus.CronJob(this, 'Resource', {
      metadata: { name: props.name },
      schedule: Cron.schedule({ minute, hour, day, month, weekDay }),
      timeZone: props.timeZone,
      concurrencyPolicy: policies[props.concurrencyPolicy ?? 'Forbid'],
      startingDeadline: Duration.seconds(startingDeadlineSeconds),
      successfulJobsRetained: history.successful,
      failedJobsRetained: history.failed,
      backoffLimit: r.backoffLimit,
      activeDeadline: Duration.seconds(r.activeDeadlineSeconds),
      restartPolicy: props.restartPolicy === 'OnFailure' ? kplus.RestartPolicy.ON_FAILURE : kplus.RestartPolicy.NEVER,
      securityContext: restrictedPodSecurityContext(r.user),
    });
    label(this.cronJob, appLabels({ name: props.name, version: imageTag(props.image), component: 'cronjob' }), '/spec/jobTemplate/spec/template');
    ApiObject.of(this.cronJob).addJsonPatch(...jobPatches('/spec/jobTemplate/spec', r, props.indexed ?? false));
    this.cronJob.addContainer(container(props, r.user));
  }
}
