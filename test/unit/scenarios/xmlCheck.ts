// A strict little XML reader for tests: checks that a document is well-formed (balanced tags, quoted
// attributes, known entities, one root) and returns its elements, so tests can look for series.

export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly depth: number;
}

const ENTITY = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;

function checkText(text: string, where: number): void {
  for (let i = text.indexOf('&'); i >= 0; i = text.indexOf('&', i + 1)) {
    ENTITY.lastIndex = i;
    if (!ENTITY.test(text)) throw new Error(`bad entity at ${where + i}: ${text.slice(i, i + 12)}`);
  }
  if (text.includes('<')) throw new Error(`raw '<' in text at ${where}`);
}

export function parseXml(doc: string): XmlElement[] {
  const out: XmlElement[] = [];
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  while (i < doc.length) {
    const lt = doc.indexOf('<', i);
    const text = doc.slice(i, lt < 0 ? doc.length : lt);
    if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root at ${i}`);
    checkText(text, i);
    if (lt < 0) break;
    const gt = doc.indexOf('>', lt);
    if (gt < 0) throw new Error(`unclosed tag at ${lt}`);
    const tag = doc.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('?') || tag.startsWith('!--')) continue;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open ?? 'nothing'}> at ${lt}`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const m = /^([A-Za-z_][\w:.-]*)([\s\S]*?)\/?$/.exec(tag);
    if (!m) throw new Error(`bad tag <${tag.slice(0, 30)}> at ${lt}`);
    const attrs: Record<string, string> = {};
    const rest = m[2]!;
    const attrRe = /\s+([A-Za-z_][\w:.-]*)="([^"<]*)"/y;
    let p = 0;
    while (p < rest.trim().length + (rest.length - rest.trimStart().length)) {
      attrRe.lastIndex = p;
      const a = attrRe.exec(rest);
      if (!a) {
        if (rest.slice(p).trim() === '') break;
        throw new Error(`bad attribute in <${m[1]}> near "${rest.slice(p, p + 20)}" at ${lt}`);
      }
      if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]} in <${m[1]}>`);
      checkText(a[2]!, lt);
      attrs[a[1]!] = a[2]!;
      p = attrRe.lastIndex;
    }
    if (stack.length === 0) roots++;
    out.push({ name: m[1]!, attrs, depth: stack.length });
    if (!selfClosing) stack.push(m[1]!);
  }
  if (stack.length) throw new Error(`unclosed elements: ${stack.join(' > ')}`);
  if (roots !== 1) throw new Error(`expected one root element, found ${roots}`);
  return out;
}
