// The harness's parts that need no cluster: the nodes and classes it creates, reading /proc for
// the loopback rule, free ports, and cleaning up after a run that was killed.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseManifests as parseFile } from '../../validator/model';

const parseManifests = (text: string) => parseFile('(test)', text).map((m) => m.object);
import { PROFILES } from '../../examples/profiles';
import { NODES, classesYaml, cleanStale, connectionsOf, decodeAddress, freePorts, isLoopback, nodesYaml } from '../../tools/control-plane/harness';

test('three fake nodes in three zones, managed by kwok, untainted', () => {
  const nodes = parseManifests(nodesYaml());
  expect(nodes.map((n) => n.metadata.labels['topology.kubernetes.io/zone'])).toEqual(['zone-a', 'zone-b', 'zone-c']);
  expect(nodes.map((n) => n.metadata.name)).toEqual(NODES.map((n) => n.name));
  expect(nodes.every((n) => n.metadata.annotations['kwok.x-k8s.io/node'] === 'fake' && !n.spec.taints)).toBe(true);
});

test.each(PROFILES.map((p) => p.name))('profile %s: the cluster has the classes the profile names, default ones where it names none', (name) => {
  const profile = PROFILES.find((p) => p.name === name)!;
  const [storage, ingress] = parseManifests(classesYaml(name));
  expect(storage.provisioner).toBe('kubernetes.io/host-path');
  expect(storage.metadata.annotations['storageclass.kubernetes.io/is-default-class']).toBe('true');
  expect(ingress.metadata.annotations['ingressclass.kubernetes.io/is-default-class']).toBe('true');
  // The profile's own class, or (where the profile names none) a default of a name no profile uses.
  const others = (pick: (p: typeof profile) => string | undefined) => PROFILES.filter((p) => p !== profile).map(pick);
  expect(profile.storageClassName ?? (others((p) => p.storageClassName).includes(storage.metadata.name) ? 'a name of another profile' : storage.metadata.name)).toBe(storage.metadata.name);
  expect(profile.ingressClassName ?? (others((p) => p.ingressClassName).includes(ingress.metadata.name) ? 'a name of another profile' : ingress.metadata.name)).toBe(ingress.metadata.name);
});

test('addresses of /proc/net/tcp and tcp6, and which are loopback', () => {
  expect(decodeAddress('0100007F:1F90')).toBe('127.0.0.1:8080');
  expect(decodeAddress('0202000A:0050')).toBe('10.0.2.2:80');
  expect(decodeAddress('00000000000000000000000001000000:0050')).toBe('[0:0:0:0:0:0:0:1]:80');
  expect(decodeAddress('0000000000000000FFFF00000100007F:0050')).toBe('127.0.0.1:80');
  expect(['127.0.0.1:80', '[0:0:0:0:0:0:0:1]:80'].every(isLoopback)).toBe(true);
  expect(['10.0.2.2:80', '192.0.2.1:443', '[2001:db8:0:0:0:0:0:1]:80'].some(isLoopback)).toBe(false);
});

test('connectionsOf sees a connection this process holds', async () => {
  const [port] = await freePorts(1);
  const net = await import('net');
  const server = net.createServer((s) => s.end()).listen(port, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  try {
    expect(connectionsOf([process.pid])).toContain(`127.0.0.1:${port}`);
  } finally {
    socket.destroy();
    server.close();
  }
});

test('free ports are distinct', async () => {
  const ports = await freePorts(6);
  expect(new Set(ports).size).toBe(6);
});

describe('a run that was killed', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-harness-test-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('its processes are stopped and its folder removed at the next start; a live run is left alone', async () => {
    const states = path.join(tmp, 'run');
    const runDir = path.join(tmp, 'cluster');
    fs.mkdirSync(states);
    fs.mkdirSync(runDir);
    // A process standing in for a control-plane component: its command line names the run's folder.
    const orphan = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', runDir], { detached: true, stdio: 'ignore' });
    await new Promise((r) => orphan.once('spawn', r));
    const exited = new Promise((r) => orphan.once('exit', r));
    const deadOwner = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim();
    fs.writeFileSync(path.join(states, 'stale.json'), JSON.stringify({ owner: Number(deadOwner), dir: runDir, processes: [{ name: 'etcd', pid: orphan.pid }] }));
    const liveDir = path.join(tmp, 'live');
    fs.mkdirSync(liveDir);
    fs.writeFileSync(path.join(states, 'live.json'), JSON.stringify({ owner: process.ppid, dir: liveDir, processes: [] }));

    const cleaned = cleanStale(states);
    expect(cleaned).toEqual([`stale cluster of run ${deadOwner} cleaned up: killed etcd ${orphan.pid}, removed ${runDir}`]);
    await exited;
    expect(orphan.signalCode).toBe('SIGKILL');
    expect(fs.existsSync(runDir)).toBe(false);
    expect(fs.readdirSync(states)).toEqual(['live.json']);
    expect(fs.existsSync(liveDir)).toBe(true);
  });
});
