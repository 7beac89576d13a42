// Jobs and CronJobs: run-to-completion work. What the API server refuses (a pod template that
// restarts Always), and the defaults that kube-linter and kube-score warn about: a finished Job
// that stays forever, and a CronJob without a starting deadline.
import { Finding, Manifest, Rule } from '../types';
import { finding } from './helpers';
import { ManifestSet } from '../manifest-set';

function jobs(set: ManifestSet): Manifest[] {
  return set.ofKind('Job').filter((m) => m.object?.apiVersion === 'batch/v1');
}

function cronJobs(set: ManifestSet): Manifest[] {
  return set.ofKind('CronJob').filter((m) => m.object?.apiVersion === 'batch/v1');
}

const RUN_TO_COMPLETION = ['OnFailure', 'Never'];

export const jobRestartPolicy: Rule = {
  id: 'job-restart-policy',
  family: 'schema',
  description: 'the pods of a Job or CronJob set restartPolicy OnFailure or Never: the API server refuses the default, Always, since a pod that always restarts never completes',
  check: (set) => [
    ...jobs(set).map((m) => ({ m, path: 'spec.template.spec.restartPolicy', spec: m.object.spec?.template?.spec })),
    ...cronJobs(set).map((m) => ({ m, path: 'spec.jobTemplate.spec.template.spec.restartPolicy', spec: m.object.spec?.jobTemplate?.spec?.template?.spec })),
  ].flatMap(({ m, path, spec }): Finding[] => {
    if (spec === undefined || spec === null) return [];
    const policy = spec.restartPolicy;
    if (RUN_TO_COMPLETION.includes(policy)) return [];
    return [finding('job-restart-policy', m, path, `${policy === undefined ? 'is not set (the default is Always)' : `is ${JSON.stringify(policy)}`}: `
      + 'a Job\'s pods must set restartPolicy OnFailure (retry in the same pod) or Never (a new pod per retry), or the API server refuses it')];
  }),
};

export const jobTtl: Rule = {
  id: 'job-ttl',
  family: 'hardening',
  description: 'a Job that no CronJob manages sets ttlSecondsAfterFinished: otherwise the finished Job and its pods stay until someone deletes them (a CronJob\'s history limits clean up its own)',
  check: (set) => jobs(set).flatMap((m): Finding[] => {
    const ttl = m.object.spec?.ttlSecondsAfterFinished;
    if (typeof ttl === 'number') return [];
    return [finding('job-ttl', m, 'spec.ttlSecondsAfterFinished', 'is not set: the Job and its pods stay after it finishes, until deleted by hand; '
      + 'set ttlSecondsAfterFinished (e.g. 3600) to have the cluster delete them that many seconds after the Job completes or fails')];
  }),
};

export const cronJobStartingDeadline: Rule = {
  id: 'cronjob-starting-deadline',
  family: 'hardening',
  description: 'a CronJob sets startingDeadlineSeconds: a run that cannot start in time is skipped, and a controller that was down does not stop the CronJob after 100 missed runs',
  check: (set) => cronJobs(set).flatMap((m): Finding[] => {
    if (typeof m.object.spec?.startingDeadlineSeconds === 'number') return [];
    return [finding('cronjob-starting-deadline', m, 'spec.startingDeadlineSeconds', 'is not set: a run that misses its time may start arbitrarily late, '
      + 'and after more than 100 missed runs the controller stops scheduling the CronJob; set startingDeadlineSeconds (e.g. 60)')];
  }),
};

/** The rules for Jobs and CronJobs, by family. */
export const BATCH_SCHEMA_RULES: readonly Rule[] = [jobRestartPolicy];
export const BATCH_HARDENING_RULES: readonly Rule[] = [jobTtl, cronJobStartingDeadline];
