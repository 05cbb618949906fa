// The one place where untrusted text (dataset fields, model and group names, file and run names, error messages,
// probe output) is made inert for Markdown: report.md, the compute doctor, hovers. Reports are opened in VS Code's
// Markdown preview, so a name like `<img src=x onerror=…>`, `[click](command:…)` or `# heading` must render as the
// characters it is, never as markup. Two tools, by where the text goes:
//   - prose and table cells: escapeMarkdown (every ASCII punctuation character backslash-escaped, line breaks folded);
//   - verbatim blocks and identifiers: codeFence / inlineCode, whose fence is longer than any backtick run inside.
import { foldLineBreaks } from './text';

/** CommonMark lets every ASCII punctuation character be backslash-escaped, and an escaped one is always literal. */
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/**
 * Escapes untrusted text for Markdown prose or a table cell: no emphasis, link, image, heading, list, HTML, entity or
 * table-cell break survives, and a line break cannot start a new block (it becomes a space).
 * @example escapeMarkdown('[x](command:y) <b>') // '\\[x\\]\\(command\\:y\\) \\<b\\>'
 */
export function escapeMarkdown(text: string): string {
  return foldLineBreaks(text).replace(PUNCTUATION, (c) => `\\${c}`);
}

/** The longest run of `ch` in `text`. */
function longestRun(text: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === ch ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/**
 * A fenced code block holding `text` verbatim: the fence is one backtick longer than any backtick run in the text
 * (at least three), so no line of the text can close it. `info` (the language) must be a plain word.
 * @example codeFence('a\n```\nb', 'sh') // '````sh\na\n```\nb\n````'
 */
export function codeFence(text: string, info = ''): string {
  if (!/^[A-Za-z0-9_+-]*$/.test(info)) throw new Error(`codeFence: info string must be a plain word, got ${JSON.stringify(info)}`);
  const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  return `${fence}${info}\n${text.replace(/\r\n?/g, '\n')}\n${fence}`;
}

/**
 * An inline code span showing `text` verbatim on one line: delimited by a backtick run longer than any inside, padded
 * with a space when the text starts or ends with a backtick (CommonMark strips one space on each side).
 * With `inTable`, pipes are escaped as GFM requires inside table cells (the preview shows them as `|`).
 * @example inlineCode('a`b') // '``a`b``'
 */
export function inlineCode(text: string, opts: { readonly inTable?: boolean } = {}): string {
  const flat = foldLineBreaks(text);
  const ticks = '`'.repeat(longestRun(flat, '`') + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' ') && flat.trim() !== '') ? ' ' : '';
  const body = opts.inTable ? flat.replace(/\|/g, '\\|') : flat;
  return flat === '' ? '` `' : `${ticks}${pad}${body}${pad}${ticks}`;
}
