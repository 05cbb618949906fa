// The shared Markdown escaper, checked by rendering with a real GFM renderer (marked, which @vscode/vsce already
// brings in): whatever the payload, no element other than the ones we wrote comes out, and the text survives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { marked } from 'marked';
import { codeFence, escapeMarkdown, inlineCode } from '../../../src/core/markdown';
import { oneLine, visibleControls } from '../../../src/core/text';

export const MD_PAYLOADS = [
  '<img src=x onerror="alert(1)">',
  '<script>alert(1)</script>',
  '[click](command:workbench.action.terminal.new)',
  '![beacon](https://example.invalid/t.png)',
  '# heading',
  '```\n# fenced out\n```',
  '````\n<b>bold</b>',
  '`` ` ``',
  '| a | b |\n|---|---|',
  '*em* _em_ **strong** ~~del~~',
  '&lt;b&gt; &#60;i&#62;',
  '<https://autolink.invalid>',
  '\\<b>escaped backslash</b>',
  '- list\n\n1. ordered',
  '> quote',
  '[ref]: https://x.invalid\n[ref]',
  '<!-- comment --> <svg onload=alert(1)>',
];

/** Tags in rendered HTML, without the ones in `allowed`. */
function tagsIn(html: string, allowed: readonly string[]): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase()).filter((t) => !allowed.includes(t));
}

const decode = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

test('escapeMarkdown: prose with any payload renders as one paragraph of the same characters', () => {
  for (const p of MD_PAYLOADS) {
    const html = marked.parse(`before ${escapeMarkdown(p)} after`, { async: false }) as string;
    assert.deepEqual(tagsIn(html, ['p']), [], `${JSON.stringify(p)} → ${html}`);
    assert.equal(decode(html).trim(), `before ${p.replace(/\r?\n/g, ' ')} after`, JSON.stringify(p));
  }
});

test('escapeMarkdown: a table cell keeps its column, whatever the payload', () => {
  for (const p of MD_PAYLOADS) {
    const html = marked.parse(`| name | n |\n|---|---|\n| ${escapeMarkdown(p)} | 1 |\n`, { async: false }) as string;
    assert.deepEqual(tagsIn(html, ['table', 'thead', 'tbody', 'tr', 'th', 'td']), [], html);
    assert.equal((html.match(/<td/g) ?? []).length, 2, `${JSON.stringify(p)} stays in one cell: ${html}`);
  }
});

test('codeFence: no line of the text can close the fence; the text comes back verbatim', () => {
  for (const p of [...MD_PAYLOADS, '``````', 'a\n```\nb\n````']) {
    const block = codeFence(p, 'sh');
    const html = marked.parse(`${block}\n\n# after`, { async: false }) as string;
    assert.deepEqual(tagsIn(html, ['pre', 'code', 'h1']), [], html);
    assert.equal((html.match(/<h1/g) ?? []).length, 1, 'only our own heading, after the block');
    const code = /<code[^>]*>([\s\S]*?)<\/code>/.exec(html)![1]!;
    assert.equal(decode(code).replace(/\n$/, ''), p);
  }
  assert.throws(() => codeFence('x', 'sh\n# x'), /plain word/);
});

test('inlineCode: one code span holding the text, in prose and in a table cell', () => {
  for (const p of [...MD_PAYLOADS, '`start', 'end`', ' padded ', 'a|b']) {
    const html = marked.parse(`x ${inlineCode(p)} y`, { async: false }) as string;
    assert.deepEqual(tagsIn(html, ['p', 'code']), [], html);
    assert.equal(decode(/<code>([\s\S]*?)<\/code>/.exec(html)![1]!), p.replace(/\r?\n/g, ' '), JSON.stringify(p));
    const cell = marked.parse(`| a |\n|---|\n| ${inlineCode(p, { inTable: true })} |\n`, { async: false }) as string;
    assert.equal((cell.match(/<td/g) ?? []).length, 1, cell);
  }
});

test('terminal text: ESC, C1, bidi overrides and line breaks are made visible', () => {
  assert.equal(visibleControls('a\x1b[31mb\x9b2J\u202e'), 'a\\x1B[31mb\\x9B2J\\u202E');
  assert.equal(visibleControls('tab\tnew\nline'), 'tab\tnew\nline');
  assert.equal(oneLine('two\r\nlines\x07'), 'two\\nlines\\x07');
  assert.equal(oneLine('x'.repeat(50), 10), `${'x'.repeat(9)}…`);
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(oneLine('\x00\x01\x1b\x7f\x85\x9f'), /[\x00-\x1f\x7f-\x9f]/);
});
