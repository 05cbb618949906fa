// The Diagnostics panel's HTML shell, built by the extension host (pure: no vscode, no DOM).
//
// Architecture Invariant: the page runs exactly one script, the bundled webview app, authorised by a
// per-load nonce; nothing inline, nothing remote. The CSP below is the whole security story of the panel:
// - default-src 'none': anything not listed is refused (fetch/XHR, frames, media, workers, objects).
// - script-src 'nonce-…': only the <script nonce> tag below. No 'unsafe-eval' (chart.js 4 and lit need none).
// - style-src ${cspSource}: only stylesheets served from the extension. No 'unsafe-inline': chart.js 4 sizes
//   its canvas through the CSSOM (element.style.x = …), which CSP does not govern, and @vscode-elements
//   (lit) styles its shadow roots with constructable stylesheets (adoptedStyleSheets), which CSP does not
//   govern either. The webview test listens for 'securitypolicyviolation' to keep it that way.
// - img-src ${cspSource} data:, font-src ${cspSource}: icons and codicon fonts from the extension only.

import { escapeHtml } from './escapeHtml';

export interface PanelHtmlOptions {
  /** webview.cspSource, e.g. "https://*.vscode-cdn.net" (VS Code) or "'self' https://*.vscode-cdn.net" (code-server). */
  readonly cspSource: string;
  /** A fresh random nonce per render (base64/alphanumeric). */
  readonly nonce: string;
  /** webview.asWebviewUri(dist/webview/diagnostics.js). */
  readonly scriptUri: string;
  /** webview.asWebviewUri(media/diagnostics.css). */
  readonly styleUri?: string;
  /** The document title (shown to screen readers). */
  readonly title: string;
}

/**
 * Validates webview.cspSource: one or more source expressions separated by spaces (VS Code gives one,
 * code-server gives "'self' https://*.vscode-cdn.net"). Hosts, schemes and 'self' are accepted; anything
 * that could end a directive (';', ',') or widen the policy ('unsafe-inline', nonces, hashes) is refused.
 */
export function normaliseCspSource(cspSource: string): string {
  const tokens = cspSource.trim().split(/\s+/).filter(Boolean);
  const ok = (t: string) => t === "'self'" || /^[^\s;,'"]+$/.test(t);
  if (tokens.length === 0 || !tokens.every(ok)) {
    throw new Error(
      `renderPanelHtml: cspSource must be source expressions (hosts, schemes or 'self') separated by spaces, got ${JSON.stringify(cspSource)}`,
    );
  }
  return tokens.join(' ');
}

/** The Content-Security-Policy value the panel is served with. Exported for tests and for the host's own checks. */
export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

/**
 * Builds the panel's HTML. Every interpolated value is escaped; the nonce and cspSource are validated
 * because they end up inside the policy itself, where escaping cannot help.
 * @example renderPanelHtml({ cspSource: 'https://x.vscode-cdn.net', nonce: 'abc123', scriptUri: 'https://x/d.js', title: 'Diagnostics' })
 */
export function renderPanelHtml(opts: PanelHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{8,}$/.test(opts.nonce)) {
    throw new Error(`renderPanelHtml: nonce must be at least 8 base64/alphanumeric characters, got ${JSON.stringify(opts.nonce)}`);
  }
  const csp = panelCsp(normaliseCspSource(opts.cspSource), opts.nonce);
  const style = opts.styleUri ? `\n  <link rel="stylesheet" href="${escapeHtml(opts.styleUri)}">` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">${style}
  <title>${escapeHtml(opts.title)}</title>
</head>
<body>
  <main id="app"><p class="rl-empty">Loading diagnostics…</p></main>
  <script nonce="${escapeHtml(opts.nonce)}" src="${escapeHtml(opts.scriptUri)}"></script>
</body>
</html>
`;
}
