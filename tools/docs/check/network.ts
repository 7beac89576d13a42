// Commands that reach something over the network, in the cluster or from this machine: wget,
// curl and nslookup inside a pod (`kubectl exec`), and curl or wget on your machine.
import { K8sObject, containerPorts, podTemplateOf } from '../../../validator/model';
import { Command, Word, splitCommands } from '../shell-words';
import { Doc, ExecTarget } from './doc';
import { CLUSTER_NAMESPACES } from './world';

export class NetworkCheck {
  constructor(private readonly doc: Doc) {}

  /** A command run by `kubectl exec` in a pod of `pods` (the workloads the exec names, when known). */
  inCluster(command: Command, words: Word[], ns: string | undefined, pods: readonly ExecTarget[]): void {
    const program = words[0]?.text;
    if (!program || words[0].dynamic) return;
    if ((program === 'sh' || program === 'bash' || program === 'ash') && words[1]?.text === '-c' && words[2] && !words[2].dynamic) {
      for (const inner of splitCommands(words[2].text, command.line)) this.inCluster({ ...inner, line: command.line, source: command.source }, inner.words, ns, pods);
      return;
    }
    if (program === 'wget' || program === 'curl') this.httpClient(command, words.slice(1), ns, pods);
    if (program === 'nslookup' || program === 'host' || program === 'dig') {
      const name = words.slice(1).find((w) => !w.text.startsWith('-') && !w.text.startsWith('@'));
      if (name && !name.dynamic) this.resolveClusterName(command, name.text, ns, undefined);
    }
  }

  /**
   * Checks the URLs given to curl or wget. Inside a pod (`ns` set), a host that is a Service name
   * must be a Service of dist/ with that port, and `localhost` is the pod itself: the port must be
   * a container port of one of its containers (they share the pod's network). On your machine,
   * `localhost:PORT` must be a port forwarded earlier in the document (or 80 and 443 after
   * `minikube tunnel`, when dist/ has an Ingress), and a placeholder host (`$(minikube ip)`,
   * `<EXTERNAL-IP>`) with a port must use a NodePort or LoadBalancer port of dist/.
   */
  httpClient(command: Command, words: Word[], ns: string | undefined, pods: readonly ExecTarget[] = []): void {
    for (const w of words) {
      const m = /^(?:(https?):\/\/)?([^/:?#\s]+|<[^>]+>|\$\([^)]*\)|\$\{?[A-Za-z_]+\}?)(?::(\d+))?([/?#].*)?$/.exec(w.text);
      if (!m || w.text.startsWith('-')) continue;
      const [, scheme, host, portText] = m;
      if (!scheme && !portText) continue;
      const port = portText ? Number(portText) : (scheme === 'https' ? 443 : 80);
      const dynamicHost = /[$<]/.test(host);
      const local = host === 'localhost' || host === '127.0.0.1';
      if (ns !== undefined && local) {
        this.checkPodLocalPort(command, pods, port);
        continue;
      }
      if (ns !== undefined && !dynamicHost) {
        this.resolveClusterName(command, host, ns, port);
        continue;
      }
      if (ns !== undefined) continue;
      if (local) {
        const tunnelled = this.doc.state.tunnel && (port === 80 || port === 443) && this.doc.world.hasIngress();
        if (!this.doc.state.localPorts.has(port) && !tunnelled) {
          this.doc.problem(command, `nothing forwards local port ${port}: no kubectl port-forward to it earlier in this document`
            + (port === 80 || port === 443 ? ' (nor minikube tunnel, for an Ingress)' : ''));
        }
      } else if (dynamicHost && portText && !this.doc.world.nodePorts().has(port)) {
        this.doc.problem(command, `port ${port} is not a NodePort, LoadBalancer or Ingress port of dist/`);
      }
    }
  }

  /**
   * Resolves a DNS name as a pod would: `svc`, `svc.ns`, `svc.ns.svc[.cluster.local]`, and
   * `pod.svc...` for the pods of a headless Service. Names outside the cluster (with a dot and no
   * known namespace) are left alone. With a port, the port must be one the Service serves.
   */
  private resolveClusterName(command: Command, host: string, ns: string | undefined, port: number | undefined, depth = 0): void {
    const name = host.replace(/\.$/, '').replace(/\.svc(\.cluster\.local)?$/, '');
    const parts = name.split('.');
    const clusterSuffix = /\.svc(\.cluster\.local)?\.?$/.test(host);
    let candidates: Array<{ svc: string; ns: string | undefined; pod?: string }> = [];
    if (parts.length === 1) candidates = [{ svc: parts[0], ns }];
    else if (parts.length === 2) candidates = [{ svc: parts[0], ns: parts[1] }, { svc: parts[1], ns, pod: parts[0] }];
    else if (parts.length === 3) candidates = [{ svc: parts[1], ns: parts[2], pod: parts[0] }];
    const isClusterName = clusterSuffix || parts.length === 1
      || this.doc.world.namespaces.has(parts[parts.length - 1]) || CLUSTER_NAMESPACES.includes(parts[parts.length - 1])
      || (parts.length === 2 && this.doc.world.find('Service', ns, parts[1]).length > 0);
    if (!isClusterName) return;
    // Names in the cluster's own namespaces (`kubernetes.default`) are the cluster's business.
    if (candidates.some((c) => c.ns !== undefined && CLUSTER_NAMESPACES.includes(c.ns))) return;
    for (const c of candidates) {
      const services = this.doc.world.find('Service', c.ns, c.svc);
      if (services.length === 0) continue;
      const svc = services[0];
      if (svc.spec?.type === 'ExternalName' && depth < 3) {
        this.resolveClusterName(command, svc.spec.externalName, c.ns, port, depth + 1);
        return;
      }
      if (port === undefined) return;
      const headless = svc.spec?.clusterIP === 'None';
      const ok = services.some((s) => (s.spec?.ports ?? []).some((p: K8sObject) => p.port === port || (headless && p.targetPort === port)));
      if (!ok) this.doc.problem(command, `Service "${c.svc}" in namespace ${c.ns} has no port ${port}`);
      return;
    }
    this.doc.problem(command, `no Service "${candidates[0]?.svc ?? host}" in namespace ${candidates[0]?.ns ?? '?'} of dist/ answers to "${host}"`);
  }

  /** `localhost:PORT` inside a pod: some container of the pod must listen on that port. */
  private checkPodLocalPort(command: Command, pods: readonly ExecTarget[], port: number): void {
    const known = pods.filter((t) => t.object && podTemplateOf(t.object));
    if (known.length === 0) return;
    if (known.some((t) => containerPorts(podTemplateOf(t.object)).some((p) => p.containerPort === port))) return;
    const t = known[0];
    const ports = containerPorts(podTemplateOf(t.object)).map((p) => p.containerPort);
    this.doc.problem(command, `localhost:${port} inside a pod of ${t.kind} "${t.name}": no container of the pod listens on ${port} (container ports: ${ports.join(', ') || 'none'})`);
  }
}
