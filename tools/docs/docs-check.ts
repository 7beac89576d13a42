// Docs that cannot drift: reads every kubectl, minikube, npm run and curl/wget command of the
// guides and checks that each namespace, object, container, port, label selector and file it
// names exists in dist/. A guide that says `kubectl -n shop-demo logs deploy/web -c sidecar`
// fails as soon as the example no longer has that namespace, Deployment or container.
//
// What is not checked, on purpose:
// - words only known when the command runs: `$VAR`, `$(...)`, placeholders such as `<pod-name>`;
// - objects the cluster provides (nodes, events, IngressClasses, StorageClasses...), and objects in
//   the namespaces of the cluster's own components (CLUSTER_NAMESPACES);
// - names created earlier in the same document (`kubectl create secret generic db-credentials`,
//   `kubectl expose ... --name=web-exposed`, `kubectl run`): they count as existing from there on.
//
// What the document did earlier also counts: a `kubectl port-forward` opens its local port,
// `minikube tunnel` opens the ingress controller's ports 80 and 443 on 127.0.0.1, and
// `kubectl scale statefulset` makes pods and claims with higher ordinals.
//
// The work is split by what a command does: check/kubectl.ts, check/network.ts (wget, curl,
// nslookup in a pod or on your machine), check/tools.ts (minikube, npm); check/doc.ts keeps what a
// document has set up so far, check/world.ts indexes dist/.
import { KubectlCheck } from './check/kubectl';
import { Doc, DocProblem } from './check/doc';
import { NetworkCheck } from './check/network';
import { ToolCheck } from './check/tools';
import { DocsWorld, World } from './check/world';
import { codeBlocks, inlineCodes } from './markdown';
import { Command, programWords, splitCommands } from './shell-words';

export { CLUSTER_NAMESPACES } from './check/world';
export type { DocsWorld } from './check/world';
export { formatProblem } from './check/doc';
export type { DocProblem } from './check/doc';
export { isPlaceholder, resolveKind } from './check/command-words';

/** Checks the commands of one document, in order, each by the checker of its program. */
class DocChecker {
  private readonly network: NetworkCheck;
  private readonly kubectl: KubectlCheck;
  private readonly tools: ToolCheck;

  constructor(doc: Doc) {
    this.network = new NetworkCheck(doc);
    this.kubectl = new KubectlCheck(doc, this.network);
    this.tools = new ToolCheck(doc);
  }

  check(command: Command): void {
    const words = programWords(command.words);
    const program = words[0]?.text;
    if (!program || words[0].dynamic) return;
    const args = words.slice(1);
    switch (program) {
      case 'kubectl': this.kubectl.check(command, args); break;
      case 'minikube': this.tools.minikube(command, args); break;
      case 'npm': this.tools.npm(command, args); break;
      case 'curl': case 'wget': this.network.httpClient(command, args, undefined); break;
      default: break;
    }
  }
}

/** The shell snippets of a document: `sh`/`bash`/`shell` blocks, and inline code that is a command. */
export function docCommands(markdown: string): Command[] {
  const commands: Command[] = [];
  for (const block of codeBlocks(markdown)) {
    if (['sh', 'bash', 'shell', 'console'].includes(block.lang)) {
      const body = block.lang === 'console' ? block.body.split('\n').map((l) => (l.startsWith('$ ') ? l.slice(2) : '')).join('\n') : block.body;
      commands.push(...splitCommands(body, block.line));
    }
  }
  for (const inline of inlineCodes(markdown)) {
    if (/^(sudo |k3s )?(kubectl|minikube|curl|wget|npm run) /.test(inline.code) || /\bkubectl .*-n /.test(inline.code) || /; do kubectl /.test(inline.code)) {
      commands.push(...splitCommands(inline.code, inline.line));
    }
  }
  return commands.sort((a, b) => a.line - b.line);
}

/** Checks every command of the documents against dist/; an empty list means the docs agree with it. */
export function checkDocs(docs: ReadonlyArray<{ file: string; text: string }>, world: DocsWorld): DocProblem[] {
  const w = new World(world);
  return docs.flatMap(({ file, text }) => {
    const doc = new Doc(w, file);
    const checker = new DocChecker(doc);
    for (const command of docCommands(text)) checker.check(command);
    return doc.problems;
  });
}
