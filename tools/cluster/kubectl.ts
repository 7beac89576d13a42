// How the cluster scripts talk to a cluster: every call goes through a `Kubectl` function, so the
// tests can replace kubectl and check each planned invocation and each error path.
import { spawn } from 'child_process';

/** An error the user can fix: printed as one line, without a stack. */
export class UserError extends Error {}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Called with each line kubectl prints on stdout, as it prints it. */
  readonly onLine?: (line: string) => void;
  /** Kills kubectl after this many milliseconds. */
  readonly timeoutMs?: number;
}

/** Runs kubectl with these arguments. Throws a UserError when kubectl is not installed. */
export type Kubectl = (args: readonly string[], options?: RunOptions) => Promise<RunResult>;

export const KUBECTL_MISSING = 'kubectl not found on PATH: install it (https://kubernetes.io/docs/tasks/tools/) and try again';

/** The first non-empty line of a text, trimmed. */
export const firstLine = (text: string): string => text.split('\n').map((l) => l.trim()).find(Boolean) ?? '';

/** A Kubectl that runs the kubectl found on PATH, in `cwd`. */
export function spawnKubectl(cwd: string, env: NodeJS.ProcessEnv = process.env): Kubectl {
  return (args, options = {}) => new Promise<RunResult>((resolve, reject) => {
    const child = spawn('kubectl', [...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    const timer = options.timeoutMs ? setTimeout(() => child.kill(), options.timeoutMs) : undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      if (!options.onLine) return;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      lines.forEach((l) => options.onLine?.(l));
    });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk; });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      reject(err.code === 'ENOENT' ? new UserError(KUBECTL_MISSING) : err);
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      if (partial && options.onLine) options.onLine(partial);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

export interface ClusterInfo {
  /** The current context of the kubeconfig. */
  readonly context: string;
  /** The API server's version, e.g. 1.31. */
  readonly major: number;
  readonly minor: number;
  readonly gitVersion: string;
}

/**
 * Checks that kubectl is installed, that the kubeconfig has a current context, and that its
 * cluster answers; throws a UserError that says which of the three is missing.
 */
export async function preflight(kubectl: Kubectl): Promise<ClusterInfo> {
  const context = await kubectl(['config', 'current-context']);
  if (context.code !== 0 || !context.stdout.trim()) {
    throw new UserError('no current kube context: start a cluster (minikube start) or choose one '
      + '(kubectl config get-contexts, then kubectl config use-context NAME)');
  }
  const name = context.stdout.trim();
  const version = await kubectl(['version', '--output=json', '--request-timeout=10s']);
  let server: { major?: string; minor?: string; gitVersion?: string } | undefined;
  try {
    server = JSON.parse(version.stdout).serverVersion;
  } catch {
    server = undefined;
  }
  if (version.code !== 0 || !server) {
    const reason = firstLine(version.stderr) || 'no answer';
    throw new UserError(`cannot reach the cluster of context "${name}": ${reason} (is it running? minikube status)`);
  }
  return {
    context: name,
    major: parseInt(server.major ?? '0', 10),
    minor: parseInt(server.minor ?? '0', 10),
    gitVersion: server.gitVersion ?? `${server.major}.${server.minor}`,
  };
}
