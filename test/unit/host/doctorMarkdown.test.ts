// The compute doctor's Markdown: probe text (driver messages, paths, a fix command) cannot close its code fence or
// inject markup into the preview (issue 10 item 9).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { marked } from 'marked';
import { doctorMarkdown } from '../../../src/host/doctorMarkdown';

test('a fix or detail holding ``` or HTML stays inside its block and renders as text', () => {
  const fix = 'apt-get install x\n```\n# Owned\n<img src=x onerror=alert(1)>\n[run](command:workbench.action.terminal.new)';
  const md = doctorMarkdown(
    {
      chosen: 'wasm',
      why: 'because <b>x</b> | y',
      probes: [
        {
          name: 'webgpu',
          available: false,
          reason: 'no adapter\n# not a heading',
          fix,
          details: { 'ad`apter': 'a ` b ``` c', path: '<svg onload=1>' },
        },
      ],
    },
    new Date(0),
  );
  const html = marked.parse(md, { async: false }) as string;
  assert.deepEqual([...html.matchAll(/<h1/g)].length, 1, 'only the title');
  assert.doesNotMatch(html, /<img|<svg|<b>|href=/);
  const pre = /<pre><code class="language-sh">([\s\S]*?)<\/code><\/pre>/.exec(html);
  assert.ok(pre, html);
  assert.match(pre![1]!, /# Owned\n&lt;img src=x onerror=alert\(1\)&gt;/, 'the whole fix is in the one code block');
  assert.match(html, /<code>a ` b ``` c<\/code>/, 'a detail with backticks is one code span');
});
