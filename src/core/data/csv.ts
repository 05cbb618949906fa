// A streaming RFC 4180 CSV reader that knows the real file line where each record starts.
// Why not csv-parse: in 5.6.0 `info.lines` counts a CRLF inside a quoted field as two lines (XSTest's
// completion files use CRLF record ends with LF inside quoted fields), and with skip_records_with_error an
// invalid closing quote silently swallows the following records. Here a bad record is reported and the next
// record starts at the next line end outside quotes. test/unit/data/csv.test.ts checks this reader against
// csv-parse on the shared XSTest files.

export interface CsvRecordSink {
  record(fields: string[], line: number): void;
  malformed(line: number, detail: string): void;
}

export class CsvReader {
  private line = 1;
  private fields: string[] = [];
  private field = '';
  private inQuotes = false;
  /** A quote seen inside a quoted field: either the first of a doubled quote or the closing quote. */
  private quotePending = false;
  private afterClose = false;
  private fieldQuoted = false;
  private atFieldStart = true;
  private recordLine = 1;
  private recordEmpty = true;
  private bad: string | undefined;
  private pendingCR = false;
  private first = true;

  constructor(private readonly sink: CsvRecordSink) {}

  push(chunk: string): void {
    let i = this.skipBom(chunk);
    let run = i; // start of literal text not yet copied into `field`
    for (; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.consumedByPending(c)) {
        run = i + 1;
        continue;
      }
      if (this.inQuotes) {
        if (c === 34) {
          this.field += chunk.slice(run, i);
          this.quotePending = true;
          run = i + 1;
        } else if (c === 10) this.line++;
        continue;
      }
      if (c === 44 || c === 10 || c === 13) {
        this.field += chunk.slice(run, i);
        this.endAt(c);
        run = i + 1;
        continue;
      }
      if (this.unquotedChar(c)) run = i + 1;
    }
    if (!this.quotePending) this.field += chunk.slice(run);
  }

  /** Where the first chunk's text starts: after a byte-order mark, if the file has one. */
  private skipBom(chunk: string): number {
    const start = this.first && chunk.charCodeAt(0) === 0xfeff ? 1 : 0;
    if (chunk.length > 0) this.first = false;
    return start;
  }

  /**
   * Settles what the previous character left open (it may have been at the end of the previous chunk).
   * Returns true when `c` completes it and so is not read as a character of its own.
   */
  private consumedByPending(c: number): boolean {
    if (this.pendingCR) {
      // A CR outside quotes ended a record; a following LF belongs to that line end.
      this.pendingCR = false;
      if (c === 10) return true;
    }
    if (this.quotePending) {
      this.quotePending = false;
      if (c === 34) {
        this.field += '"';
        return true;
      }
      this.inQuotes = false;
      this.afterClose = true;
    }
    return false;
  }

  /** A comma, LF or CR outside quotes: the field ends, and on a line end the record too. */
  private endAt(c: number): void {
    this.endField();
    if (c !== 44) {
      this.endRecord();
      this.line++;
      if (c === 13) this.pendingCR = true;
    }
  }

  /** Any other character outside quotes. Returns true when it is the quote that opens a quoted field. */
  private unquotedChar(c: number): boolean {
    this.recordEmpty = false;
    if (this.afterClose) {
      this.bad ??= `line ${this.line}: unexpected ${JSON.stringify(String.fromCharCode(c))} after a closing quote`;
      this.afterClose = false;
    }
    const opens = c === 34 && this.atFieldStart;
    if (opens) {
      this.inQuotes = true;
      this.fieldQuoted = true;
    }
    // A quote inside an unquoted field is kept as a literal character, as Python's csv module does.
    this.atFieldStart = false;
    return opens;
  }

  end(): void {
    if (this.quotePending) {
      this.quotePending = false;
      this.inQuotes = false;
    }
    if (this.inQuotes) {
      this.bad ??= `quoted field opened on or after line ${this.recordLine} is never closed`;
      this.inQuotes = false;
    }
    this.endField();
    this.endRecord();
  }

  private endField(): void {
    this.fields.push(this.field);
    if (this.fieldQuoted || this.field !== '') this.recordEmpty = false;
    this.field = '';
    this.fieldQuoted = false;
    this.afterClose = false;
    this.atFieldStart = true;
  }

  private endRecord(): void {
    const fields = this.fields;
    this.fields = [];
    const line = this.recordLine;
    this.recordLine = this.line + 1;
    if (this.bad !== undefined) {
      this.sink.malformed(line, this.bad);
      this.bad = undefined;
    } else if (!(this.recordEmpty && fields.length === 1)) this.sink.record(fields, line);
    this.recordEmpty = true;
  }
}

/** Turns CSV records into objects keyed by the header row; a record with the wrong field count is malformed. */
export function csvObjects(
  onObject: (row: Record<string, string>, line: number) => void,
  onMalformed: (line: number, detail: string) => void,
): CsvRecordSink {
  let header: string[] | undefined;
  return {
    record(fields, line) {
      if (!header) {
        header = fields.map((f) => f.trim());
        return;
      }
      if (fields.length !== header.length) {
        onMalformed(line, `expected ${header.length} fields (as in the header), got ${fields.length}`);
        return;
      }
      const row: Record<string, string> = {};
      header.forEach((h, k) => (row[h] = fields[k]!));
      onObject(row, line);
    },
    malformed: onMalformed,
  };
}
