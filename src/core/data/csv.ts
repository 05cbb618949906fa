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
    let i = 0;
    if (this.first && chunk.charCodeAt(0) === 0xfeff) i = 1;
    if (chunk.length > 0) this.first = false;
    let run = i; // start of literal text not yet copied into `field`
    for (; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.pendingCR) {
        // A CR outside quotes ended a record; a following LF belongs to that line end.
        this.pendingCR = false;
        if (c === 10) {
          run = i + 1;
          continue;
        }
      }
      if (this.quotePending) {
        this.quotePending = false;
        if (c === 34) {
          this.field += '"';
          run = i + 1;
          continue;
        }
        this.inQuotes = false;
        this.afterClose = true;
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
        this.endField();
        if (c !== 44) {
          this.endRecord();
          this.line++;
          if (c === 13) this.pendingCR = true;
        }
        run = i + 1;
        continue;
      }
      this.recordEmpty = false;
      if (this.afterClose) {
        this.bad ??= `line ${this.line}: unexpected ${JSON.stringify(chunk[i])} after a closing quote`;
        this.afterClose = false;
      }
      if (c === 34 && this.atFieldStart) {
        this.inQuotes = true;
        this.fieldQuoted = true;
        run = i + 1;
      }
      // A quote inside an unquoted field is kept as a literal character, as Python's csv module does.
      this.atFieldStart = false;
    }
    if (!this.quotePending) this.field += chunk.slice(run);
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
