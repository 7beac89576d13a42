// Splits the shell snippets of the docs into simple commands and their words, far enough to read
// kubectl and minikube command lines: quotes, comments, line continuations, pipes and lists,
// `$(...)` (whose inner commands are read too), redirections, here-documents, and placeholders
// such as `<EXTERNAL-IP>`. It never runs anything.

/** One word of a command, quotes removed. */
export interface Word {
  readonly text: string;
  /**
   * Whether the word is only known when the command runs: it holds `$VAR`, `$(...)` or a
   * placeholder such as `<pod-name>`. Dynamic words are not checked against dist/.
   */
  readonly dynamic: boolean;
}

/** A simple command: the words between `|`, `&&`, `||`, `;`, `&` and newlines. */
export interface Command {
  readonly words: Word[];
  /** 1-based line of the snippet where the command starts. */
  readonly line: number;
  /** The command's own source text, trimmed, for messages. */
  readonly source: string;
}

const PLACEHOLDER = /^<[A-Za-z][-A-Za-z0-9_ .]*>/;

/** Returns the index just past the `)` that closes a `$(` whose body starts at `start`. */
function closingParen(text: string, start: number): number {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') { i++; continue; }
    if (c === "'") { const end = text.indexOf("'", i + 1); i = end < 0 ? text.length : end; continue; }
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')' && --depth === 0) return i + 1;
  }
  return text.length;
}

/** Drops the bodies of here-documents (`<<EOF ... EOF`), keeping the line count. */
function dropHereDocs(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let terminator: { word: string; dash: boolean } | undefined;
  for (const line of lines) {
    if (terminator) {
      const done = (terminator.dash ? line.replace(/^\t+/, '') : line).trim() === terminator.word;
      out.push('');
      if (done) terminator = undefined;
      continue;
    }
    out.push(line);
    const m = /<<(-?)\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?/.exec(line);
    if (m) terminator = { word: m[2], dash: m[1] === '-' };
  }
  return out.join('\n');
}

/** Splits a shell snippet into simple commands, those inside `$(...)` and backquotes included. */
export function splitCommands(snippet: string, firstLine = 1): Command[] {
  const { commands, nested } = lex(snippet, firstLine);
  return [...commands, ...nested];
}

/** A comment of a snippet: its 1-based line and its text after `#`, trimmed. */
export interface Comment {
  readonly line: number;
  readonly text: string;
}

/** What the lexer finds: top-level commands, those inside substitutions, comments, and the lines a top-level newline ends. */
interface Lexed {
  readonly commands: Command[];
  readonly nested: Command[];
  readonly comments: Comment[];
  readonly newlines: Set<number>;
}

/**
 * One statement of a snippet as a reader types it: the lines up to a newline that ends a
 * command, with continuation lines (`\`), quoted newlines and `for`/`while`/`if` ... `done`/`fi`
 * bodies kept together.
 */
export interface Statement {
  /** The statement's own lines, as written (comments included). */
  readonly source: string;
  /** 1-based first and last line. */
  readonly line: number;
  readonly endLine: number;
  /** Its simple commands, those inside `$(...)` included. */
  readonly commands: Command[];
  /** The comment at the end of its last line ('' when there is none). */
  readonly comment: string;
}

const OPENS = new Set(['for', 'while', 'until', 'if', 'case', 'select']);
const CLOSES = new Set(['done', 'fi', 'esac']);

/** Splits a shell snippet into the statements a reader runs one after another. */
export function splitStatements(snippet: string, firstLine = 1): Statement[] {
  const { commands, nested, comments, newlines } = lex(snippet, firstLine);
  const lines = snippet.split('\n');
  const statements: Statement[] = [];
  let start: number | undefined;
  let depth = 0;
  for (let l = firstLine; l < firstLine + lines.length; l++) {
    const here = commands.filter((c) => c.line === l);
    if (start === undefined && here.length > 0) start = l;
    for (const c of here) {
      if (OPENS.has(c.words[0]?.text)) depth++;
      if (CLOSES.has(c.words[0]?.text)) depth--;
    }
    const last = l === firstLine + lines.length - 1;
    if (start !== undefined && ((newlines.has(l) && depth <= 0) || last)) {
      const inside = (c: { line: number }) => c.line >= start! && c.line <= l;
      statements.push({
        source: lines.slice(start - firstLine, l - firstLine + 1).join('\n'),
        line: start,
        endLine: l,
        commands: [...commands.filter(inside), ...nested.filter(inside)],
        comment: comments.find((c) => c.line === l)?.text ?? '',
      });
      start = undefined;
      depth = 0;
    }
  }
  return statements;
}

function lex(snippet: string, firstLine: number): Lexed {
  const text = dropHereDocs(snippet);
  const commands: Command[] = [];
  const nested: Command[] = [];
  const comments: Comment[] = [];
  const newlines = new Set<number>();

  let words: Word[] = [];
  let word = '';
  let inWord = false;
  let dynamic = false;
  let dropNext = false;
  let line = firstLine;
  let commandLine = firstLine;
  let commandStart = 0;

  const endWord = () => {
    if (inWord) {
      if (dropNext) dropNext = false;
      else words.push({ text: word, dynamic });
    }
    word = '';
    inWord = false;
    dynamic = false;
  };
  const endCommand = (at: number) => {
    endWord();
    if (words.length > 0) {
      const source = text.slice(commandStart, at).replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();
      commands.push({ words, line: commandLine, source });
    }
    words = [];
    dropNext = false;
    commandStart = at;
  };
  const startIfNeeded = (i: number) => {
    if (words.length === 0 && !inWord) { commandLine = line; commandStart = i; }
    inWord = true;
  };
  const substitution = (bodyStart: number, bodyEnd: number) => {
    const before = text.slice(0, bodyStart).split('\n').length - 1;
    nested.push(...splitCommands(text.slice(bodyStart, bodyEnd), firstLine + before));
  };
  /**
   * At `$(` or a backquote: splits the commands inside, adds the whole substitution to the word
   * and returns the index of its last character; -1 when no substitution starts at `at`.
   */
  const commandSubstitution = (at: number): number => {
    let bodyStart: number;
    let bodyEnd: number;
    let last: number;
    if (text[at] === '$' && text[at + 1] === '(') {
      last = closingParen(text, at + 2) - 1;
      [bodyStart, bodyEnd] = [at + 2, last];
    } else if (text[at] === '`') {
      const end = text.indexOf('`', at + 1);
      last = end < 0 ? text.length : end;
      [bodyStart, bodyEnd] = [at + 1, last];
    } else {
      return -1;
    }
    substitution(bodyStart, bodyEnd);
    word += text.slice(at, last + 1);
    dynamic = true;
    return last;
  };

  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '\\' && next === '\n') { i++; line++; continue; }
    if (c === '\n') { endCommand(i); newlines.add(line); line++; commandStart = i + 1; continue; }
    if (c === ' ' || c === '\t') { endWord(); continue; }
    if (c === '#' && !inWord) {
      const from = i + 1;
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
      comments.push({ line, text: text.slice(from, i + 1).trim() });
      continue;
    }
    if (c === ';' || c === '|' || c === '&' || c === '(' || c === ')') {
      if (c === '&' && next === '>') { endWord(); dropNext = true; i++; if (text[i + 1] === '>') i++; continue; }
      endCommand(i);
      if ((c === '|' || c === '&' || c === ';') && next === c) i++;
      commandStart = i + 1;
      continue;
    }
    if (c === '<' || c === '>') {
      const placeholder = c === '<' ? PLACEHOLDER.exec(text.slice(i)) : null;
      if (placeholder) {
        startIfNeeded(i);
        word += placeholder[0];
        dynamic = true;
        i += placeholder[0].length - 1;
        continue;
      }
      // A redirection: `2>/dev/null`, `> file`, `>> file`, `< file`, `2>&1`, `<<EOF`.
      if (inWord && /^\d+$/.test(word)) { word = ''; inWord = false; dynamic = false; } else endWord();
      while (text[i + 1] === '>' || text[i + 1] === '<') i++;
      if (text[i + 1] === '&') {
        i++;
        while (/\d|-/.test(text[i + 1] ?? '')) i++;
        continue;
      }
      dropNext = true;
      continue;
    }
    startIfNeeded(i);
    if (c === '\\') { word += next ?? ''; i++; continue; }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end < 0 ? text.length : end;
      const body = text.slice(i + 1, stop);
      line += body.split('\n').length - 1;
      word += body;
      i = stop;
      continue;
    }
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) {
        const d = text[i];
        if (d === '\n') line++;
        if (d === '\\' && i + 1 < text.length) { word += text[++i]; continue; }
        const last = commandSubstitution(i);
        if (last >= 0) { i = last; continue; }
        if (d === '$' && /[A-Za-z_{?@#0-9]/.test(text[i + 1] ?? '')) dynamic = true;
        word += d;
      }
      continue;
    }
    const last = commandSubstitution(i);
    if (last >= 0) { i = last; continue; }
    if (c === '$' && /[A-Za-z_{?@#0-9]/.test(next ?? '')) dynamic = true;
    word += c;
  }
  endCommand(text.length);
  return { commands, nested, comments, newlines };
}

/** Shell keywords and wrappers that come before the program a command runs. */
const PREFIXES = new Set(['sudo', 'do', 'then', 'else', 'time', '!', 'watch', 'if', 'while', 'until', 'exec', 'command', 'nohup']);

/**
 * The words of the program a command runs: leading `VAR=value` assignments and keywords such as
 * `sudo`, `do`, `then` are dropped, and `k3s kubectl` / `minikube kubectl --` become `kubectl`.
 */
export function programWords(words: readonly Word[]): Word[] {
  let rest = [...words];
  for (;;) {
    const first = rest[0];
    if (!first) return rest;
    if (PREFIXES.has(first.text) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(first.text)) { rest = rest.slice(1); continue; }
    if (first.text === 'k3s' && rest[1]?.text === 'kubectl') { rest = rest.slice(1); continue; }
    if (first.text === 'minikube' && rest[1]?.text === 'kubectl') {
      const dashes = rest.findIndex((w) => w.text === '--');
      rest = [{ text: 'kubectl', dynamic: false }, ...(dashes >= 0 ? rest.slice(dashes + 1) : [])];
      continue;
    }
    return rest;
  }
}
