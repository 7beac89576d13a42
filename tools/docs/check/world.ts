// What the docs check looks commands up in: the objects of dist/, its examples and profiles.
import { K8sObject } from '../../../validator/model';

/** Namespaces of the cluster's own components: they exist without any example, and their objects are not checked. */
export const CLUSTER_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'ingress-nginx', 'envoy-gateway-system'];

/** What the commands are checked against. */
export interface DocsWorld {
  /** Every object of every file of dist/ (the same object may appear once per profile). */
  readonly objects: readonly K8sObject[];
  /** The examples of dist/ (file names without `.yaml`) and its profiles (folder names). */
  readonly examples: readonly string[];
  readonly profiles: readonly string[];
  /** Whether a path relative to the repository root exists. */
  readonly fileExists: (path: string) => boolean;
}

/** The objects of dist/, indexed for look-ups. */
export class World {
  readonly namespaces = new Set<string>();
  private readonly objects: K8sObject[];

  constructor(readonly info: DocsWorld) {
    this.objects = info.objects.filter((o) => o?.kind && o.metadata?.name);
    for (const o of this.objects) {
      if (o.kind === 'Namespace') this.namespaces.add(o.metadata.name);
      if (o.metadata.namespace) this.namespaces.add(o.metadata.namespace);
    }
  }

  find(kind: string, namespace: string | undefined, name: string): K8sObject[] {
    return this.objects.filter((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || (o.metadata.namespace ?? '') === namespace));
  }

  inNamespace(namespace: string | undefined): K8sObject[] {
    return this.objects.filter((o) => namespace === undefined || o.metadata.namespace === namespace);
  }

  nodePorts(): Set<number> {
    const ports = new Set<number>();
    for (const s of this.objects.filter((o) => o.kind === 'Service')) {
      for (const p of s.spec?.ports ?? []) {
        if (p.nodePort) ports.add(p.nodePort);
        if (s.spec?.type === 'LoadBalancer') ports.add(p.port);
      }
    }
    if (this.hasIngress()) { ports.add(80); ports.add(443); }
    return ports;
  }

  hasIngress(): boolean {
    return this.objects.some((o) => o.kind === 'Ingress');
  }
}
