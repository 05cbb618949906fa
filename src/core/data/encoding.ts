// Text files must be UTF-8. A UTF-16 or UTF-32 file (Windows tools write them, often with a BOM) decodes as UTF-8 to
// NUL-filled garbage: every line would be "malformed" with no hint why. This says what the file is instead.

/**
 * Why the first bytes of a text file are not UTF-8 text, or undefined when they may be.
 * @example encodingProblem(Uint8Array.of(0xff, 0xfe, 0x7b, 0x00)) // 'UTF-16 (little-endian) encoded; convert it to UTF-8 …'
 */
export function encodingProblem(head: Uint8Array): string | undefined {
  const convert = (enc: string, iconv: string) =>
    `${enc} encoded; convert it to UTF-8 (for example: iconv -f ${iconv} -t UTF-8 FILE > FILE.utf8)`;
  const b = head;
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return convert('UTF-32 (little-endian)', 'UTF-32LE');
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return convert('UTF-32 (big-endian)', 'UTF-32BE');
  if (b[0] === 0xff && b[1] === 0xfe) return convert('UTF-16 (little-endian)', 'UTF-16LE');
  if (b[0] === 0xfe && b[1] === 0xff) return convert('UTF-16 (big-endian)', 'UTF-16BE');
  const firstNul = b.indexOf(0);
  if (firstNul < 0) return undefined;
  // No BOM: UTF-16 text of mostly ASCII has a NUL in every other byte (odd positions for LE, even for BE).
  const n = Math.min(b.length, 4096);
  let even = 0,
    odd = 0;
  for (let i = 0; i < n; i++) if (b[i] === 0) i % 2 === 0 ? even++ : odd++;
  const half = n / 2;
  if (odd > 0.4 * half && even < 0.05 * half) return convert('UTF-16 (little-endian, no BOM)', 'UTF-16LE');
  if (even > 0.4 * half && odd < 0.05 * half) return convert('UTF-16 (big-endian, no BOM)', 'UTF-16BE');
  return `binary data (a NUL byte at offset ${firstNul}), not UTF-8 text; is this the right file?`;
}
