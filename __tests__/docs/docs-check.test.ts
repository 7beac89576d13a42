import { DocsWorld, checkDocs, formatProblem, isPlaceholder } from '../../tools/docs/docs-check';
import { shopObjects } from '../fixtures/kinds';

// The synthetic shop example stands for dist/: namespace shop-demo, Services web (80), db
// (headless, 5432), web-nodeport (30095), db-alias; Deployment web (containers migrate,
// log-shipper, web on 8080); StatefulSet db with 2 replicas and claims `data`.
const world: DocsWorld = {
  objects: shopObjects(),
  examples: ['shop'],
  profiles: ['minikube', 'k3s'],
  fileExists: (f) => ['dist/minikube/shop.yaml', 'dist/minikube', 'README.md'].includes(f),
};

/** The messages for a guide made of one sh block with these lines. */
const problems = (...lines: string[]) => checkDocs([{ file: 'guide.md', text: ['```sh', ...lines, '```'].join('\n') }], world).map((p) => p.message);

describe('every kind of reference passes when it is in dist/, and fails when it is not', () => {
  test.each<[string, string, string]>([
    // [what, a command that agrees with dist/, the same command broken]
    ['namespace', 'kubectl -n shop-demo get pods', 'no namespace "shop" in dist/'],
    ['object TYPE/NAME', 'kubectl -n shop-demo rollout status deployment/web', 'no Deployment "webb" in namespace shop-demo of dist/'],
    ['object TYPE NAME', 'kubectl -n shop-demo get svc web db', 'no Service "dbb" in namespace shop-demo of dist/'],
    ['file', 'kubectl apply -f dist/minikube/shop.yaml', 'no file "dist/k3s/shop.yaml" in dist/ (run npm run synth?)'],
    ['Service port of a port-forward', 'kubectl -n shop-demo port-forward svc/web 8080:80', 'Service "web" has no port 8080 (it has: 80)'],
    ['container port of a port-forward', 'kubectl -n shop-demo port-forward deploy/web 9000:8080', 'Deployment "web" exposes no container port 9090 (it has: 8080)'],
    ['container', 'kubectl -n shop-demo logs deploy/web -c log-shipper', 'Deployment "web" has no container "shipper" (it has: migrate, log-shipper, web)'],
    ['label selector', 'kubectl -n shop-demo get pods -l app.kubernetes.io/name=web', 'no object in namespace shop-demo has the labels app.kubernetes.io/name=webb'],
    ['StatefulSet pod', 'kubectl -n shop-demo exec db-1 -- pg_isready', 'no Pod "db-2" in namespace shop-demo of dist/'],
    ['StatefulSet claim', 'kubectl -n shop-demo describe pvc data-db-0', 'no PersistentVolumeClaim "data-db-2" in namespace shop-demo of dist/'],
    ['Service from inside a pod', 'kubectl -n shop-demo exec deploy/web -c web -- wget -qO- http://web', 'Service "web" in namespace shop-demo has no port 8080'],
    ['DNS name from inside a pod', 'kubectl -n shop-demo exec deploy/web -- nslookup db.shop-demo.svc.cluster.local', 'no Service "dbb" in namespace shop-demo of dist/ answers to "dbb.shop-demo.svc.cluster.local"'],
    ['NodePort from outside', 'curl http://$(minikube ip):30095/', 'port 30096 is not a NodePort, LoadBalancer or Ingress port of dist/'],
    ['minikube service', 'minikube service web-nodeport -n shop-demo --url', 'Service "web" is ClusterIP: minikube service needs a NodePort or LoadBalancer Service'],
    ['npm run deploy', 'npm run deploy -- shop k3s', 'no example "shopp" in dist/'],
    ['resource type', 'kubectl -n shop-demo get deployments,statefulsets', 'unknown resource type "deploymnets"'],
  ])('%s', (_what, good, expected) => {
    expect(problems(good)).toEqual([]);
    const broken = {
      namespace: 'kubectl -n shop get pods',
      'object TYPE/NAME': 'kubectl -n shop-demo rollout status deployment/webb',
      'object TYPE NAME': 'kubectl -n shop-demo get svc web dbb',
      file: 'kubectl apply -f dist/k3s/shop.yaml',
      'Service port of a port-forward': 'kubectl -n shop-demo port-forward svc/web 8080:8080',
      'container port of a port-forward': 'kubectl -n shop-demo port-forward deploy/web 9000:9090',
      container: 'kubectl -n shop-demo logs deploy/web -c shipper',
      'label selector': 'kubectl -n shop-demo get pods -l app.kubernetes.io/name=webb',
      'StatefulSet pod': 'kubectl -n shop-demo exec db-2 -- pg_isready',
      'StatefulSet claim': 'kubectl -n shop-demo describe pvc data-db-2',
      'Service from inside a pod': 'kubectl -n shop-demo exec deploy/web -c web -- wget -qO- http://web:8080',
      'DNS name from inside a pod': 'kubectl -n shop-demo exec deploy/web -- nslookup dbb.shop-demo.svc.cluster.local',
      'NodePort from outside': 'curl http://$(minikube ip):30096/',
      'minikube service': 'minikube service web -n shop-demo --url',
      'npm run deploy': 'npm run deploy -- shopp',
      'resource type': 'kubectl -n shop-demo get deploymnets,statefulsets',
    }[_what]!;
    expect(problems(broken)).toEqual([expected]);
  });
});

describe('what counts as existing without being in dist/', () => {
  test('a name created earlier in the same document, and only after it is created', () => {
    expect(problems(
      'kubectl -n shop-demo get svc web-exposed',
      'kubectl -n shop-demo expose deployment web --name=web-exposed --port=80 --target-port=8080',
      'kubectl -n shop-demo get svc web-exposed',
      'kubectl -n shop-demo create secret generic extra --from-literal=a=b',
      'kubectl -n shop-demo describe secret extra',
      'kubectl -n shop-demo delete svc web-exposed',
    )).toEqual(['no Service "web-exposed" in namespace shop-demo of dist/']);
  });

  test('expose checks that the target port is a container port', () => {
    expect(problems('kubectl -n shop-demo expose deployment web --name=x --port=80 --target-port=9999'))
      .toEqual(['Deployment "web" exposes no container port 9999 (it has: 8080)']);
  });

  test('labels set earlier by kubectl label', () => {
    expect(problems(
      'kubectl -n shop-demo label pod -l app.kubernetes.io/name=web app.kubernetes.io/instance=other --overwrite',
      'kubectl -n shop-demo delete pod -l app.kubernetes.io/name=web,app.kubernetes.io/instance=other',
    )).toEqual([]);
  });

  test('placeholders and shell variables are not looked up', () => {
    expect(problems('kubectl -n shop-demo logs <pod-name>', 'kubectl -n NAMESPACE get svc NAME', 'kubectl -n "$NS" get deploy/$APP', 'curl http://<EXTERNAL-IP>:30095')).toEqual([]);
    expect([isPlaceholder('NAME'), isPlaceholder('<x>'), isPlaceholder('$X'), isPlaceholder('web'), isPlaceholder('Deployment')]).toEqual([true, true, true, false, false]);
  });

  test("the cluster's own namespaces and kinds", () => {
    expect(problems(
      'kubectl -n ingress-nginx get pods', 'kubectl -n kube-system get svc traefik', 'kubectl get nodes -o wide',
      'kubectl get ingressclass nginx', 'kubectl describe node minikube-m02', 'kubectl get --raw /readyz',
    )).toEqual([]);
  });

  test('objects controllers create with names that follow from the manifests', () => {
    expect(problems(
      'kubectl -n shop-demo get endpoints web', 'kubectl -n shop-demo get rs web-5d7f9c8b6', 'kubectl -n shop-demo get job backup-28512345',
    )).toEqual([]);
    expect(problems('kubectl -n shop-demo get rs db-5d7f9c8b6')).toEqual(['no ReplicaSet "db-5d7f9c8b6" in namespace shop-demo of dist/']);
  });

  test('without -n, kubectl looks in namespace default; set-context --namespace changes that', () => {
    expect(problems('kubectl get deploy web')).toEqual(['no Deployment "web" in namespace default of dist/ (no -n: kubectl looks in namespace default)']);
    expect(problems('kubectl config set-context --current --namespace=shop-demo', 'kubectl get deploy web')).toEqual([]);
    expect(problems('kubectl get deploy web -A')).toEqual([]);
  });

  test('localhost: a port forwarded earlier in the document', () => {
    expect(problems('kubectl -n shop-demo port-forward svc/web 8080:80 &', 'curl -s localhost:8080/healthz')).toEqual([]);
    expect(problems('curl -s http://localhost:8080/')).toEqual(['nothing forwards local port 8080: no kubectl port-forward to it earlier in this document']);
  });

  test('localhost after minikube tunnel: ports 80 and 443 of the ingress controller, from then on', () => {
    expect(problems('curl -H "Host: shop.local" http://127.0.0.1/')).toEqual([
      'nothing forwards local port 80: no kubectl port-forward to it earlier in this document (nor minikube tunnel, for an Ingress)',
    ]);
    expect(problems(
      'minikube tunnel',
      'curl -H "Host: shop.local" http://127.0.0.1/',
      'curl -k --resolve shop.local:443:127.0.0.1 https://shop.local/',
      'curl -k -H "Host: shop.local" https://localhost/',
    )).toEqual([]);
    // The tunnel opens 80 and 443, nothing else...
    expect(problems('minikube tunnel', 'curl http://127.0.0.1:8080/')).toEqual([
      'nothing forwards local port 8080: no kubectl port-forward to it earlier in this document',
    ]);
    // ...and only serves an Ingress when there is one.
    const noIngress: DocsWorld = { ...world, objects: shopObjects().filter((o) => o.kind !== 'Ingress') };
    const text = ['```sh', 'minikube tunnel', 'curl http://127.0.0.1/', '```'].join('\n');
    expect(checkDocs([{ file: 'guide.md', text }], noIngress).map((p) => p.message)).toEqual([
      'nothing forwards local port 80: no kubectl port-forward to it earlier in this document (nor minikube tunnel, for an Ingress)',
    ]);
  });

  test('StatefulSet pods and claims beyond the replicas, once the document scaled the StatefulSet up', () => {
    expect(problems(
      'kubectl -n shop-demo scale statefulset db --replicas=4',
      'kubectl -n shop-demo exec db-3 -- pg_isready',
      'kubectl -n shop-demo get pvc data-db-3',
      'kubectl -n shop-demo scale sts/db --replicas 1',
      'kubectl -n shop-demo describe pvc data-db-3',
    )).toEqual([]);
    expect(problems('kubectl -n shop-demo exec db-3 -- pg_isready', 'kubectl -n shop-demo scale statefulset db --replicas=3', 'kubectl -n shop-demo exec db-3 -- pg_isready')).toEqual([
      'no Pod "db-3" in namespace shop-demo of dist/', 'no Pod "db-3" in namespace shop-demo of dist/',
    ]);
    // Scaling a Deployment, or another namespace's StatefulSet, makes no StatefulSet pods.
    expect(problems('kubectl -n shop-demo scale deployment web --replicas=5', 'kubectl -n shop-demo get pod web-4')).toEqual([
      'no Pod "web-4" in namespace shop-demo of dist/',
    ]);
  });

  test('an ExternalName Service resolves to its target, with the target ports', () => {
    expect(problems('kubectl -n shop-demo exec deploy/web -- sh -c "wget -qO- http://db-alias:5432"')).toEqual([]);
    expect(problems('kubectl -n shop-demo exec deploy/web -- sh -c "wget -qO- http://db-alias:80"')).toEqual(['Service "db" in namespace shop-demo has no port 80']);
  });

  test('localhost inside kubectl exec is the pod itself: a port some container of the pod listens on', () => {
    expect(problems(
      // from the log-shipper sidecar to the web container of the same pod
      'kubectl -n shop-demo exec deploy/web -c log-shipper -- wget -qO- http://localhost:8080/healthz',
      'kubectl -n shop-demo exec db-0 -- sh -c "wget -qO- 127.0.0.1:5432"',
      'kubectl -n shop-demo run probe --image=busybox:1.36.1 -- sleep 60',
      'kubectl -n shop-demo exec probe -- wget -qO- localhost:1234',
    )).toEqual([]);
    expect(problems('kubectl -n shop-demo exec deploy/web -- wget -qO- http://localhost:9090/')).toEqual([
      'localhost:9090 inside a pod of Deployment "web": no container of the pod listens on 9090 (container ports: 8080)',
    ]);
    // The port of another workload is not on this pod's localhost.
    expect(problems('kubectl -n shop-demo exec ds/node-agent -- wget -qO- localhost:8080')).toEqual([
      'localhost:8080 inside a pod of DaemonSet "node-agent": no container of the pod listens on 8080 (container ports: none)',
    ]);
  });

  test('kubectl logs -f follows: it names no file', () => {
    expect(problems('kubectl -n shop-demo logs -f deploy/web -c log-shipper', 'kubectl -n shop-demo logs -f --tail 5 db-0')).toEqual([]);
    expect(problems('kubectl -n shop-demo logs -f deploy/web -c shipper', 'kubectl -n shop-demo get -f dist/minikube/nothing.yaml')).toEqual([
      'Deployment "web" has no container "shipper" (it has: migrate, log-shipper, web)',
      'no file "dist/minikube/nothing.yaml" in dist/ (run npm run synth?)',
    ]);
  });

  test("names outside the cluster, or in the cluster's own namespaces, are left alone", () => {
    expect(problems(
      'kubectl -n shop-demo exec deploy/web -- wget -qO- https://example.com/',
      'kubectl -n shop-demo exec deploy/web -- nslookup kubernetes.default',
      'kubectl -n shop-demo exec deploy/web -- wget -qO- https://kubernetes.default.svc/healthz',
    )).toEqual([]);
  });

  test('the pods of a headless Service by their own DNS names', () => {
    expect(problems('kubectl -n shop-demo exec deploy/web -- nslookup db-0.db', 'kubectl -n shop-demo exec deploy/web -- nslookup db-1.db.shop-demo.svc.cluster.local')).toEqual([]);
  });
});

describe('reading the documents', () => {
  test('inline commands in prose are checked, with the file and line of the problem', () => {
    const text = 'Intro.\n\nScale it: `kubectl -n shop-demo scale deployment/webb --replicas=3`.\n';
    expect(checkDocs([{ file: 'examples/shop/README.md', text }], world).map(formatProblem)).toEqual([
      'examples/shop/README.md:3: no Deployment "webb" in namespace shop-demo of dist/ (in: kubectl -n shop-demo scale deployment/webb --replicas=3)',
    ]);
  });

  test('only shell blocks are read, not YAML or Mermaid', () => {
    const text = '```yaml\nkubectl get deploy nothing\n```\n\n```mermaid\nkubectl get deploy nothing\n```\n';
    expect(checkDocs([{ file: 'x.md', text }], world)).toEqual([]);
  });

  test('unknown kubectl commands and rollout subcommands are reported', () => {
    expect(problems('kubectl aply -f dist/minikube/shop.yaml', 'kubectl -n shop-demo rollout stat deploy/web')).toEqual([
      'unknown kubectl command "aply"', 'unknown kubectl rollout subcommand "stat"',
    ]);
  });

  test('created names do not leak from one document to the next', () => {
    const a = { file: 'a.md', text: '```sh\nkubectl -n shop-demo create configmap extra\n```' };
    const b = { file: 'b.md', text: '```sh\nkubectl -n shop-demo get configmap extra\n```' };
    expect(checkDocs([a, b], world).map(formatProblem)).toEqual([
      'b.md:2: no ConfigMap "extra" in namespace shop-demo of dist/ (in: kubectl -n shop-demo get configmap extra)',
    ]);
  });
});
