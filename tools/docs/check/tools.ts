// minikube and npm commands: the namespaces and Services `minikube service` names, `minikube
// tunnel`, and the examples and profiles of `npm run deploy|destroy|smoke|synth`.
import { Command, Word } from '../shell-words';
import { MINIKUBE_VALUE_FLAGS, flagValue, parseCommandWords } from './command-words';
import { Doc, createdKey } from './doc';

export class ToolCheck {
  constructor(private readonly doc: Doc) {}

  minikube(command: Command, words: Word[]): void {
    const args = parseCommandWords(words, MINIKUBE_VALUE_FLAGS);
    const nsWord = flagValue(args, '-n', '--namespace');
    if (nsWord && !nsWord.dynamic) this.doc.checkNamespace(command, nsWord.text);
    if (args.positionals[0]?.text === 'tunnel') this.doc.state.tunnel = true;
    if (args.positionals[0]?.text !== 'service') return;
    const name = args.positionals[1];
    if (!name || name.dynamic || name.text === 'list' || (nsWord?.dynamic ?? false)) return;
    const ns = nsWord?.text ?? 'default';
    const services = this.doc.world.find('Service', ns, name.text);
    if (services.length === 0) {
      if (!this.doc.state.created.has(createdKey('Service', ns, name.text))) this.doc.problem(command, `no Service "${name.text}" in namespace ${ns} of dist/`);
      return;
    }
    if (!services.some((s) => s.spec?.type === 'NodePort' || s.spec?.type === 'LoadBalancer')) {
      this.doc.problem(command, `Service "${name.text}" is ${services[0].spec?.type ?? 'ClusterIP'}: minikube service needs a NodePort or LoadBalancer Service`);
    }
  }

  npm(command: Command, words: Word[]): void {
    if (words[0]?.text !== 'run' && words[0]?.text !== 'run-script') return;
    const script = words[1]?.text;
    const dashes = words.findIndex((w) => w.text === '--');
    const extra = dashes >= 0 ? words.slice(dashes + 1) : [];
    if (script === 'deploy' || script === 'destroy' || script === 'smoke') {
      const positional = extra.filter((w) => !w.text.startsWith('-'));
      const [example, profile] = positional;
      if (!example) this.doc.problem(command, `npm run ${script} needs an example`);
      else if (!example.dynamic && !this.doc.world.info.examples.includes(example.text)) this.doc.problem(command, `no example "${example.text}" in dist/`);
      if (profile && !profile.dynamic && !this.doc.world.info.profiles.includes(profile.text)) this.doc.problem(command, `no profile "${profile.text}" in dist/`);
    }
    if (script === 'synth') {
      const args = parseCommandWords(extra, new Set(['--profile', '--outdir']));
      const profile = flagValue(args, '--profile');
      if (profile && !profile.dynamic && !this.doc.world.info.profiles.includes(profile.text)) this.doc.problem(command, `no profile "${profile.text}" in dist/`);
    }
  }
}
