// Untrusted text made safe to show as plain text: in a terminal (no escape sequences), on one line (error messages),
// in the Problems panel. Datasets and binary files put raw ESC, C1 and bidi-override characters into field values,
// JSON parse errors and file names; printed as they are, they recolour, retitle or rewrite the user's terminal.

/**
 * C0 controls except tab and newline, DEL, C1 controls (U+0080–U+009F: 0x9B is a one-byte CSI) and the bidi
 * overrides and isolates (the "Trojan Source" characters), which reorder what the reader sees.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const hex = (c: string, width: number) => c.charCodeAt(0).toString(16).toUpperCase().padStart(width, '0');

/**
 * Replaces control characters with a visible escape (`\x1B`, `\u202E`); tab and newline are kept.
 * @example visibleControls('a\x1b[31mb') // 'a\\x1B[31mb'
 */
export function visibleControls(text: string): string {
  return text.replace(CONTROL, (c) => (c.charCodeAt(0) <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`));
}

/** Line breaks (CR, LF, CRLF, U+2028/2029) become one space each, so the text stays on one line. */
export function foldLineBreaks(text: string): string {
  return text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
}

/**
 * One line of plain text, safe for a terminal or a notification: controls made visible, line breaks shown as `\n`,
 * and cut to `maxChars` with an ellipsis.
 * @example oneLine('bad\nrow\x07') // 'bad\\nrow\\x07'
 */
export function oneLine(text: string, maxChars = 2000): string {
  const flat = visibleControls(
    text
      .replace(/\r\n|\n/g, '\\n')
      .replace(/\r/g, '\\r')
      .replace(/[\u2028\u2029]/g, ' ')
      .replace(/\t/g, ' '),
  );
  return flat.length > maxChars ? `${flat.slice(0, maxChars - 1)}…` : flat;
}

/**
 * JSON for a terminal: JSON.stringify escapes C0 controls but leaves DEL, C1 controls (0x9B is a one-byte CSI) and
 * bidi overrides raw; these become \uXXXX escapes too, so the text is still valid JSON for the same value.
 */
export function terminalJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(
    /[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${hex(c, 4).toLowerCase()}`,
  );
}
