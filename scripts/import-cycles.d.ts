/** The import cycles among the .ts and .js files under root, each from a file back to it (paths relative to root). */
export function findCycles(root: string): string[][];
