import * as path from 'path';
import { Diagram, renderDiagram } from '../../tools/docs/diagram';
import { K8sObject } from '../../validator/model';
import { loadDist } from '../../tools/docs/dist';
import { ExternalRefsHolder, NS, shopObjects, shopWithExternalRefsOn } from '../fixtures/kinds';

const ROOT = path.join(__dirname, '..', '..');

/** The edge lines of a diagram, `from -->|"label"| to`, for exact assertions. */
const edges = (text: string) => text.split('\n').map((l) => l.trim()).filter((l) => /-->|-\.->/.test(l));
/** The node lines, keyed by id. */
const nodes = (text: string) => new Map(text.split('\n').map((l) => l.trim())
  .map((l) => /^([A-Za-z][A-Za-z0-9_]*)(\[\[|\[\(|\[\/|\(\[|\(\(|\{\{|\[|\()"(.*)"/.exec(l)).filter((m): m is RegExpExecArray => m !== null)
  .map((m) => [m[1], m[3]]));

describe('diagram of a manifest with every kind', () => {
  const text = renderDiagram(shopObjects());

  test('Ingress → Service → pods, with the rule, the port and the TLS Secret', () => {
    expect(edges(text)).toEqual(expect.arrayContaining([
      'outside -->|"HTTP, HTTPS"| ing_web',
      'ing_web -->|"shop.local/ → :80"| svc_web',
      'ing_web -.->|"TLS shop.local"| secret_web_tls',
      'svc_web -->|":80 → 8080"| pods_web',
      'outside -->|"node port 30095"| svc_web_nodeport',
      'svc_web_nodeport -->|":80 → http"| pods_web',
    ]));
  });

  test('each workload creates its pods, described by kind', () => {
    expect(edges(text)).toEqual(expect.arrayContaining([
      'deploy_web -->|"ReplicaSet, 2 replicas"| pods_web',
      'sts_db -->|"2 replicas, in order"| pods_db',
      'ds_node_agent -->|"one per node"| pods_node_agent',
      'cj_backup -->|"a Job on schedule 0 3 * * *"| pods_backup',
    ]));
    expect(nodes(text).get('pods_db')).toBe('pods db-0 … db-1<br/>postgres: postgres:16.4 :5432');
  });

  test('ConfigMap, Secret, claim and ServiceAccount edges say how the pods use them', () => {
    expect(edges(text)).toEqual(expect.arrayContaining([
      'pods_web -.->|"env, volume /etc/web"| cm_web_config',
      'pods_web -.->|"env"| secret_db_credentials',
      'pods_web -.->|"envFrom"| secret_web_api_keys',
      'pods_web -.->|"volume /srv/uploads"| pvc_uploads',
      'pods_web -.->|"identity"| sa_web',
      'pods_db -.->|"env"| secret_db_credentials',
    ]));
    expect(nodes(text).get('pvc_uploads')).toBe('PersistentVolumeClaim uploads<br/>1Gi, class standard');
  });

  test('a StatefulSet: its headless Service and one claim per pod from volumeClaimTemplates', () => {
    expect(edges(text)).toEqual(expect.arrayContaining([
      'sts_db -.->|"serviceName"| svc_db',
      'svc_db -->|":5432 → 5432"| pods_db',
      'pods_db -.->|"volume /var/lib/postgresql/data"| pvc_db_data',
    ]));
    expect(nodes(text).get('svc_db')).toBe('Service db<br/>headless :5432');
    expect(nodes(text).get('pvc_db_data')).toBe('PersistentVolumeClaims data-db-0 … data-db-1<br/>one per pod, from volumeClaimTemplates<br/>2Gi, class standard');
  });

  test('native sidecars and init containers are named as such inside the pods', () => {
    expect(nodes(text).get('pods_web')).toBe('pods web-…<br/>init migrate: example/migrate:1.0.0<br/>sidecar log-shipper: busybox:1.36.1<br/>web: example/web:2.1.0 :8080');
  });

  test('NetworkPolicy, PodDisruptionBudget and autoscaler act on the pods or the workload', () => {
    expect(edges(text)).toEqual(expect.arrayContaining([
      'netpol_db_from_web -.->|"applies to"| pods_db',
      'pods_web -.->|"may connect :5432"| netpol_db_from_web',
      'netpol_default_deny -.->|"applies to"| pods_web',
      'netpol_default_deny -.->|"applies to"| pods_node_agent',
      'pdb_web -.->|"keeps 1 available"| pods_web',
      'hpa_web -.->|"scales 2–4"| deploy_web',
    ]));
    expect(nodes(text).get('netpol_default_deny')).toBe('NetworkPolicy default-deny<br/>denies all ingress');
  });

  test('references outside the manifests are dashed: annotated ones as created out of band', () => {
    const n = nodes(text);
    expect(n.get('secret_web_tls')).toBe('Secret web-tls<br/>created out of band');
    expect(n.get('secret_db_credentials')).toBe('Secret db-credentials<br/>created out of band');
    expect(n.get('secret_web_api_keys')).toBe('Secret web-api-keys<br/>not in these manifests');
    expect(n.get('svc_api')).toBe('Service api<br/>not in these manifests');
    expect(text).toContain('class svc_api,secret_web_tls,dns_payments_example_com,secret_db_credentials,secret_web_api_keys external');
  });

  test.each<[ExternalRefsHolder, string]>([
    ['on the workload', 'created out of band'],
    ['on its pod template', 'created out of band'],
    ['on the Namespace', 'created out of band'],
    ['nowhere', 'not in these manifests'],
  ])('a Secret whose external-refs annotation is %s: drawn as the validator reads it', (holder, note) => {
    expect(nodes(renderDiagram(shopWithExternalRefsOn(holder))).get('secret_db_credentials')).toBe(`Secret db-credentials<br/>${note}`);
  });

  test('a Service with an empty selector draws no traffic to any pods', () => {
    const objects = shopObjects().map((o) => (o.kind === 'Service' && o.metadata.name === 'web' ? { ...o, spec: { ...o.spec, selector: {} } } : o));
    expect(edges(renderDiagram(objects)).filter((e) => e.startsWith('svc_web '))).toEqual([]);
  });

  test('ExternalName: an alias of a Service in the manifests points at it, any other name at a DNS node', () => {
    expect(edges(text)).toEqual(expect.arrayContaining([
      'svc_db_alias -.->|"CNAME"| svc_db',
      'svc_payments -.->|"CNAME"| dns_payments_example_com',
    ]));
  });

  test('every object but the namespace is a node inside its namespace frame', () => {
    const lines = text.split('\n');
    const start = lines.indexOf(`  subgraph ns_shop_demo["namespace ${NS}"]`);
    const end = lines.indexOf('  end', start);
    expect(start).toBeGreaterThan(0);
    const inside = lines.slice(start + 1, end).join('\n');
    for (const o of shopObjects().filter((x) => x.kind !== 'Namespace')) {
      expect(inside).toContain(`"${o.kind} ${o.metadata.name}`);
    }
  });

  test('the same objects give the same text', () => {
    expect(renderDiagram(shopObjects())).toBe(text);
  });
});

describe('diagram syntax', () => {
  test('ids are unique Mermaid identifiers even when names collide once made safe', () => {
    const d = new Diagram();
    const a = d.node('a', 'svc_web-a', 'x', 'rect');
    const b = d.node('b', 'svc_web_a', 'y', 'rect');
    const c = d.node('c', '1-start', 'z', 'rect');
    expect([a, b, c]).toEqual(['svc_web_a', 'svc_web_a_2', 'n_1_start']);
    expect(d.node('a', 'other', 'ignored', 'rect')).toBe('svc_web_a');
  });

  test('double quotes in labels are escaped, so a label cannot end early', () => {
    const d = new Diagram();
    const a = d.node('a', 'a', 'say "hi"', 'rect');
    d.edge(a, a, 'the "loop"', true);
    expect(d.render()).toBe('flowchart LR\n  a["say #quot;hi#quot;"]\n  a -.->|"the #quot;loop#quot;"| a');
  });

  test('two references between the same nodes become one edge with both labels', () => {
    const objects: K8sObject[] = shopObjects();
    expect(edges(renderDiagram(objects)).filter((l) => l.startsWith('pods_web -.->') && l.endsWith('cm_web_config'))).toHaveLength(1);
  });

  test('every line of every example diagram has a form Mermaid accepts', () => {
    const dist = loadDist(ROOT);
    const all = [...dist.values()].flatMap((byExample) => [...byExample.values()]);
    for (const objects of [...all, shopObjects()]) {
      const lines = renderDiagram(objects).split('\n');
      expect(lines[0]).toBe('flowchart LR');
      for (const line of lines.slice(1)) {
        expect(line).toMatch(new RegExp([
          '^ {2,4}[A-Za-z][A-Za-z0-9_]*(\\[\\[|\\[\\(|\\[/|\\(\\[|\\(\\(|\\{\\{|\\[|\\()"[^"]*"(\\]\\]|\\)\\]|/\\]|\\]\\)|\\)\\)|\\}\\}|\\]|\\))$', // node
          '^ {2}subgraph [A-Za-z][A-Za-z0-9_]*\\["[^"]*"\\]$',
          '^ {2}end$',
          '^ {2}[A-Za-z][A-Za-z0-9_]* (-->|-\\.->)(\\|"[^"]*"\\|)? [A-Za-z][A-Za-z0-9_]*$', // edge
          '^ {2}classDef external stroke-dasharray: 5 5$',
          '^ {2}class [A-Za-z0-9_,]+ external$',
        ].join('|')));
      }
    }
  });
});

describe('diagram of RBAC', () => {
  test('a RoleBinding grants its Role to a ServiceAccount', () => {
    const meta = (name: string) => ({ name, namespace: NS });
    const text = renderDiagram([
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('reader') },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta('read-pods'), rules: [] },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta('reader-reads'),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-pods' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: NS }],
      },
    ]);
    expect(edges(text)).toEqual(['rb_reader_reads -.->|"grants"| role_read_pods', 'rb_reader_reads -.->|"to"| sa_reader']);
  });
});
