import { codeBlocks, inlineCodes, replaceBetween, sections } from '../../tools/docs/markdown';
import { Command, programWords, splitCommands } from '../../tools/docs/shell-words';

const texts = (commands: Command[]) => commands.map((c) => c.words.map((w) => w.text));

describe('splitCommands', () => {
  test('splits on pipes, lists, background and newlines, and keeps each line number', () => {
    const commands = splitCommands('a 1 | b 2 && c; d &\ne\n\nf', 10);
    expect(texts(commands)).toEqual([['a', '1'], ['b', '2'], ['c'], ['d'], ['e'], ['f']]);
    expect(commands.map((c) => c.line)).toEqual([10, 10, 10, 10, 11, 13]);
  });

  test('removes quotes and comments, joins continued lines', () => {
    const commands = splitCommands("kubectl get 'a b' \"c d\" \\\n  -o wide   # a comment\n# only a comment");
    expect(texts(commands)).toEqual([['kubectl', 'get', 'a b', 'c d', '-o', 'wide']]);
    expect(commands[0].source).toBe("kubectl get 'a b' \"c d\" -o wide   # a comment".replace(/\s+/g, ' '));
  });

  test('$(...) and backquotes: the word is dynamic, and the inner commands are read too', () => {
    const commands = splitCommands('curl "$(minikube service web -n ns --url)" `kubectl get x`');
    expect(texts(commands)).toEqual([
      ['curl', '$(minikube service web -n ns --url)', '`kubectl get x`'],
      ['minikube', 'service', 'web', '-n', 'ns', '--url'],
      ['kubectl', 'get', 'x'],
    ]);
    expect(commands[0].words.map((w) => w.dynamic)).toEqual([false, true, true]);
  });

  test('placeholders and variables are dynamic words; redirections are dropped', () => {
    const [command] = splitCommands('curl http://<EXTERNAL-IP>:8000 $HOST x >out.txt 2>/dev/null < in 2>&1');
    expect(command.words).toEqual([
      { text: 'curl', dynamic: false },
      { text: 'http://<EXTERNAL-IP>:8000', dynamic: true },
      { text: '$HOST', dynamic: true },
      { text: 'x', dynamic: false },
    ]);
  });

  test('the body of a here-document is not read as commands', () => {
    expect(texts(splitCommands("kubectl apply -f - <<'EOF'\nkind: Secret\nEOF\nkubectl get secret"))).toEqual([
      ['kubectl', 'apply', '-f', '-'],
      ['kubectl', 'get', 'secret'],
    ]);
  });

  test('a for loop yields the commands of its body', () => {
    const loop = 'for i in $(seq 20); do kubectl -n ns exec deploy/toolbox -- wget -qO- http://web | head -1; done | sort';
    expect(texts(splitCommands(loop)).map((w) => w[0])).toEqual(['for', 'do', 'head', 'done', 'sort', 'seq']);
    expect(programWords(splitCommands(loop)[1].words).map((w) => w.text).slice(0, 3)).toEqual(['kubectl', '-n', 'ns']);
  });
});

describe('programWords', () => {
  test.each([
    ['sudo kubectl get pods', 'kubectl get pods'],
    ['KUBECONFIG=x kubectl get pods', 'kubectl get pods'],
    ['sudo k3s kubectl get nodes', 'kubectl get nodes'],
    ['minikube kubectl -- get pods -A', 'kubectl get pods -A'],
    ['then kubectl get pods', 'kubectl get pods'],
  ])('%s', (line, expected) => {
    expect(programWords(splitCommands(line)[0].words).map((w) => w.text).join(' ')).toBe(expected);
  });
});

describe('markdown', () => {
  const doc = [
    '# Title', '', 'Run `kubectl get pods` first.', '', '## Run it', '', '```sh', 'kubectl apply -f x.yaml', '## not a heading', '```',
    '', '## Clean up', '', '~~~bash', 'kubectl delete ns x', '~~~', '',
  ].join('\n');

  test('fenced blocks with their language and first line', () => {
    expect(codeBlocks(doc)).toEqual([
      { lang: 'sh', body: 'kubectl apply -f x.yaml\n## not a heading', line: 8 },
      { lang: 'bash', body: 'kubectl delete ns x', line: 15 },
    ]);
  });

  test('inline code outside the blocks, with its line', () => {
    expect(inlineCodes(doc)).toEqual([{ code: 'kubectl get pods', line: 3 }]);
  });

  test('## sections, ignoring headings inside code blocks', () => {
    expect(sections(doc).map((s) => [s.title, s.line, s.endLine])).toEqual([['Run it', 5, 12], ['Clean up', 12, 18]]);
  });

  test('text between markers is replaced; missing markers are an error', () => {
    expect(replaceBetween('a\n<!-- B -->\nold\n<!-- E -->\nz', '<!-- B -->', '<!-- E -->', 'new')).toBe('a\n<!-- B -->\nnew\n<!-- E -->\nz');
    expect(() => replaceBetween('a', '<!-- B -->', '<!-- E -->', 'new')).toThrow('markers "<!-- B -->" and "<!-- E -->" not found');
  });
});
