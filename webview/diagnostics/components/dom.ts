// DOM helpers that only ever set text through textContent. Dataset text (group names, file names, run labels)
// is untrusted: it contains HTML and prompt injections, so nothing here accepts markup.

type Attrs = Readonly<Record<string, string | boolean | undefined>>;

/** Creates an element with attributes (string values; `true` = present, false/undefined = absent) and text or children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  return custom(tag, attrs, ...children) as HTMLElementTagNameMap[K];
}

/** The same for custom elements (@vscode-elements tags are not in HTMLElementTagNameMap under our types). */
export function custom(tag: string, attrs: Attrs = {}, ...children: (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === true) node.setAttribute(name, '');
    else if (typeof value === 'string') node.setAttribute(name, value);
  }
  for (const c of children) node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return node;
}

/** A cell is text, or a node (e.g. a button) built with el(). */
export type Cell = string | Node;

/** Replaces `container`'s content with a table: caption, header row and body rows, all as text. */
export function renderTable(
  container: HTMLElement,
  caption: string,
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
): HTMLTableElement {
  const table = el('table', { class: 'rl-data' });
  table.append(el('caption', {}, caption));
  const head = el('tr');
  for (const h of headers) head.append(el('th', { scope: 'col' }, h));
  table.append(el('thead', {}, head));
  const body = el('tbody');
  for (const row of rows) {
    const tr = el('tr');
    row.forEach((c, i) => tr.append(i === 0 ? el('th', { scope: 'row' }, c) : el('td', {}, c)));
    body.append(tr);
  }
  table.append(body);
  container.replaceChildren(table);
  return table;
}
