import { Construct } from 'constructs';
import { NamespacedChart, POSTGRES_IMAGE, Postgres, Toolbox } from '../../lib';
import { Profile } from '../profiles';

export interface StatefulSetExampleProps {
  readonly profile: Profile;
}

/** The Secret the guide creates with `kubectl create secret`: no password is written in a file. */
export const STATEFULSET_SECRET = 'postgres-credentials';

/**
 * PostgreSQL as a StatefulSet: stable pod names and DNS names, one volume per pod that survives
 * the pod, ordered start. One replica: each replica would be a separate, empty database (the guide
 * scales to two to show a second volume appear, and why that is not replication).
 */
export class StatefulSetExample extends NamespacedChart {
  public readonly postgres: Postgres;

  constructor(scope: Construct, id: string, props: StatefulSetExampleProps) {
    super(scope, id, { namespace: 'statefulset-demo' });
    this.postgres = new Postgres(this, 'Postgres', {
      database: 'demo',
      credentials: { secretName: STATEFULSET_SECRET },
      replicas: 1,
      storageClassName: props.profile.storageClassName,
      storageGiB: 1,
    });
    // The same image has nslookup for the DNS names, and psql and pg_isready to try them.
    new Toolbox(this, 'Toolbox', { image: POSTGRES_IMAGE });
  }
}
