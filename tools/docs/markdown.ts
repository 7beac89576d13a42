// The little Markdown the docs tools need: fenced code blocks, inline code, `##` sections, and
// text generated between two marker comments.

export interface CodeBlock {
  /** The info string's first word: `sh`, `mermaid`, `yaml`... ('' when there is none). */
  readonly lang: string;
  readonly body: string;
  /** 1-based line of the first line of the body. */
  readonly line: number;
}

/** Every fenced code block (``` or ~~~), in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      if (new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`).test(lines[j])) break;
      body.push(lines[j]);
    }
    blocks.push({ lang: open[2].toLowerCase(), body: body.join('\n'), line: i + 2 });
    i = j;
  }
  return blocks;
}

/** The markdown with the body of every fenced block blanked out (lines kept, so line numbers hold). */
function withoutCodeBlocks(markdown: string): string {
  const lines = markdown.split('\n');
  const blank = new Set<number>();
  for (const block of codeBlocks(markdown)) {
    for (let l = block.line - 1; l <= block.line - 1 + block.body.split('\n').length; l++) blank.add(l);
    blank.add(block.line - 2);
  }
  return lines.map((l, i) => (blank.has(i) ? '' : l)).join('\n');
}

export interface InlineCode {
  readonly code: string;
  readonly line: number;
}

/** Every inline code span outside fenced blocks and HTML comments. */
export function inlineCodes(markdown: string): InlineCode[] {
  const text = withoutCodeBlocks(markdown).replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' '));
  const found: InlineCode[] = [];
  const re = /(`+)([\s\S]*?[^`])\1(?!`)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    found.push({ code: m[2].replace(/\n/g, ' ').trim(), line: text.slice(0, m.index).split('\n').length });
  }
  return found;
}

export interface Section {
  /** The heading text without the `## `. */
  readonly title: string;
  /** 1-based line of the heading. */
  readonly line: number;
  /** The text up to the next heading of the same or a higher level. */
  readonly body: string;
  /** 1-based line of that next heading (or one past the last line). */
  readonly endLine: number;
}

/** The `##` sections of a document, in order (headings inside code blocks are ignored). */
export function sections(markdown: string): Section[] {
  const plain = withoutCodeBlocks(markdown).split('\n');
  const lines = markdown.split('\n');
  const starts = plain.map((l, i) => (/^## /.test(l) ? i : -1)).filter((i) => i >= 0);
  const ends = plain.map((l, i) => (/^#{1,2} /.test(l) ? i : -1)).filter((i) => i >= 0);
  return starts.map((start) => {
    const end = ends.find((e) => e > start) ?? lines.length;
    return { title: lines[start].slice(3).trim(), line: start + 1, body: lines.slice(start + 1, end).join('\n'), endLine: end + 1 };
  });
}

/** The text between a pair of marker lines, or undefined when the markers are missing or out of order. */
export function between(markdown: string, begin: string, end: string): string | undefined {
  const a = markdown.indexOf(begin);
  const b = markdown.indexOf(end, a + begin.length);
  if (a < 0 || b < 0) return undefined;
  return markdown.slice(a + begin.length, b);
}

/** Replaces the text between a pair of marker lines; throws when they are missing. */
export function replaceBetween(markdown: string, begin: string, end: string, content: string): string {
  const a = markdown.indexOf(begin);
  const b = markdown.indexOf(end, a + begin.length);
  if (a < 0 || b < 0) throw new Error(`markers "${begin}" and "${end}" not found`);
  return `${markdown.slice(0, a + begin.length)}\n${content}\n${markdown.slice(b)}`;
}
