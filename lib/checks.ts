import { IConstruct } from 'constructs';

/**
 * Props checks shared by the constructs: the formats the Kubernetes API server enforces, so that
 * a value a cluster would refuse fails at synth instead, with a message that says what to change.
 *
 * Every message has one shape: the prop path, the bad value, what is wrong and what is allowed,
 * lowercase, on one line, without a trailing period. A prop path is written as in the props
 * object: `name`, `tls.secretName`, `routes[0].path`; a bad key of a map prop is `data key "a b"`;
 * a prop of a method's props starts with the method, `expose() nodePort 8080`.
 *
 * Each `*Problem` function returns what is wrong with a value, in words that follow the value
 * (`is not a DNS label: ...`), or undefined when the value is fine; each `check*` function throws
 * `${prop} ${value} ${problem}`. The rules are those of Kubernetes 1.28 (`k8s.io/apimachinery`
 * `validation`), so that a validator can apply the very same ones to any YAML.
 */

/** `value` without any `char` at its start (when `start`) and its end: a linear-time trim. */
export function trimChar(value: string, char: string, start = false): string {
  let from = 0;
  let to = value.length;
  while (start && from < to && value[from] === char) from++;
  while (to > from && value[to - 1] === char) to--;
  return value.slice(from, to);
}

/** A value as it appears in a message: strings quoted (and escaped, so a message stays one line). */
export function showValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Throws `${prop} ${value} ${problem}` when `problem` is not undefined. */
function fail(prop: string, value: unknown, problem: string | undefined): void {
  if (problem !== undefined) throw new Error(`${prop} ${showValue(value)} ${problem}`);
}

/** Throws unless `value` is an integer in [min, max] (NaN and Infinity are not). */
export function checkIntegerInRange(prop: string, value: number, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${prop} ${showValue(value)} is outside ${min}-${max}`);
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

/** Throws unless `value` is a positive, finite number. */
export function checkPositive(prop: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${prop} ${showValue(value)} must be a positive number`);
  }
}

/** The largest memory request or limit, in MiB, a construct accepts: 1 TiB. */
export const MAX_MEMORY_MIB = 1048576;

/** Throws unless `value` is a whole number of MiB, 1 to {@link MAX_MEMORY_MIB}. */
export function checkMemoryMiB(prop: string, value: number): void {
  checkIntegerInRange(prop, value, 1, MAX_MEMORY_MIB);
}

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_LABEL = new RegExp(`^${LABEL}$`);
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = new RegExp(`^${LABEL}(\\.${LABEL})*$`);
const WILDCARD_SUBDOMAIN = new RegExp(`^\\*\\.${LABEL}(\\.${LABEL})*$`);
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * RFC 1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter
 * or digit. Namespaces, container, volume and port names; object names used as a label value.
 */
export function dnsLabelProblem(value: string): string | undefined {
  if (typeof value !== 'string' || value.length > 63 || !DNS_LABEL.test(value)) {
    return 'is not a DNS label: use at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit';
  }
  return undefined;
}

/** RFC 1035 label, a DNS label that starts with a letter: Service names (they become DNS names). */
export function dns1035LabelProblem(value: string): string | undefined {
  if (typeof value !== 'string' || value.length > 63 || !DNS_1035_LABEL.test(value)) {
    return 'is not a DNS label: use at most 63 lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit';
  }
  return undefined;
}

/** RFC 1123 subdomain: the names of most objects (Secrets, ConfigMaps, IngressClasses, StorageClasses). */
export function dnsSubdomainProblem(value: string): string | undefined {
  if (typeof value !== 'string' || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    return 'is not a DNS subdomain: use at most 253 lowercase letters, digits, \'-\' and \'.\', each part starting and ending with a letter or digit';
  }
  return undefined;
}

/**
 * A label key, annotation key or topology key: `name` or `prefix/name`, the name at most 63
 * letters, digits, '-', '_' and '.' starting and ending with a letter or digit, the prefix a DNS
 * subdomain.
 */
export function qualifiedNameProblem(value: string): string | undefined {
  const bad = 'is not a label key: use a name of at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit, with an optional DNS subdomain prefix and \'/\'';
  if (typeof value !== 'string') return bad;
  const parts = value.split('/');
  if (parts.length > 2) return bad;
  const name = parts[parts.length - 1];
  if (parts.length === 2 && dnsSubdomainProblem(parts[0]) !== undefined) return bad;
  if (name.length > 63 || !QUALIFIED_NAME_PART.test(name)) return bad;
  return undefined;
}

/** A label value: empty, or at most 63 letters, digits, '-', '_' and '.' starting and ending with a letter or digit. */
export function labelValueProblem(value: string): string | undefined {
  if (typeof value !== 'string' || value.length > 63 || (value !== '' && !QUALIFIED_NAME_PART.test(value))) {
    return 'is not a label value: use at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit';
  }
  return undefined;
}

/** A key of a ConfigMap or Secret, also the file name it is mounted as: not `.`, `..` or `..x`. */
export function configKeyProblem(value: string): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253 || !CONFIG_KEY.test(value)) {
    return 'is not a valid key: use at most 253 letters, digits, \'-\', \'_\' and \'.\'';
  }
  if (value === '.' || value.startsWith('..')) return 'is not a valid key: it may not be \'.\' or start with \'..\'';
  return undefined;
}

/** An environment variable name as Kubernetes 1.28 accepts it: letters, digits, '_', '-', '.', not starting with a digit. */
export function envVarNameProblem(value: string): string | undefined {
  if (typeof value !== 'string' || !ENV_VAR_NAME.test(value)) {
    return 'is not an environment variable name: use letters, digits, \'_\', \'-\' and \'.\', not starting with a digit';
  }
  return undefined;
}

/** Whether `value` is an IPv4 address as Go's net.ParseIP reads one (IPv6 addresses hold ':', never a DNS name). */
function isIPv4(value: string): boolean {
  const match = IPV4.exec(value);
  return match !== null && match.slice(1).every((part) => Number(part) <= 255);
}

/** The host of an Ingress rule: a DNS subdomain, optionally `*.` and a subdomain; not an IP address, no port. */
export function ingressHostProblem(value: string): string | undefined {
  if (typeof value === 'string' && isIPv4(value)) return 'is an IP address: an Ingress host must be a DNS name';
  if (typeof value !== 'string' || value.length > 253 || !(DNS_SUBDOMAIN.test(value) || WILDCARD_SUBDOMAIN.test(value))) {
    return 'is not a DNS name: use lowercase letters, digits, \'-\' and \'.\', optionally starting with \'*.\', without a port';
  }
  return undefined;
}

const BAD_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const BAD_PATH_ENDINGS = ['/..', '/.'];

/** The path of an Ingress rule of type Prefix or Exact: absolute, without `//`, `/./`, `/../`, `%2f`, nor ending in `/.` or `/..`. */
export function ingressPathProblem(value: string): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('/')) return 'must start with \'/\'';
  const sequence = BAD_PATH_SEQUENCES.find((s) => value.includes(s));
  if (sequence !== undefined) return `may not contain '${sequence}'`;
  const ending = BAD_PATH_ENDINGS.find((s) => value.endsWith(s));
  if (ending !== undefined) return `may not end with '${ending}'`;
  return undefined;
}

/** What a Gateway API path may hold besides `%XX` escapes (the HTTPRoute CRD's rule for Exact and PathPrefix). */
const HTTP_ROUTE_PATH = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/;

/**
 * The path of an HTTPRoute match of type PathPrefix or Exact, as the Gateway API CRD's CEL rules
 * judge it: an Ingress path (see {@link ingressPathProblem}), no `#`, only the characters of a
 * URL path, at most 1024 characters.
 */
export function httpRoutePathProblem(value: string): string | undefined {
  const problem = ingressPathProblem(value);
  if (problem !== undefined) return problem;
  if (value.length > 1024) return `is ${value.length} characters long: at most 1024`;
  if (value.includes('#')) return 'may not contain \'#\'';
  if (!HTTP_ROUTE_PATH.test(value)) return 'may contain only letters, digits, \'%\' escapes and -/._~!$&\'()*+,;=:@';
  return undefined;
}

/** An absolute path in a container (a mount path, an HTTP probe path): starts with '/', no control characters. */
export function absolutePathProblem(value: string): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('/')) return 'must be an absolute path';
  if ([...value].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127)) return 'may not contain control characters';
  return undefined;
}

/** Throws unless `value` is an RFC 1123 DNS label (see {@link dnsLabelProblem}). */
export function checkDnsLabel(prop: string, value: string): void {
  fail(prop, value, dnsLabelProblem(value));
}

/** Throws unless `value` is a DNS label that starts with a letter (see {@link dns1035LabelProblem}). */
export function checkDns1035Label(prop: string, value: string): void {
  fail(prop, value, dns1035LabelProblem(value));
}

/** Throws unless `value` is a DNS subdomain (see {@link dnsSubdomainProblem}). */
export function checkDnsSubdomain(prop: string, value: string): void {
  fail(prop, value, dnsSubdomainProblem(value));
}

/** Throws unless `value` is a label key (see {@link qualifiedNameProblem}). */
export function checkLabelKey(prop: string, value: string): void {
  fail(prop, value, qualifiedNameProblem(value));
}

/** Throws unless `value` is a label value (see {@link labelValueProblem}). */
export function checkLabelValue(prop: string, value: string): void {
  fail(prop, value, labelValueProblem(value));
}

/** Throws unless `value` is a ConfigMap or Secret key (see {@link configKeyProblem}). */
export function checkConfigKey(prop: string, value: string): void {
  fail(prop, value, configKeyProblem(value));
}

/** Throws unless `value` is an Ingress host (see {@link ingressHostProblem}). */
export function checkIngressHost(prop: string, value: string): void {
  fail(prop, value, ingressHostProblem(value));
}

/** Throws unless `value` is an Ingress path (see {@link ingressPathProblem}). */
export function checkIngressPath(prop: string, value: string): void {
  fail(prop, value, ingressPathProblem(value));
}

/** Throws unless `value` is an HTTPRoute path (see {@link httpRoutePathProblem}). */
export function checkHttpRoutePath(prop: string, value: string): void {
  fail(prop, value, httpRoutePathProblem(value));
}

/** Throws unless `value` is an absolute path (see {@link absolutePathProblem}). */
export function checkAbsolutePath(prop: string, value: string): void {
  fail(prop, value, absolutePathProblem(value));
}

/**
 * A key the cluster accepts but cdk8s cannot write: the name of a property every JavaScript
 * object has (`constructor`, `toString`, `__proto__`). cdk8s and cdk8s-plus-28 keep keys in
 * plain objects, where such a key fails or vanishes at synth. Not a Kubernetes rule: a
 * validator of YAML has no reason to mirror it.
 */
export function objectKeyProblem(value: string): string | undefined {
  if (typeof value === 'string' && value in Object.prototype) return 'is the name of a property of every JavaScript object, which cdk8s cannot write as a key: choose another';
  return undefined;
}

/** Throws if cdk8s cannot write `value` as a key (see {@link objectKeyProblem}). */
export function checkObjectKey(prop: string, value: string): void {
  fail(prop, value, objectKeyProblem(value));
}

/** Throws unless every key of `variables` is an environment variable name: `envVariables key "A=B" ...`. */
export function checkEnvVarNames(prop: string, variables: Readonly<Record<string, unknown>> | undefined): void {
  for (const name of Object.keys(variables ?? {})) {
    fail(`${prop} key`, name, envVarNameProblem(name));
    fail(`${prop} key`, name, objectKeyProblem(name));
  }
}

/** Throws unless every key and value of `labels` is one a label may have: `pods key "a b" ...`, `pods["app"] "x y" ...`. */
export function checkLabels(prop: string, labels: Readonly<Record<string, string>> | undefined): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    fail(`${prop} key`, key, qualifiedNameProblem(key));
    fail(`${prop} key`, key, objectKeyProblem(key));
    fail(`${prop}[${JSON.stringify(key)}]`, value, labelValueProblem(value));
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
  if (typeof image !== 'string' || image.trim() !== image || image === '' || /\s/.test(image)) {
    throw new Error(`${prop} ${showValue(image)} is not an image reference: use a name and a tag without spaces, e.g. "nginx:1.27.0"`);
  }
  if (image.includes('@sha256:')) return;
  const tag = imageTag(image);
  if (tag === undefined || tag === '' || tag === 'latest') {
    const repository = tag === undefined ? image : image.slice(0, image.length - tag.length - 1);
    throw new Error(`${prop} ${showValue(image)} is not pinned: add a version tag, e.g. "${repository}:1.2.3"`);
  }
}

/**
 * Throws unless `image` is pinned and its tag can be the `app.kubernetes.io/version` label, and
 * returns that tag (undefined for an image pinned by digest).
 */
export function checkVersionedImage(prop: string, image: string): string | undefined {
  checkPinnedImage(prop, image);
  const tag = imageTag(image);
  if (tag !== undefined && labelValueProblem(tag) !== undefined) {
    throw new Error(`${prop} ${showValue(image)} has tag ${showValue(tag)}, which cannot be the app.kubernetes.io/version label: use a tag of at most 63 letters, digits, '-', '_' and '.', ending with a letter or digit`);
  }
  return tag;
}

/** Throws if a value appears more than once in `values`: `files[2] "a.log" repeats files[0]`. */
export function checkUnique(prop: string, values: readonly (string | number)[]): void {
  const seen = new Map<string | number, number>();
  values.forEach((value, i) => {
    const first = seen.get(value);
    if (first !== undefined) throw new Error(`${prop}[${i}] ${showValue(value)} repeats ${prop}[${first}]`);
    seen.set(value, i);
  });
}

/** The nodePorts claimed so far in each app, by the construct path of their Service. */
const NODE_PORTS = new WeakMap<IConstruct, Map<number, string>>();

/**
 * Records that `owner` opens `nodePort` on every node, and throws if another construct of the
 * same app already did: a nodePort is unique in the whole cluster, so two examples applied to
 * one cluster must not share one. `prop` names the prop in the message.
 */
export function claimNodePort(owner: IConstruct, nodePort: number, prop = 'nodePort'): void {
  const app = owner.node.root;
  const claimed = NODE_PORTS.get(app) ?? new Map<number, string>();
  NODE_PORTS.set(app, claimed);
  const other = claimed.get(nodePort);
  if (other !== undefined) {
    throw new Error(`${prop} ${nodePort} is already used by ${other}: a nodePort must be unique in the whole cluster`);
  }
  claimed.set(nodePort, owner.node.path);
}
