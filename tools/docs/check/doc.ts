// One document being checked: what it has set up so far, and the problems found in it.
import { K8sObject } from '../../../validator/model';
import { Command } from '../shell-words';
import { CLUSTER_NAMESPACES, World } from './world';

export interface DocProblem {
  readonly file: string;
  readonly line: number;
  readonly command: string;
  readonly message: string;
}

export const formatProblem = (p: DocProblem): string => `${p.file}:${p.line}: ${p.message} (in: ${p.command})`;

/** What a document has set up so far: objects it created, the namespace it switched to, ports it forwarded. */
export interface DocState {
  readonly created: Set<string>;
  namespace: string | undefined;
  readonly localPorts: Set<number>;
  /** `namespace|key=value` labels set by `kubectl label` earlier in the document. */
  readonly labels: Set<string>;
  /** Whether the document ran `minikube tunnel` (ingress-nginx then answers on 127.0.0.1:80 and :443). */
  tunnel: boolean;
  /** `namespace/name` of a StatefulSet → the most replicas `kubectl scale` gave it in the document. */
  readonly scaledTo: Map<string, number>;
}

export const createdKey = (kind: string, ns: string | undefined, name: string) => `${kind}/${ns ?? ''}/${name}`;
/** What `kubectl exec`, logs or port-forward name: an object of dist/ when it is one. */
export interface ExecTarget { readonly kind: string; readonly name: string; readonly object?: K8sObject }
export const scaledKey = (sts: K8sObject) => `${sts.metadata.namespace ?? ''}/${sts.metadata.name}`;

/** A document under check: the commands checked so far have set up `state` and found `problems`. */
export class Doc {
  readonly problems: DocProblem[] = [];
  readonly state: DocState = {
    created: new Set(), namespace: undefined, localPorts: new Set(), labels: new Set(), tunnel: false, scaledTo: new Map(),
  };

  constructor(readonly world: World, readonly file: string) {}

  problem(command: Command, message: string): void {
    this.problems.push({ file: this.file, line: command.line, command: command.source, message });
  }

  checkNamespace(command: Command, name: string): void {
    if (!this.world.namespaces.has(name) && !CLUSTER_NAMESPACES.includes(name) && !this.state.created.has(createdKey('Namespace', undefined, name))) {
      this.problem(command, `no namespace "${name}" in dist/`);
    }
  }
}
