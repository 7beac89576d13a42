import { budgetTable } from '../../tools/docs/budget-table';
import { K8sObject } from '../../validator/model';

const pod = (cpu: string, memory: string) => ({ spec: { containers: [{ resources: { requests: { cpu, memory }, limits: { memory } } }] } });

describe('the budget table', () => {
  test('one row per example: its pods at their most and its quota; then the total against the budget', () => {
    const web: K8sObject[] = [
      { kind: 'Deployment', metadata: { name: 'web' }, spec: { template: pod('10m', '16Mi') } },
      { kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3 } },
      { kind: 'ResourceQuota', metadata: { name: 'compute' }, spec: { hard: { 'requests.cpu': '40m', 'pods': '4' } } },
    ];
    const db: K8sObject[] = [{ kind: 'StatefulSet', metadata: { name: 'db' }, spec: { replicas: 1, template: pod('50m', '64Mi') } }];
    const dist = new Map([['minikube', new Map([['web', web], ['db', db]])]]);
    expect(budgetTable(['web', 'db'], dist, 'minikube').split('\n').slice(2)).toEqual([
      '| `web` | 3 | 30m | 48Mi | 40m | - | - | 4 |',
      '| `db` | 1 | 50m | 64Mi | - | - | - | - |',
      '| all together | | 80m of 1000m | 112Mi of 1536Mi | | | | |',
    ]);
  });
});
