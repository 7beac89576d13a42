import { Finding, Rule } from '../types';
import { containerFinding } from './helpers';

export const readOnlyRootFilesystem: Rule = {
  id: 'read-only-root-filesystem',
  family: 'hardening',
  description: 'every container has a read-only root filesystem, with writable volumes mounted where its image writes',
  check: (set) => set.containers
    .filter((c) => c.kind !== 'ephemeralContainers' && c.container.securityContext?.readOnlyRootFilesystem !== true)
    .map((c): Finding => containerFinding('read-only-root-filesystem', c, 'securityContext.readOnlyRootFilesystem', 'does not set readOnlyRootFilesystem: true')),
};

/** Conventions of this project beyond what a cluster requires. */
export const HARDENING_RULES: readonly Rule[] = [readOnlyRootFilesystem];
