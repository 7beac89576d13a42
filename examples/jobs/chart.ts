import { Construct } from 'constructs';
import { BatchJob, NamespacedChart, ScheduledJob } from '../../lib';
import { Profile } from '../profiles';

export interface JobsExampleProps {
  readonly profile: Profile;
}

const BUSYBOX = 'busybox:1.36.1';

/** How many items the Job processes, one pod each, and how many pods run at once. */
export const ITEMS = 6;
export const PARALLEL = 2;

/**
 * Each pod of the indexed Job takes the item of its index (`JOB_COMPLETION_INDEX`, 0 to 5),
 * "works" on it for 5 seconds and exits 0. The pod's hostname is its name, so the log says which
 * pod did what.
 */
export const ITEM_SCRIPT = [
  'echo "item $JOB_COMPLETION_INDEX: started on $(hostname)"',
  'sleep 5',
  'echo "item $JOB_COMPLETION_INDEX: done"',
].join('\n');

/** The CronJob's run: prints the time it ran and exits. */
export const REPORT_SCRIPT = 'echo "report for $(date -u +%Y-%m-%dT%H:%M:%SZ): all good"';

/**
 * Run-to-completion work: the Job `process` works through 6 items, 2 pods at a time, and is
 * deleted 10 minutes after it finished; the CronJob `report` creates a Job every 10 minutes and
 * keeps the last 3 successful ones and the last failed one.
 */
export class JobsExample extends NamespacedChart {
  public readonly process: BatchJob;
  public readonly report: ScheduledJob;

  // Nothing here differs between clusters: the profile is not needed.
  constructor(scope: Construct, id: string, _props: JobsExampleProps) {
    super(scope, id, { namespace: 'jobs-demo' });
    this.process = new BatchJob(this, 'Process', {
      name: 'process',
      image: BUSYBOX,
      command: ['sh', '-c', ITEM_SCRIPT],
      completions: ITEMS,
      parallelism: PARALLEL,
      indexed: true,
      backoffLimit: 2,
      activeDeadlineSeconds: 120,
      ttlSecondsAfterFinished: 600,
    });
    this.report = new ScheduledJob(this, 'Report', {
      name: 'report',
      image: BUSYBOX,
      command: ['sh', '-c', REPORT_SCRIPT],
      schedule: '*/10 * * * *',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 60,
      history: { successful: 3, failed: 1 },
      backoffLimit: 1,
      activeDeadlineSeconds: 60,
    });
  }
}
