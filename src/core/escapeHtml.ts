// Escaping for the few places where text must go into HTML source (the panel's HTML shell).
// The webview itself never builds HTML from strings: it uses textContent. Datasets are untrusted
// (they contain HTML and prompt injections), and so are file names, group names and run labels.

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for use in HTML element content or in a double- or single-quoted attribute value.
 * @example escapeHtml('<img src=x onerror="alert(1)">') // '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
