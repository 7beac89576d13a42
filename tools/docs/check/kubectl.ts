// kubectl commands: the namespaces, objects, files, label selectors, containers and ports they
// name, and what they set up for the commands after them (objects created, ports forwarded,
// labels set, StatefulSets scaled).
import { K8sObject, containerPorts, containersOf, podTemplateOf } from '../../../validator/model';
import { Command, Word } from '../shell-words';
import {
  KUBECTL_VALUE_FLAGS, ParsedArgs, equalityPairs, flagValue, hasFlag, isPlaceholder, labelsMatch, parseCommandWords, resolveKind,
} from './command-words';
import { Doc, createdKey, scaledKey } from './doc';
import { NetworkCheck } from './network';
import { CLUSTER_NAMESPACES } from './world';

export class KubectlCheck {
  constructor(private readonly doc: Doc, private readonly network: NetworkCheck) {}

  check(command: Command, words: Word[]): void {
    const verbIndex = (() => {
      for (let i = 0; i < words.length; i++) {
        const t = words[i].text;
        if (t === '--') return -1;
        if (!t.startsWith('-')) return i;
        if (KUBECTL_VALUE_FLAGS.has(t)) i++;
      }
      return -1;
    })();
    if (verbIndex < 0) return;
    const verb = words[verbIndex].text;
    // `kubectl logs -f` follows and `-p` shows the previous container; elsewhere they take a value.
    const boolFlags = new Set(verb === 'logs' ? ['-p', '-f'] : []);
    const args = parseCommandWords([...words.slice(0, verbIndex), ...words.slice(verbIndex + 1)], KUBECTL_VALUE_FLAGS, boolFlags);
    const nsWord = flagValue(args, '-n', '--namespace');
    const allNamespaces = hasFlag(args, '-A', '--all-namespaces');
    if (nsWord && !nsWord.dynamic) this.doc.checkNamespace(command, nsWord.text);
    const ns = nsWord ? (nsWord.dynamic ? null : nsWord.text) : (allNamespaces ? undefined : (this.doc.state.namespace ?? 'default'));
    const ctx = { command, args, ns };

    // A flag this verb takes without a value (`kubectl logs -f`: follow) names no file.
    for (const flag of ['-f', '--filename', '-k', '--kustomize'].filter((f) => !boolFlags.has(f))) {
      for (const f of args.flags.get(flag) ?? []) this.checkFile(command, f);
    }
    const selector = flagValue(args, '-l', '--selector');
    // `run`, `create` and `expose` take `-l` as labels to set, not as a selector.
    if (selector && !selector.dynamic && ns !== null && !['run', 'create', 'expose'].includes(verb)) this.checkSelector(command, selector.text, ns);

    const p = args.positionals;
    switch (verb) {
      case 'get': case 'describe': case 'delete': case 'edit': case 'patch': case 'wait': case 'scale': case 'annotate': case 'label': {
        const targets = this.resources(ctx, p, verb === 'label' || verb === 'annotate');
        if (verb === 'label' && typeof ns === 'string') {
          for (const w of p.slice(1).filter((x) => !x.dynamic && /^[^=]+=[^=]*$/.test(x.text))) this.doc.state.labels.add(`${ns}|${w.text}`);
        }
        const replicas = flagValue(args, '--replicas');
        if (verb === 'scale' && replicas && /^\d+$/.test(replicas.text)) {
          for (const t of targets.filter((x) => x.kind === 'StatefulSet' && x.object)) {
            const key = scaledKey(t.object!);
            this.doc.state.scaledTo.set(key, Math.max(this.doc.state.scaledTo.get(key) ?? 0, Number(replicas.text)));
          }
        }
        break;
      }
      case 'rollout':
        if (!['status', 'history', 'undo', 'restart', 'pause', 'resume'].includes(p[0]?.text ?? '')) {
          this.doc.problem(command, `unknown kubectl rollout subcommand "${p[0]?.text ?? ''}"`);
          break;
        }
        this.resources(ctx, p.slice(1), false);
        break;
      case 'set': {
        const targets = this.resources(ctx, p.slice(1), true);
        if (p[0]?.text === 'image') {
          for (const pair of p.slice(1).filter((w) => w.text.includes('=') && !w.dynamic)) {
            const container = pair.text.split('=')[0];
            if (container !== '*') for (const t of targets) this.checkContainer(command, t, container);
          }
        }
        break;
      }
      case 'top':
        if (['pod', 'pods', 'po'].includes(p[0]?.text ?? '')) this.resources(ctx, p, false);
        break;
      case 'logs': case 'exec': case 'attach': case 'port-forward': case 'debug':
        this.podCommand(ctx, verb, p, args.rest);
        break;
      case 'expose': {
        const targets = this.resources(ctx, p, false);
        const targetPort = flagValue(args, '--target-port');
        if (targetPort && !targetPort.dynamic) for (const t of targets) this.checkContainerPort(command, t, targetPort.text);
        const name = flagValue(args, '--name')?.text ?? (p[0]?.text.includes('/') ? p[0].text.split('/')[1] : p[1]?.text);
        if (name && ns) this.doc.state.created.add(createdKey('Service', ns, name));
        break;
      }
      case 'create': this.create(ctx, p); break;
      case 'run':
        if (p[0] && !p[0].dynamic && ns) this.doc.state.created.add(createdKey('Pod', ns, p[0].text));
        break;
      case 'autoscale': {
        const targets = this.resources(ctx, p, false);
        const name = flagValue(args, '--name')?.text ?? targets[0]?.name;
        if (name && ns) this.doc.state.created.add(createdKey('HorizontalPodAutoscaler', ns, name));
        break;
      }
      case 'events': {
        const forRef = flagValue(args, '--for');
        if (forRef) this.resources(ctx, [forRef], false);
        break;
      }
      case 'config':
        if (p[0]?.text === 'set-context') {
          const to = flagValue(args, '--namespace');
          if (to && !to.dynamic) this.doc.state.namespace = to.text;
        }
        break;
      case 'apply': case 'diff': case 'replace': case 'kustomize': case 'cp': case 'version': case 'cluster-info': case 'api-resources':
      case 'api-versions': case 'explain': case 'auth': case 'certificate': case 'proxy': case 'plugin': case 'completion': case 'cordon':
      case 'uncordon': case 'drain': case 'taint': case 'alpha':
        break;
      default:
        this.doc.problem(command, `unknown kubectl command "${verb}"`);
    }
  }

  /** Checks `TYPE NAME...`, `TYPE/NAME...` or `TYPE1,TYPE2`; returns the objects found. */
  private resources(ctx: { command: Command; ns: string | null | undefined }, words: Word[], stopAtAssignments: boolean): Array<{ kind: string; name: string; object?: K8sObject }> {
    const found: Array<{ kind: string; name: string; object?: K8sObject }> = [];
    const firstAssignment = stopAtAssignments ? words.findIndex((w, i) => i > 0 && /=|-$/.test(w.text)) : -1;
    const list = firstAssignment > 0 ? words.slice(0, firstAssignment) : words;
    if (list.length === 0) return found;
    const first = list[0];
    if (first.dynamic) return found;
    if (first.text.includes('/')) {
      for (const w of list) {
        if (w.dynamic || !w.text.includes('/')) continue;
        const [type, name] = w.text.split('/', 2);
        found.push(...this.resource(ctx, type, name));
      }
      return found;
    }
    const types = first.text.split(',');
    for (const type of types) {
      if (!resolveKind(type)) { this.doc.problem(ctx.command, `unknown resource type "${type}"`); return found; }
    }
    if (types.length !== 1) return found;
    for (const w of list.slice(1)) {
      if (w.dynamic) continue;
      found.push(...this.resource(ctx, types[0], w.text));
    }
    return found;
  }

  /** Checks one named object; returns it (possibly once per profile) when it is in dist/. */
  private resource(ctx: { command: Command; ns: string | null | undefined }, type: string, name: string): Array<{ kind: string; name: string; object?: K8sObject }> {
    const info = resolveKind(type);
    if (!info) { this.doc.problem(ctx.command, `unknown resource type "${type}"`); return []; }
    if (!info.checked || ctx.ns === null || isPlaceholder(name)) return [];
    const ns = info.namespaced ? ctx.ns : undefined;
    if (ns !== undefined && CLUSTER_NAMESPACES.includes(ns) && ns !== 'default') return [];
    if (this.doc.state.created.has(createdKey(info.kind, ns, name))) return [{ kind: info.kind, name }];
    if (info.kind === 'Namespace') {
      if (!this.doc.world.namespaces.has(name) && !CLUSTER_NAMESPACES.includes(name)) this.doc.problem(ctx.command, `no namespace "${name}" in dist/`);
      return [];
    }
    const where = ns === undefined ? 'any namespace' : `namespace ${ns}`;
    const direct = this.doc.world.find(info.kind, ns, name);
    if (direct.length > 0) return direct.map((object) => ({ kind: info.kind, name, object }));
    const generated = this.generatedOwner(info.kind, ns, name);
    if (generated !== undefined) return generated ? [{ kind: info.kind, name, object: generated }] : [];
    const hint = ns === 'default' && !this.doc.state.namespace ? ' (no -n: kubectl looks in namespace default)' : '';
    this.doc.problem(ctx.command, `no ${info.kind} "${name}" in ${where} of dist/${hint}`);
    return [];
  }

  /**
   * Objects that controllers create with predictable names: StatefulSet pods (`db-0`) and their
   * claims (`data-db-0`), ReplicaSets of a Deployment (`web-<hash>`), Endpoints and EndpointSlices
   * of a Service, Jobs of a CronJob. Returns the owner's pod template source, null when the name
   * is known but has no template, or undefined when no owner explains the name.
   */
  private generatedOwner(kind: string, ns: string | undefined, name: string): K8sObject | null | undefined {
    const inNs = this.doc.world.inNamespace(ns);
    switch (kind) {
      case 'Pod': return inNs.find((o) => o.kind === 'StatefulSet' && this.ordinalOf(o, name, '') !== undefined);
      case 'PersistentVolumeClaim': {
        const owner = inNs.find((o) => o.kind === 'StatefulSet'
          && (o.spec?.volumeClaimTemplates ?? []).some((t: K8sObject) => this.ordinalOf(o, name, `${t.metadata?.name}-`) !== undefined));
        return owner ? null : undefined;
      }
      case 'ReplicaSet': return inNs.find((o) => o.kind === 'Deployment' && name.startsWith(`${o.metadata.name}-`) && /^[a-z0-9]+$/.test(name.slice(o.metadata.name.length + 1)));
      case 'Endpoints': return inNs.some((o) => o.kind === 'Service' && o.metadata.name === name) ? null : undefined;
      case 'EndpointSlice': return inNs.some((o) => o.kind === 'Service' && name.startsWith(`${o.metadata.name}-`)) ? null : undefined;
      case 'Job': return inNs.find((o) => o.kind === 'CronJob' && name.startsWith(`${o.metadata.name}-`));
      default: return undefined;
    }
  }

  /**
   * The ordinal of `<prefix><statefulset>-<n>` when n is below the StatefulSet's replicas, or
   * below the most replicas a `kubectl scale` earlier in the document gave it (a claim outlives
   * a scale-down, and a pod's name is worth showing as it goes).
   */
  private ordinalOf(sts: K8sObject, name: string, prefix: string): number | undefined {
    const m = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${sts.metadata.name}-(\\d+)$`).exec(name);
    if (!m) return undefined;
    const n = Number(m[1]);
    return n < Math.max(sts.spec?.replicas ?? 1, this.doc.state.scaledTo.get(scaledKey(sts)) ?? 0) ? n : undefined;
  }

  private checkFile(command: Command, file: Word): void {
    if (file.dynamic || file.text === '-' || /^https?:\/\//.test(file.text)) return;
    const rel = file.text.replace(/^\.\//, '');
    if (!this.doc.world.info.fileExists(rel)) this.doc.problem(command, `no file "${file.text}"${rel.startsWith('dist/') ? ' in dist/ (run npm run synth?)' : ''}`);
  }

  private checkSelector(command: Command, selector: string, ns: string | undefined): void {
    if (ns !== undefined && CLUSTER_NAMESPACES.includes(ns) && ns !== 'default') return;
    // Labels set by an earlier `kubectl label` of this document exist too.
    const pairs = equalityPairs(selector).filter(([k, v]) => !this.doc.state.labels.has(`${ns}|${k}=${v}`));
    if (pairs.length === 0) return;
    if (!this.doc.world.inNamespace(ns).some((o) => labelsMatch(o, pairs))) {
      this.doc.problem(command, `no object in ${ns === undefined ? 'dist/' : `namespace ${ns}`} has the labels ${pairs.map(([k, v]) => `${k}=${v}`).join(',')}`);
    }
  }

  private checkContainer(command: Command, target: { kind: string; name: string; object?: K8sObject }, container: string): void {
    if (!target.object) return;
    const names = containersOf(podTemplateOf(target.object)).map((c) => c.container.name);
    if (!names.includes(container)) this.doc.problem(command, `${target.kind} "${target.name}" has no container "${container}" (it has: ${names.join(', ')})`);
  }

  private checkContainerPort(command: Command, target: { kind: string; name: string; object?: K8sObject }, port: string): void {
    if (!target.object) return;
    const ports = containerPorts(podTemplateOf(target.object));
    if (!ports.some((p) => String(p.containerPort) === port || p.name === port)) {
      this.doc.problem(command, `${target.kind} "${target.name}" exposes no container port ${port} (it has: ${ports.map((p) => p.containerPort).join(', ') || 'none'})`);
    }
  }

  /** logs, exec, attach, port-forward, debug: `POD` or `TYPE/NAME`, then the verb's own arguments. */
  private podCommand(ctx: { command: Command; args: ParsedArgs; ns: string | null | undefined }, verb: string, p: Word[], rest: Word[] | undefined): void {
    const { command, args } = ctx;
    const target = p[0];
    let targets: Array<{ kind: string; name: string; object?: K8sObject }> = [];
    if (target && !target.dynamic) targets = target.text.includes('/') ? this.resources(ctx, [target], false) : this.resource(ctx, 'pod', target.text);
    if (!target && ctx.ns !== null) {
      const selector = flagValue(args, '-l', '--selector');
      if (selector && !selector.dynamic) {
        const pairs = equalityPairs(selector.text);
        targets = this.doc.world.inNamespace(ctx.ns ?? undefined).filter((o) => podTemplateOf(o) && labelsMatch(o, pairs))
          .map((o) => ({ kind: o.kind, name: o.metadata.name, object: o }));
      }
    }
    const container = flagValue(args, '-c', '--container') ?? (verb === 'logs' && p[1] && !p[1].dynamic ? p[1] : undefined);
    if (container && !container.dynamic && targets.length > 0 && !targets.some((t) => this.hasContainer(t.object, container.text))) {
      this.checkContainer(command, targets[0], container.text);
    }
    if (verb === 'port-forward') {
      for (const spec of p.slice(1)) {
        if (spec.dynamic) continue;
        const [local, remote] = spec.text.includes(':') ? spec.text.split(':', 2) : [spec.text, spec.text];
        if (/^\d+$/.test(local)) this.doc.state.localPorts.add(Number(local));
        for (const t of targets) this.checkForwardPort(command, t, remote);
      }
    }
    if (verb === 'exec' && rest && ctx.ns !== null) this.network.inCluster(command, rest, ctx.ns ?? undefined, targets);
  }

  private hasContainer(object: K8sObject | undefined, name: string): boolean {
    return !object || containersOf(podTemplateOf(object)).some((c) => c.container.name === name);
  }

  private checkForwardPort(command: Command, target: { kind: string; name: string; object?: K8sObject }, remote: string): void {
    if (!target.object) return;
    if (target.kind === 'Service') {
      const ports = target.object.spec?.ports ?? [];
      if (!ports.some((p: K8sObject) => String(p.port) === remote || p.name === remote)) {
        this.doc.problem(command, `Service "${target.name}" has no port ${remote} (it has: ${ports.map((p: K8sObject) => p.port).join(', ') || 'none'})`);
      }
      return;
    }
    this.checkContainerPort(command, target, remote);
  }

  private create(ctx: { command: Command; args: ParsedArgs; ns: string | null | undefined }, p: Word[]): void {
    const type = p[0]?.text;
    if (!type || p[0].dynamic) return;
    const withSubtype = ['secret', 'service', 'svc'].includes(type);
    const nameWord = p[withSubtype ? 2 : 1];
    const info = resolveKind(type === 'token' ? 'serviceaccount' : type);
    if (type === 'token') {
      if (nameWord && !nameWord.dynamic) this.resource(ctx, 'serviceaccount', nameWord.text);
      return;
    }
    if (!info) { this.doc.problem(ctx.command, `unknown resource type "${type}"`); return; }
    if (type === 'job') {
      const from = flagValue(ctx.args, '--from');
      if (from && !from.dynamic) this.resources(ctx, [from], false);
    }
    if (!nameWord || nameWord.dynamic) return;
    const ns = info.namespaced ? (ctx.ns === null ? undefined : ctx.ns) : undefined;
    this.doc.state.created.add(createdKey(info.kind, ns, nameWord.text));
  }
}
