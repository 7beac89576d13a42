import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDnsLabel } from './checks';
import { appLabels } from './labels';

/** One permission: these verbs on these resources (of one API group), optionally only on the named objects. */
export interface Permission {
  /**
   * The API group of the resources: `''` for the core group (ConfigMaps, Secrets, Pods), `apps`
   * for Deployments.
   *
   * @default ''
   */
  readonly apiGroup?: string;
  /** The resources, plural and lowercase as in the API's URLs: `configmaps`, `pods`. */
  readonly resources: string[];
  /** The verbs: get, list, watch, create, update, patch, delete, deletecollection. */
  readonly verbs: string[];
  /**
   * Only these objects. A request that names no object (list, create, deletecollection) cannot be
   * limited by name, so those verbs are refused with resourceNames. `watch` is allowed: a watch of
   * one object (`fieldSelector=metadata.name=<name>`) is authorized by name.
   *
   * @default - every object of the resources in the namespace
   */
  readonly resourceNames?: string[];
}

export interface LeastPrivilegeProps {
  /** Name of the ServiceAccount, of its Role and of the RoleBinding between them. */
  readonly name: string;
  /** What the ServiceAccount may do in its namespace; nothing else is allowed. */
  readonly permissions: Permission[];
}

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const UNNAMED_VERBS = ['list', 'create', 'deletecollection'];
const RESOURCE = /^[a-z][a-z0-9]*(\/[a-z]+)?$/;

/**
 * An identity for a workload and the least it may do: a ServiceAccount, a Role that grants
 * exactly `permissions` in the namespace, and a RoleBinding that gives the Role to the
 * ServiceAccount. No wildcards: every verb and resource is spelled out.
 *
 * The ServiceAccount does not mount its token into pods by default
 * (`automountServiceAccountToken: false`): a pod that calls the API says so itself with
 * {@link LeastPrivilege.runAs}, and every other pod that runs as this account gets no token.
 */
export class LeastPrivilege extends Construct {
  public readonly name: string;
  public readonly serviceAccount: kplus.ServiceAccount;
  public readonly role: k8s.KubeRole;
  public readonly roleBinding: k8s.KubeRoleBinding;

  constructor(scope: Construct, id: string, props: LeastPrivilegeProps) {
    super(scope, id);
    checkDnsLabel('name', props.name);
    if (props.permissions.length === 0) throw new Error('permissions is empty: grant at least one verb on one resource');
    props.permissions.forEach((p, i) => {
      const at = `permissions[${i}]`;
      if (p.resources.length === 0) throw new Error(`${at}.resources is empty: name at least one resource, e.g. "configmaps"`);
      for (const resource of p.resources) {
        if (!RESOURCE.test(resource)) throw new Error(`${at}.resources "${resource}" is not a resource: use its plural lowercase name, e.g. "configmaps" (no wildcard)`);
      }
      if (p.verbs.length === 0) throw new Error(`${at}.verbs is empty: name at least one of ${VERBS.join(', ')}`);
      for (const verb of p.verbs) {
        if (!VERBS.includes(verb)) throw new Error(`${at}.verbs "${verb}" is not allowed: use ${VERBS.join(', ')} (no wildcard)`);
      }
      if (p.resourceNames !== undefined) {
        if (p.resourceNames.length === 0) throw new Error(`${at}.resourceNames is empty: leave it out to grant every object, or name at least one`);
        const unnamed = p.verbs.find((v) => UNNAMED_VERBS.includes(v));
        if (unnamed) throw new Error(`${at}.verbs "${unnamed}" cannot be limited by resourceNames: a ${unnamed} request names no object`);
      }
    });
    const namespace = Chart.of(this).namespace;
    if (namespace === undefined) throw new Error('the chart has no namespace: a RoleBinding names the namespace of its ServiceAccount');
    this.name = props.name;
    const labels = appLabels({ name: props.name, component: 'identity' });

    this.serviceAccount = new kplus.ServiceAccount(this, 'Resource', {
      metadata: { name: props.name, labels },
      automountToken: false,
    });
    this.role = new k8s.KubeRole(this, 'Role', {
      metadata: { name: props.name, labels },
      rules: props.permissions.map((p) => ({
        apiGroups: [p.apiGroup ?? ''],
        resources: p.resources,
        verbs: p.verbs,
        ...(p.resourceNames ? { resourceNames: p.resourceNames } : {}),
      })),
    });
    this.roleBinding = new k8s.KubeRoleBinding(this, 'Binding', {
      metadata: { name: props.name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: props.name },
      subjects: [{ kind: 'ServiceAccount', name: props.name, namespace }],
    });
  }

  /**
   * Makes the workload's pods run as this ServiceAccount, with its token mounted (at
   * `/var/run/secrets/kubernetes.io/serviceaccount`): only for pods that call the API.
   */
  public runAs(workload: kplus.Deployment | kplus.StatefulSet | kplus.DaemonSet | kplus.Job): void {
    // cdk8s-plus-28 takes the ServiceAccount only as a prop of a new workload.
    ApiObject.of(workload).addJsonPatch(
      JsonPatch.add('/spec/template/spec/serviceAccountName', this.name),
      JsonPatch.replace('/spec/template/spec/automountServiceAccountToken', true),
    );
  }
}
