// The loopback rule, checked at the end of the run: every TCP connection the control plane's
// processes hold goes to 127.0.0.1.
import { connectionsOf, isLoopback } from '../tools/control-plane/harness';
import { SIMULATED, getJson } from './lib';

const pids = (process.env.E2E_PIDS ?? '').split(',').filter(Boolean).map(Number);

(SIMULATED ? test : test.skip)('every connection of etcd, the apiserver, the controller-manager, the scheduler and kwok is on loopback', () => {
  expect(pids.length).toBe(5);
  const remotes = connectionsOf(pids);
  // The apiserver holds connections to etcd at least: an empty list would mean /proc was not read.
  expect(remotes.length).toBeGreaterThan(0);
  expect(remotes.filter((a) => !isLoopback(a))).toEqual([]);
});

(SIMULATED ? test : test.skip)('the fake nodes have one address, 127.0.0.1: the only one the apiserver could dial', async () => {
  const nodes = (await getJson(['nodes'])).items;
  expect(nodes.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual(['node-a', 'node-b', 'node-c']);
  for (const n of nodes) expect(n.status.addresses).toEqual([{ type: 'InternalIP', address: '127.0.0.1' }]);
});
