import { Finding, Rule } from '../types';
import { asList, containerFinding, isObject } from './helpers';

export const readOnlyRootFilesystem: Rule = {
  id: 'read-only-root-filesystem',
  family: 'hardening',
  description: 'every container has a read-only root filesystem, with writable volumes mounted where its image writes',
  check: (set) => set.containers
    .filter((c) => c.kind !== 'ephemeralContainers' && c.container.securityContext?.readOnlyRootFilesystem !== true)
    .map((c): Finding => containerFinding('read-only-root-filesystem', c, 'securityContext.readOnlyRootFilesystem', 'does not set readOnlyRootFilesystem: true')),
};

/** Env var names that say they hold a credential. */
const CREDENTIAL_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL/i;
/** A value made only of `$(VAR)` references, which Kubernetes expands from earlier env vars. */
const ONLY_REFERENCES = /^(\$\([A-Za-z_][A-Za-z0-9_]*\))+$/;

export const noLiteralCredential: Rule = {
  id: 'no-literal-credential',
  family: 'hardening',
  description: 'an env var whose name says credential (PASSWORD, TOKEN, SECRET, API_KEY...) takes its value from a Secret, never a literal in the manifest',
  check: (set) => set.containers.flatMap((c) => asList(c.container.env).flatMap((env, i): Finding[] => {
    if (!isObject(env) || typeof env.name !== 'string' || !CREDENTIAL_NAME.test(env.name)) return [];
    if (typeof env.value !== 'string' || env.value === '' || ONLY_REFERENCES.test(env.value)) return [];
    return [containerFinding('no-literal-credential', c, `env[${i}].value`,
      `sets ${env.name} to a literal value: anyone who can read the manifest can read it; use valueFrom.secretKeyRef`)];
  })),
};

/** Conventions of this project beyond what a cluster requires. */
export const HARDENING_RULES: readonly Rule[] = [readOnlyRootFilesystem, noLiteralCredential];
