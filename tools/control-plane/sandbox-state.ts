// Where the running sandbox (sandbox.ts) records itself: read by `npm run sandbox -- stop` from
// another terminal, and by the tests.
import * as path from 'path';
import { controlPlaneCache } from './build';

/** The running sandbox: its process, its kubeconfig and the folder of its kubectl. */
export interface SandboxState { pid: number; kubeconfig: string; bin: string }

export const sandboxFile = (env: NodeJS.ProcessEnv = process.env) => path.join(controlPlaneCache(env), 'sandbox.json');
/** A request to stop or start one component, for the sandbox to read on SIGUSR2. */
export const requestFile = (env: NodeJS.ProcessEnv = process.env) => path.join(controlPlaneCache(env), 'sandbox-request.json');
