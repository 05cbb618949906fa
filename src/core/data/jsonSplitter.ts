// A streaming splitter for JSON files that hold records: it finds where each record starts (its line) and
// hands out one record's text at a time, so a huge array is never parsed, or held, as a whole.
// Supported layouts: a top-level array of records; an object holding the records in an array under some key
// (the first key whose array holds objects that are not chat messages); a single object (one record); and
// several concatenated top-level values. The splitter tracks depth, strings and escapes only; each piece is
// then checked by JSON.parse, so syntax errors are reported per record with the record's first line.

export type JsonPieceSink = (text: string, line: number) => void;

const WS = new Set([32, 9, 10, 13, 0xfeff]);

export class JsonRecordSplitter {
  /** The key whose array held the records, when the file was an object wrapping them. */
  containerKey: string | undefined;
  /** Layout found: 'array', 'object' (wrapper or single record), or 'values' (several top-level values). */
  layout: 'empty' | 'array' | 'object' | 'values' = 'empty';
  /** Structural problems that are not tied to one record (for notes). */
  readonly problems: string[] = [];

  private line = 1;
  private depth = 0;
  private inString = false;
  private escape = false;
  private topValues = 0;
  // The depth whose direct children are records; -1 while no array of records is open.
  private elementDepth = -1;
  private capturing = false;
  private capParts: string[] = [];
  private capStart = 0;
  private capLine = 0;
  // Wrapper-object bookkeeping: keys at depth 1, the array being tried, and the whole object kept until a
  // record array is chosen (so a single-record file can still be read as one record).
  private expectKey = false;
  private collectingKey = false;
  private keyBuf = '';
  private lastKey = '';
  private candidate: { key: string; checked: boolean } | undefined;
  private objParts: string[] | undefined;
  private objStart = 0;
  private objLine = 0;

  constructor(private readonly sink: JsonPieceSink) {}

  push(chunk: string): void {
    if (this.capturing) this.capStart = 0;
    if (this.objParts) this.objStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10) this.line++;
      if (this.inString) this.stringChar(c, chunk, i);
      else if (WS.has(c)) {
        // A bare top-level primitive ends at whitespace.
        if (this.capturing && this.elementDepth === 0 && this.depth === 0) this.endElement(chunk, i);
      } else this.structuralChar(c, chunk, i);
    }
    if (this.capturing) this.capParts.push(chunk.slice(this.capStart));
    if (this.objParts) this.objParts.push(chunk.slice(this.objStart));
  }

  /** A character inside a string: escapes, the closing quote, and the text of a wrapper-object key. */
  private stringChar(c: number, chunk: string, i: number): void {
    if (this.escape) this.escape = false;
    else if (c === 92) this.escape = true;
    else if (c === 34) {
      this.inString = false;
      if (this.collectingKey) {
        this.collectingKey = false;
        this.lastKey = this.keyBuf;
      }
    } else if (this.collectingKey) this.keyBuf += chunk[i];
  }

  /** A non-whitespace character outside strings: it may end or start a record, then moves depth and key state. */
  private structuralChar(c: number, chunk: string, i: number): void {
    const closer = c === 125 || c === 93; // } ]
    if (this.capturing && this.depth === this.elementDepth && (c === 44 || closer)) this.endElement(chunk, i);
    if (this.depth === 0 && !closer && c !== 44) this.topLevelStart(c, chunk, i);
    if (!this.capturing && this.elementDepth >= 0 && this.depth === this.elementDepth && !closer && c !== 44 && c !== 58)
      this.startElement(c, i);
    switch (c) {
      case 34: // "
        this.inString = true;
        if (this.layout === 'object' && this.depth === 1 && this.expectKey) {
          this.collectingKey = true;
          this.keyBuf = '';
        }
        break;
      case 123: // {
      case 91: // [
        this.open(c);
        break;
      case 125:
      case 93:
        this.close(c, chunk, i);
        break;
      case 44: // ,
        if (this.layout === 'object' && this.depth === 1) this.expectKey = true;
        break;
      case 58: // :
        if (this.layout === 'object' && this.depth === 1) this.expectKey = false;
        break;
    }
  }

  /** `{` or `[`: an array directly in the wrapper object becomes the record-array candidate if none is chosen yet. */
  private open(c: number): void {
    if (this.layout === 'object' && this.depth === 1 && c === 91 && this.containerKey === undefined && !this.candidate) {
      this.candidate = { key: this.lastKey, checked: false };
      this.elementDepth = 2;
    }
    this.depth++;
    if (this.depth === 1 && this.layout === 'object') this.expectKey = c === 123;
  }

  /** `}` or `]`: a closed candidate array was not the records; a closed top-level value may be a record. */
  private close(c: number, chunk: string, i: number): void {
    this.depth--;
    if (this.depth < 0) {
      this.problems.push(`line ${this.line}: unexpected "${chunk[i]}"`);
      this.depth = 0;
    }
    if (this.candidate && this.depth === 1 && c === 93) {
      this.candidate = undefined;
      this.elementDepth = -1;
    }
    if (this.capturing && this.elementDepth === 0 && this.depth === 0) this.endElement(chunk, i + 1);
    if (this.depth === 0) this.topLevelEnd(chunk, i);
  }

  end(): void {
    if (this.inString || this.depth > 0)
      this.problems.push(`file ends inside a JSON value (depth ${this.depth}${this.inString ? ', in a string' : ''}): truncated?`);
    if (this.capturing) this.flushElement();
    else if (this.objParts && this.containerKey === undefined) this.flushObject();
  }

  private topLevelStart(c: number, chunk: string, i: number): void {
    this.topValues++;
    if (this.topValues === 1 && c === 91) {
      this.layout = 'array';
      this.elementDepth = 1;
    } else if (this.topValues === 1 && c === 123) {
      this.layout = 'object';
      this.objParts = [];
      this.objStart = i;
      this.objLine = this.line;
    } else {
      // A second top-level value (or a bare primitive): every top-level value is a record from here on.
      if (this.topValues === 2) this.problems.push(`line ${this.line}: more than one top-level JSON value; each is read as a record`);
      this.layout = 'values';
      this.elementDepth = 0;
    }
    void chunk;
  }

  private topLevelEnd(chunk: string, i: number): void {
    if (this.layout === 'object' && this.objParts) {
      this.objParts.push(chunk.slice(this.objStart, i + 1));
      const text = this.objParts.join('');
      this.objParts = undefined;
      if (this.containerKey === undefined) this.sink(text, this.objLine);
    }
    if (this.layout === 'array') this.elementDepth = -1;
  }

  private startElement(c: number, i: number): void {
    if (this.candidate && !this.candidate.checked && c !== 123) {
      // An array of strings or numbers is not a record array; keep looking.
      this.candidate.checked = true;
      this.elementDepth = -1;
      return;
    }
    this.capturing = true;
    this.capParts = [];
    this.capStart = i;
    this.capLine = this.line;
  }

  private endElement(chunk: string, i: number): void {
    this.capParts.push(chunk.slice(this.capStart, i));
    this.flushElement();
  }

  private flushElement(): void {
    this.capturing = false;
    const text = this.capParts.join('').trim();
    this.capParts = [];
    if (this.candidate && !this.candidate.checked) {
      this.candidate.checked = true;
      if (looksLikeMessage(text)) {
        // A conversation ([{role, content}, …]) inside a single record, not the record array.
        this.elementDepth = -1;
        return;
      }
      this.containerKey = this.candidate.key;
      this.objParts = undefined;
    }
    if (text !== '') this.sink(text, this.capLine);
  }

  private flushObject(): void {
    const text = (this.objParts ?? []).join('');
    this.objParts = undefined;
    this.sink(text, this.objLine);
  }
}

function looksLikeMessage(text: string): boolean {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    return typeof v === 'object' && v !== null && 'role' in v && ('content' in v || 'value' in v) && Object.keys(v).length <= 4;
  } catch {
    return false;
  }
}
