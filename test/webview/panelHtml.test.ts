// The panel's HTML shell and its Content-Security-Policy (plain Node; the browser test loads the same HTML).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeHtml } from '../../src/core/escapeHtml';
import { panelCsp, renderPanelHtml } from '../../src/core/panelHtml';

const opts = {
  cspSource: 'https://abc.vscode-cdn.net',
  nonce: 'r4nd0mN0nceValue==',
  scriptUri: 'https://abc.vscode-cdn.net/dist/webview/diagnostics.js',
  styleUri: 'https://abc.vscode-cdn.net/media/diagnostics.css',
  title: 'Reward Lens',
};

/** Parses "a x y; b z" into { a: ['x','y'], b: ['z'] }. */
function directives(csp: string): Record<string, string[]> {
  return Object.fromEntries(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name!, values]),
  );
}

function cspOf(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(m, 'the page has a CSP meta tag');
  return m[1]!
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

test('the CSP allows only the nonce script and extension-served styles, images and fonts', () => {
  const d = directives(cspOf(renderPanelHtml(opts)));
  assert.deepEqual(d, {
    'default-src': ["'none'"],
    'script-src': ["'nonce-r4nd0mN0nceValue=='"],
    'style-src': ['https://abc.vscode-cdn.net'],
    'img-src': ['https://abc.vscode-cdn.net', 'data:'],
    'font-src': ['https://abc.vscode-cdn.net'],
  });
  assert.equal(panelCsp(opts.cspSource, opts.nonce), cspOf(renderPanelHtml(opts)));
});

test('the CSP has no unsafe-inline, unsafe-eval or wildcard sources', () => {
  const csp = cspOf(renderPanelHtml(opts));
  for (const bad of ["'unsafe-inline'", "'unsafe-eval'", ' * ', 'http:', 'https: '])
    assert.ok(!csp.includes(bad), `CSP must not contain ${bad}: ${csp}`);
});

test('exactly one script tag, external, carrying the nonce; no inline script or style', () => {
  const html = renderPanelHtml(opts);
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0]![1]!, /nonce="r4nd0mN0nceValue=="/);
  assert.match(scripts[0]![1]!, /src="https:\/\/abc\.vscode-cdn\.net\/dist\/webview\/diagnostics\.js"/);
  assert.equal(scripts[0]![2], '', 'no inline code');
  assert.ok(!/<style\b/.test(html), 'no <style> element');
  assert.ok(!/\sstyle=/.test(html), 'no style attribute');
  assert.match(html, /<link rel="stylesheet" href="https:\/\/abc\.vscode-cdn\.net\/media\/diagnostics\.css">/);
});

test('without a styleUri there is no stylesheet link', () => {
  const { styleUri: _drop, ...rest } = opts;
  assert.ok(!renderPanelHtml(rest).includes('<link rel="stylesheet"'));
});

test('title and URIs are escaped, so markup in them stays text', () => {
  const html = renderPanelHtml({
    ...opts,
    title: '</title><script>alert(1)</script>',
    scriptUri: 'https://x/a.js"><script>alert(2)</script>',
  });
  assert.equal((html.match(/<script\b/g) ?? []).length, 1, 'no second script element');
  assert.ok(html.includes('<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>'));
  assert.ok(html.includes('src="https://x/a.js&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"'));
});

test('a nonce or cspSource that could break out of the policy is refused', () => {
  assert.throws(() => renderPanelHtml({ ...opts, nonce: "abc'; script-src *" }), /nonce must be/);
  assert.throws(() => renderPanelHtml({ ...opts, nonce: 'short' }), /nonce must be/);
  assert.throws(() => renderPanelHtml({ ...opts, cspSource: 'https://x; script-src *' }), /cspSource must be/);
  assert.throws(() => renderPanelHtml({ ...opts, cspSource: "https://x 'unsafe-inline'" }), /cspSource must be/);
  assert.throws(() => renderPanelHtml({ ...opts, cspSource: "'nonce-abc'" }), /cspSource must be/);
  assert.throws(() => renderPanelHtml({ ...opts, cspSource: '' }), /cspSource must be/);
});

test("a multi-source cspSource (code-server's \"'self' https://*.vscode-cdn.net\") is used in every directive", () => {
  const d = directives(cspOf(renderPanelHtml({ ...opts, cspSource: "  'self'   https://*.vscode-cdn.net " })));
  assert.deepEqual(d['style-src'], ["'self'", 'https://*.vscode-cdn.net']);
  assert.deepEqual(d['img-src'], ["'self'", 'https://*.vscode-cdn.net', 'data:']);
  assert.deepEqual(d['font-src'], ["'self'", 'https://*.vscode-cdn.net']);
  assert.deepEqual(d['script-src'], ["'nonce-r4nd0mN0nceValue=='"], 'scripts stay nonce-only');
});

test('escapeHtml escapes the five HTML-significant characters and leaves the rest', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  assert.equal(escapeHtml('plain ‖h‖ τ text'), 'plain ‖h‖ τ text');
  assert.equal(escapeHtml('&amp;'), '&amp;amp;', 'already-escaped text is escaped again (no double-decoding surprises)');
});
