import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { LeastPrivilege, NamespacedChart, Toolbox, appLabels, imageTag, labelWorkload, restrictedPodSecurityContext, secureContainer, selectorLabels } from '../../lib';
import { Profile } from '../profiles';

export interface RbacExampleProps {
  readonly profile: Profile;
}

/** The ServiceAccount of the reader, and the name of its Role and RoleBinding. */
export const READER = 'settings-reader';
/** The one ConfigMap the reader may read. */
export const GRANTED_CONFIG_MAP = 'app-settings';
/** A ConfigMap in the same namespace that it may not read. */
export const OTHER_CONFIG_MAP = 'other-settings';
/** curl, on Alpine: user curl_user (100), group curl_group (101). */
export const CURL_IMAGE = 'curlimages/curl:8.11.1';

/**
 * The reader's script: every 30 seconds it asks the API server, with its ServiceAccount's token,
 * for four things, and prints each answer's HTTP status: 200 for the one ConfigMap it was granted,
 * 403 (Forbidden) for the rest. The token and the cluster's CA certificate are the files the
 * kubelet mounts into a pod whose ServiceAccount token is automounted.
 */
export const READER_SCRIPT = [
  'SA=/var/run/secrets/kubernetes.io/serviceaccount',
  'NS="$(cat "$SA/namespace")"',
  'ask() {',
  '  code="$(curl -s -o /dev/null -w "%{http_code}" --cacert "$SA/ca.crt" -H "Authorization: Bearer $(cat "$SA/token")" "https://kubernetes.default.svc$2")"',
  '  echo "$(date +%T) $1: HTTP $code"',
  '}',
  'trap "exit 0" TERM',
  'while true; do',
  `  ask "get configmap ${GRANTED_CONFIG_MAP}" "/api/v1/namespaces/$NS/configmaps/${GRANTED_CONFIG_MAP}"`,
  `  ask "get configmap ${OTHER_CONFIG_MAP}" "/api/v1/namespaces/$NS/configmaps/${OTHER_CONFIG_MAP}"`,
  '  ask "list secrets" "/api/v1/namespaces/$NS/secrets"',
  '  ask "get configmap kube-root-ca.crt in namespace default" "/api/v1/namespaces/default/configmaps/kube-root-ca.crt"',
  '  sleep 30 & wait',
  'done',
].join('\n');

/**
 * Who may do what. The reader runs as its own ServiceAccount, `settings-reader`, whose Role grants
 * `get` and `watch` on one ConfigMap by name, and nothing else: not the other ConfigMap of the
 * namespace, not Secrets, not other namespaces. Only the reader's pods get a token; the toolbox
 * runs as the namespace's `default` account with no token mounted at all.
 */
export class RbacExample extends NamespacedChart {
  public readonly access: LeastPrivilege;
  public readonly reader: kplus.Deployment;

  constructor(scope: Construct, id: string, _props: RbacExampleProps) {
    super(scope, id, { namespace: 'rbac-demo' });
    const settingsLabels = appLabels({ name: READER, component: 'config' });
    new kplus.ConfigMap(this, 'Granted', {
      metadata: { name: GRANTED_CONFIG_MAP, labels: settingsLabels },
      data: { GREETING: 'readable by settings-reader' },
    });
    new kplus.ConfigMap(this, 'Other', {
      metadata: { name: OTHER_CONFIG_MAP, labels: settingsLabels },
      data: { GREETING: 'not readable by settings-reader' },
    });

    this.access = new LeastPrivilege(this, 'Access', {
      name: READER,
      permissions: [{ resources: ['configmaps'], resourceNames: [GRANTED_CONFIG_MAP], verbs: ['get', 'watch'] }],
    });

    this.reader = new kplus.Deployment(this, 'Reader', {
      metadata: { name: READER },
      replicas: 1,
      select: false,
      securityContext: restrictedPodSecurityContext(100, 101),
    });
    labelWorkload(this.reader, selectorLabels({ name: READER }), appLabels({ name: READER, version: imageTag(CURL_IMAGE), component: 'client' }));
    this.reader.addContainer(secureContainer({
      name: 'reader',
      image: CURL_IMAGE,
      command: ['sh', '-c', READER_SCRIPT],
      user: 100,
      group: 101,
      cpuMillis: 5,
      memoryMiB: 8,
      memoryLimitMiB: 32,
    }));
    this.access.runAs(this.reader);

    // A pod that never calls the API: it runs as "default", and gets no token.
    new Toolbox(this, 'Toolbox');
  }
}
