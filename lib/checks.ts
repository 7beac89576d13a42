import { IConstruct } from 'constructs';

/**
 * Props checks shared by the constructs. Each throws an error that names the prop, the bad
 * value and what is allowed, so a wrong value fails at synth with a message that says what to
 * change.
 */

/** Throws unless `value` is an integer in [min, max]. */
export function checkIntegerInRange(prop: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${prop} ${value} is outside ${min}-${max}`);
  }
}

/**
 * Throws unless `port` is a valid port a non-root process can listen on.
 * Ports below 1024 need root (or NET_BIND_SERVICE), which the restricted pod security standard
 * forbids in practice.
 */
export function checkContainerPort(prop: string, port: number): void {
  checkIntegerInRange(prop, port, 1, 65535);
  if (port < 1024) {
    throw new Error(`${prop} ${port} is privileged: a non-root container must listen on 1024-65535`);
  }
}

/** Throws unless `value` is a positive number. */
export function checkPositive(prop: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${prop} ${value} must be a positive number`);
  }
}

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Throws unless `name` is an RFC 1123 DNS label that starts with a letter: at most 63 lowercase
 * letters, digits and '-'. Services and Namespaces need this; most other objects accept it too.
 */
export function checkDnsLabel(prop: string, name: string): void {
  if (name.length > 63 || !DNS_LABEL.test(name)) {
    throw new Error(`${prop} "${name}" is not a DNS label: use at most 63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit`);
  }
}

/** The tag of an image reference (`repo:tag`), or undefined when it has none or is pinned by digest. */
export function imageTag(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return colon === -1 ? undefined : lastSegment.slice(colon + 1);
}

/**
 * Throws unless `image` is pinned: a tag other than `latest`, or a digest. An unpinned image
 * changes under a running Deployment and makes rollbacks meaningless.
 */
export function checkPinnedImage(prop: string, image: string): void {
  if (image.includes('@sha256:')) return;
  const tag = imageTag(image);
  if (tag === undefined || tag === '' || tag === 'latest') {
    const repository = tag === undefined ? image : image.slice(0, image.length - tag.length - 1);
    throw new Error(`${prop} "${image}" is not pinned: add a version tag, e.g. "${repository}:1.2.3"`);
  }
}

/** Throws if a value appears more than once in `values`: `${prop} "x" appears twice`. */
export function checkUnique(prop: string, values: readonly (string | number)[]): void {
  const seen = new Set<string | number>();
  for (const value of values) {
    if (seen.has(value)) throw new Error(`${prop} ${typeof value === 'number' ? value : `"${value}"`} appears twice`);
    seen.add(value);
  }
}

/** The nodePorts claimed so far in each app, by the construct path of their Service. */
const NODE_PORTS = new WeakMap<IConstruct, Map<number, string>>();

/**
 * Records that `owner` opens `nodePort` on every node, and throws if another construct of the
 * same app already did: a nodePort is unique in the whole cluster, so two examples applied to
 * one cluster must not share one.
 */
export function claimNodePort(owner: IConstruct, nodePort: number): void {
  const app = owner.node.root;
  const claimed = NODE_PORTS.get(app) ?? new Map<number, string>();
  NODE_PORTS.set(app, claimed);
  const other = claimed.get(nodePort);
  if (other !== undefined) {
    throw new Error(`nodePort ${nodePort} is already used by ${other}: a nodePort must be unique in the whole cluster`);
  }
  claimed.set(nodePort, owner.node.path);
}
