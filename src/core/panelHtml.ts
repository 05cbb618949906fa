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
  /** webview.cspSource, e.g. "https://*.vscode-cdn.net". */
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
  if (!/^[^\s;'",]+$/.test(opts.cspSource)) {
    throw new Error(`renderPanelHtml: cspSource must be one source expression without spaces, quotes or ';', got ${JSON.stringify(opts.cspSource)}`);
  }
  const csp = panelCsp(opts.cspSource, opts.nonce);
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
