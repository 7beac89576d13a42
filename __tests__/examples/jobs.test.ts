import { ITEMS, ITEM_SCRIPT, PARALLEL } from '../../examples/jobs/chart';
import { findObject, findingsOf, synthExample } from '../helpers';

describe('jobs example', () => {
  const objects = synthExample('jobs');
  const job = findObject(objects, 'Job', 'process');
  const cron = findObject(objects, 'CronJob', 'report');

  test('the Job: 6 indexed completions, 2 at a time, retries, a deadline and a TTL', () => {
    expect(job.spec).toMatchObject({
      completions: ITEMS, parallelism: PARALLEL, completionMode: 'Indexed', backoffLimit: 2, activeDeadlineSeconds: 120, ttlSecondsAfterFinished: 600,
    });
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    // Each pod works on the item of its index.
    expect(job.spec.template.spec.containers[0].command).toEqual(['sh', '-c', ITEM_SCRIPT]);
    expect(ITEM_SCRIPT).toContain('$JOB_COMPLETION_INDEX');
  });

  test('the CronJob: every 10 minutes, no overlapping runs, a starting deadline, history limits', () => {
    expect(cron.spec).toMatchObject({
      schedule: '*/10 * * * *', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 60, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1,
    });
    expect(cron.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 1, activeDeadlineSeconds: 60 });
    expect(cron.spec.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
  });

  test('the guide\'s label selector finds the Job\'s pods', () => {
    expect(job.spec.template.metadata.labels['app.kubernetes.io/name']).toBe('process');
  });

  test('the batch rules bite: without a TTL, a starting deadline and a run-to-completion restartPolicy', () => {
    const broken = objects.map((o) => {
      if (o.kind === 'Job') return { ...o, spec: { ...o.spec, ttlSecondsAfterFinished: undefined } };
      if (o.kind === 'CronJob') {
        const template = o.spec.jobTemplate.spec.template;
        return { ...o, spec: { ...o.spec, startingDeadlineSeconds: undefined, jobTemplate: { spec: { ...o.spec.jobTemplate.spec, template: { ...template, spec: { ...template.spec, restartPolicy: 'Always' } } } } } };
      }
      return o;
    });
    expect(findingsOf(broken, ['job-restart-policy', 'job-ttl', 'cronjob-starting-deadline'])).toEqual([
      'job-ttl: Job/jobs-demo/process spec.ttlSecondsAfterFinished',
      'job-restart-policy: CronJob/jobs-demo/report spec.jobTemplate.spec.template.spec.restartPolicy',
      'cronjob-starting-deadline: CronJob/jobs-demo/report spec.startingDeadlineSeconds',
    ]);
  });
});
