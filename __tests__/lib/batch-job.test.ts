import { App, Testing } from 'cdk8s';
import { BatchJob, BatchJobProps, NamespacedChart, ScheduledJob, ScheduledJobProps } from '../../lib';
import { findingsOf } from '../helpers';

const chart = () => new NamespacedChart(new App(), 'test', { namespace: 'test' });
const base = { name: 'work', image: 'busybox:1.36.1', command: ['true'] };
const only = (c: NamespacedChart, kind: string) => Testing.synth(c).find((o) => o.kind === kind);

describe('BatchJob', () => {
  test('defaults: one pod, 2 retries, 300 s deadline, deleted an hour after it finished, Never, restricted, app labels only', () => {
    const c = chart();
    new BatchJob(c, 'Job', base);
    const job = only(c, 'Job');
    expect(job.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 2, activeDeadlineSeconds: 300, ttlSecondsAfterFinished: 3600 });
    expect(job.spec.completionMode).toBeUndefined();
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(Object.keys(job.spec.template.metadata.labels).sort()).toEqual([
      'app.kubernetes.io/component', 'app.kubernetes.io/instance', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/name',
      'app.kubernetes.io/part-of', 'app.kubernetes.io/version']);
    expect(job.spec.template.spec.containers[0]).toMatchObject({
      name: 'work', command: ['true'], resources: { requests: { cpu: '5m', memory: '8Mi' }, limits: { memory: '32Mi' } },
      securityContext: { runAsUser: 65534, runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    });
    expect(findingsOf(Testing.synth(c), ['job-restart-policy', 'job-ttl', 'run-as-non-root', 'seccomp-profile', 'resources'])).toEqual([]);
  });

  test('completions, parallelism, indexed, OnFailure', () => {
    const c = chart();
    new BatchJob(c, 'Job', { ...base, completions: 6, parallelism: 2, indexed: true, restartPolicy: 'OnFailure', ttlSecondsAfterFinished: 0 });
    const job = only(c, 'Job');
    expect(job.spec).toMatchObject({ completions: 6, parallelism: 2, completionMode: 'Indexed', ttlSecondsAfterFinished: 0 });
    expect(job.spec.template.spec.restartPolicy).toBe('OnFailure');
  });

  test.each<[string, Partial<BatchJobProps>, string]>([
    ['an empty command', { command: [] }, 'command is empty: a Job needs a command that exits'],
    ['no completions', { completions: 0 }, 'completions 0 is outside 1-100000'],
    ['more parallel pods than completions', { completions: 2, parallelism: 3 }, 'parallelism 3 is outside 1-2'],
    ['a negative backoffLimit', { backoffLimit: -1 }, 'backoffLimit -1 is outside 0-100'],
    ['a deadline of 0', { activeDeadlineSeconds: 0 }, 'activeDeadlineSeconds 0 is outside 1-604800'],
    ['a negative ttl', { ttlSecondsAfterFinished: -5 }, 'ttlSecondsAfterFinished -5 is outside 0-2592000'],
    ['a name with capitals', { name: 'Work' }, 'name "Work" is not a DNS label: use at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit'],
  ])('refuses %s', (_, props, message) => {
    expect(() => new BatchJob(chart(), 'Job', { ...base, ...props })).toThrow(new Error(message));
  });
});

describe('ScheduledJob', () => {
  test('defaults: Forbid, a 60 s starting deadline, history 3 and 1, the Job settings in its template', () => {
    const c = chart();
    new ScheduledJob(c, 'Cron', { ...base, schedule: '*/10 * * * *', completions: 2, parallelism: 2 });
    const cron = only(c, 'CronJob');
    expect(cron.spec).toMatchObject({
      schedule: '*/10 * * * *', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 60, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, suspend: false,
    });
    expect(cron.spec.jobTemplate.spec).toMatchObject({ completions: 2, parallelism: 2, backoffLimit: 2, activeDeadlineSeconds: 300 });
    // A CronJob's Jobs are cleaned up by its history limits, not by a TTL.
    expect(cron.spec.jobTemplate.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(cron.spec.jobTemplate.spec.template.metadata.labels['app.kubernetes.io/name']).toBe('work');
    expect(cron.spec.jobTemplate.spec.template.metadata.labels['cdk8s.io/metadata.addr']).toBeUndefined();
    expect(findingsOf(Testing.synth(c), ['job-restart-policy', 'cronjob-starting-deadline'])).toEqual([]);
  });

  test('time zone, Replace, history', () => {
    const c = chart();
    new ScheduledJob(c, 'Cron', { ...base, schedule: '0 3 * * mon-fri', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Replace', history: { successful: 0, failed: 5 } });
    expect(only(c, 'CronJob').spec).toMatchObject({ schedule: '0 3 * * mon-fri', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Replace', successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 5 });
  });

  test.each<[string, Partial<ScheduledJobProps>, string]>([
    ['four fields', { schedule: '*/5 * * *' }, 'schedule "*/5 * * *" is not a cron schedule: give five fields (minute hour day-of-month month day-of-week), e.g. "*/5 * * * *"'],
    ['a macro', { schedule: '@hourly' }, 'schedule "@hourly" is not a cron schedule: give five fields (minute hour day-of-month month day-of-week), e.g. "*/5 * * * *"'],
    ['a starting deadline of 0', { startingDeadlineSeconds: 0 }, 'startingDeadlineSeconds 0 is outside 1-86400'],
    ['a negative history', { history: { successful: -1, failed: 1 } }, 'history.successful -1 is outside 0-100'],
    ['a name over 52 characters', { name: 'a'.repeat(53) }, `name "${'a'.repeat(53)}" has 53 characters: a CronJob name has at most 52`],
  ])('refuses %s', (_, props, message) => {
    expect(() => new ScheduledJob(chart(), 'Cron', { ...base, schedule: '* * * * *', ...props })).toThrow(new Error(message));
  });
});
