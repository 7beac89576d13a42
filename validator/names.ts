// The name formats the API server enforces. Each check returns what is wrong, in plain words,
// or undefined when the value is fine.

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_LABEL = new RegExp(`^${LABEL}$`);
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = new RegExp(`^${LABEL}(\\.${LABEL})*$`);
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

/** RFC 1123 label: Namespaces, container and volume names, Service port names. */
export function dnsLabel(value: string): string | undefined {
  if (value.length > 63) return `is ${value.length} characters long, over the 63 of a DNS label`;
  if (!DNS_LABEL.test(value)) return 'is not a DNS label: use lowercase letters, digits and \'-\', starting and ending with a letter or digit';
  return undefined;
}

/** RFC 1035 label: Service names (they become DNS names, so they must start with a letter). */
export function dns1035Label(value: string): string | undefined {
  if (value.length > 63) return `is ${value.length} characters long, over the 63 of a DNS label`;
  if (!DNS_1035_LABEL.test(value)) return 'is not a DNS label that starts with a letter: use lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit';
  return undefined;
}

/** RFC 1123 subdomain: the names of most objects. */
export function dnsSubdomain(value: string): string | undefined {
  if (value.length > 253) return `is ${value.length} characters long, over the 253 of a DNS subdomain`;
  if (!DNS_SUBDOMAIN.test(value)) return 'is not a DNS subdomain: use lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit';
  return undefined;
}

/** Names that only have to be a path segment (RBAC roles and bindings). */
export function pathSegment(value: string): string | undefined {
  if (value === '.' || value === '..') return `may not be "${value}"`;
  if (/[/%]/.test(value)) return 'may not contain \'/\' or \'%\'';
  return undefined;
}

/** A label or annotation key: `name` or `prefix/name`, with a DNS subdomain as prefix. */
export function qualifiedName(value: string): string | undefined {
  const parts = value.split('/');
  if (parts.length > 2) return 'has more than one \'/\': use an optional DNS subdomain prefix and a name, e.g. "example.com/name"';
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    if (parts[0] === '') return 'has an empty prefix before \'/\'';
    const prefix = dnsSubdomain(parts[0]);
    if (prefix) return `has a prefix that ${prefix}`;
  }
  if (name.length === 0) return 'has an empty name';
  if (name.length > 63) return `has a name of ${name.length} characters, over 63`;
  if (!QUALIFIED_NAME_PART.test(name)) return 'has a name that is not letters, digits, \'-\', \'_\' and \'.\' starting and ending with a letter or digit';
  return undefined;
}

/** A label value: empty, or up to 63 letters, digits, '-', '_', '.' starting and ending with a letter or digit. */
export function labelValue(value: string): string | undefined {
  if (value.length > 63) return `is ${value.length} characters long, over the 63 of a label value`;
  if (value !== '' && !QUALIFIED_NAME_PART.test(value)) return 'may only hold letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit';
  return undefined;
}

/** A port name (IANA service name): container ports, named targetPorts and probe ports. */
export function portName(value: string): string | undefined {
  if (value.length > 15) return `is ${value.length} characters long, over the 15 of a port name`;
  if (!/^[-a-z0-9]+$/.test(value)) return 'may only hold lowercase letters, digits and \'-\'';
  if (!/[a-z]/.test(value)) return 'needs at least one letter';
  if (value.startsWith('-') || value.endsWith('-')) return 'may not start or end with \'-\'';
  if (value.includes('--')) return 'may not contain \'--\'';
  return undefined;
}

/** A key of a ConfigMap or Secret. */
export function configKey(value: string): string | undefined {
  if (value.length > 253) return `is ${value.length} characters long, over 253`;
  if (!CONFIG_KEY.test(value)) return 'may only hold letters, digits, \'-\', \'_\' and \'.\'';
  if (value === '.' || value === '..' || value.startsWith('..')) return 'may not be "." or start with ".."';
  return undefined;
}
