import { App, Testing } from 'cdk8s';
import { getProfile } from '../../examples/profiles';
import { RENDER_CONFIG_SCRIPT, SidecarsExample, WORKER_SCRIPT } from '../../examples/sidecars/chart';
import { K8sObject, findObject, synthExample } from '../helpers';

interface Mount { name: string; mountPath: string; readOnly?: boolean }
interface Container { name: string; volumeMounts?: Mount[]; command?: string[]; restartPolicy?: string }

const allContainers = (spec: K8sObject): Container[] => [...(spec.initContainers ?? []), ...spec.containers];
const container = (spec: K8sObject, name: string): Container => {
  const found = allContainers(spec).filter((c) => c.name === name);
  if (found.length !== 1) throw new Error(`expected one container "${name}", found ${found.length}`);
  return found[0];
};

/**
 * Where an absolute path inside a container lands: the volume mounted at the longest matching
 * mount path, and the path relative to it. Undefined when the path is on no volume.
 */
function onVolume(c: Container, path: string): { volume: string; relative: string } | undefined {
  const mount = (c.volumeMounts ?? [])
    .filter((m) => path.startsWith(`${m.mountPath.replace(/\/$/, '')}/`))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  return mount && { volume: mount.name, relative: path.slice(mount.mountPath.replace(/\/$/, '').length + 1) };
}

/** The emptyDir volume that both containers mount, or undefined. */
function sharedEmptyDir(spec: K8sObject, a: string, b: string): string | undefined {
  const names = (c: Container) => (c.volumeMounts ?? []).map((m) => m.name);
  const shared = names(container(spec, a)).filter((n) => names(container(spec, b)).includes(n));
  return shared.find((n) => spec.volumes.some((v: K8sObject) => v.name === n && v.emptyDir));
}

/** The files the log shipper follows: the arguments after the script and $0. */
const shippedFiles = (shipper: Container) => shipper.command!.slice(4);

describe('sidecars example', () => {
  const objects = synthExample('sidecars');
  const web = findObject(objects, 'Deployment', 'web').spec.template.spec;
  const worker = findObject(objects, 'Deployment', 'worker').spec.template.spec;

  describe('classic sidecar (web)', () => {
    test('the sidecar and the main container mount the same emptyDir', () => {
      const volume = sharedEmptyDir(web, 'web', 'log-shipper');
      expect(volume).toBe('logs');
      expect(container(web, 'web').volumeMounts).toContainEqual({ name: 'logs', mountPath: '/var/log/nginx' });
      expect(container(web, 'log-shipper').volumeMounts).toEqual([{ name: 'logs', mountPath: '/logs', readOnly: true }]);
    });

    test('the shipper follows the files nginx writes (/var/log/nginx/*.log), through the shared volume', () => {
      const shipper = container(web, 'log-shipper');
      expect(shippedFiles(shipper)).toEqual(['/logs/access.log', '/logs/error.log']);
      for (const [file, nginxPath] of [['/logs/access.log', '/var/log/nginx/access.log'], ['/logs/error.log', '/var/log/nginx/error.log']]) {
        expect(onVolume(shipper, file)).toEqual(onVolume(container(web, 'web'), nginxPath));
        expect(onVolume(shipper, file)?.volume).toBe('logs');
      }
    });

    test('it is an ordinary container of the pod: no init container, no container restartPolicy', () => {
      expect(web.containers.map((c: Container) => c.name)).toEqual(['web', 'log-shipper']);
      expect(web.initContainers).toBeUndefined();
      expect(container(web, 'log-shipper').restartPolicy).toBeUndefined();
    });

    test('one pod is enough to show the concept', () => {
      expect(findObject(objects, 'Deployment', 'web').spec.replicas).toBe(1);
    });
  });

  describe('classic init container (worker)', () => {
    test('render-config writes the file the worker reads, through an emptyDir, from the downward API', () => {
      const render: K8sObject = container(worker, 'render-config');
      expect(render.restartPolicy).toBeUndefined();
      expect(sharedEmptyDir(worker, 'render-config', 'worker')).toBe('config');
      expect(onVolume(render, '/config/worker.env')).toEqual(onVolume(container(worker, 'worker'), '/etc/worker/worker.env'));
      expect(RENDER_CONFIG_SCRIPT).toContain('> /config/worker.env');
      expect(WORKER_SCRIPT.split('\n')[0]).toBe('. /etc/worker/worker.env');
      expect(render.env.map((e: K8sObject) => [e.name, e.valueFrom.fieldRef.fieldPath])).toEqual([['POD_NAME', 'metadata.name'], ['NODE_NAME', 'spec.nodeName']]);
    });

    test('the worker may only read the rendered config', () => {
      const mount = (container(worker, 'worker').volumeMounts ?? []).find((m) => m.name === 'config');
      expect(mount).toEqual({ name: 'config', mountPath: '/etc/worker', readOnly: true });
    });
  });

  describe('native sidecar (worker)', () => {
    test('the shipper is an init container with restartPolicy Always, after the classic init container', () => {
      expect(worker.initContainers.map((c: Container) => [c.name, c.restartPolicy])).toEqual([['render-config', undefined], ['log-shipper', 'Always']]);
      expect(worker.containers.map((c: Container) => c.name)).toEqual(['worker']);
    });

    test('it mounts the worker\'s emptyDir and follows the file the worker writes', () => {
      expect(sharedEmptyDir(worker, 'worker', 'log-shipper')).toBe('logs');
      expect(WORKER_SCRIPT).toContain('>> /var/log/app/worker.log');
      const [file] = shippedFiles(container(worker, 'log-shipper'));
      expect(onVolume(container(worker, 'log-shipper'), file)).toEqual(onVolume(container(worker, 'worker'), '/var/log/app/worker.log'));
    });

    test('the worker takes 3 s to stop, so only a sidecar that outlives it ships its last line', () => {
      expect(WORKER_SCRIPT).toMatch(/trap '.*sleep 3; log "stopped"; exit 0' TERM/);
      expect(findObject(objects, 'Deployment', 'worker').spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(3 + 1);
    });

    test('nativeWorkerShipper: false makes it a classic sidecar, for comparison', () => {
      const classic = Testing.synth(new SidecarsExample(new App(), 'sidecars', { profile: getProfile('minikube'), nativeWorkerShipper: false }));
      const spec = findObject(classic, 'Deployment', 'worker').spec.template.spec;
      expect(spec.initContainers.map((c: Container) => c.name)).toEqual(['render-config']);
      expect(spec.containers.map((c: Container) => [c.name, c.restartPolicy])).toEqual([['worker', undefined], ['log-shipper', undefined]]);
      expect(sharedEmptyDir(spec, 'worker', 'log-shipper')).toBe('logs');
    });
  });
});
