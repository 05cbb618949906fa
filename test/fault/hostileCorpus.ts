// The hostile corpus, generated into a scratch workspace: markup, Markdown and command-URI payloads in every field
// that reaches a report, a hover, a Problems message, the panel, a file name or a run name; wrong encodings; huge
// lines; deep nesting; NaN, ±Infinity and 1e999; control characters; symbolic links; directories; unreadable files.
// Each file says what it must give: rows that add up, or a one-line refusal matching `refused`.
import fs from 'node:fs';
import path from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';

/** Strings that would be live somewhere if they were not escaped: HTML, SVG, Markdown, command URIs, terminal escapes. */
export const PAYLOADS = [
  '<img src=x onerror="globalThis.__pwn=1">',
  '<script>globalThis.__pwn=2</script>',
  '"><svg onload="globalThis.__pwn=3">',
  '[click](command:workbench.action.terminal.new)',
  '![beacon](https://tracker.invalid/p.png)',
  '\n# Injected heading\n',
  '```\n</code></pre><b>out</b>\n```',
  'command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D',
  '\x1b]0;pwned\x07\x1b[2J',
  'abc\u202Eevil\u009b31m',
  '| a | b |\n|---|---|\n| <i>x</i> |',
] as const;

export interface HostileFile {
  /** Path relative to the workspace. */
  readonly name: string;
  /** A one-line refusal naming the file is expected (else: it loads, rows accounted). */
  readonly refused?: RegExp;
  /** Read errors injected by the fault layer (as root, chmod cannot make a file unreadable). */
  readonly unreadable?: boolean;
}

export interface Corpus {
  readonly files: readonly HostileFile[];
  /** Payload strings placed (one per field value, file name or run name that carries one). */
  readonly placements: number;
  /** A folder outside the workspace that a symbolic link points into (checked unchanged too). */
  readonly outside: string;
  /** Hostile pairwise files, for training, evaluation, scoring. */
  readonly pairFiles: readonly string[];
  /** The multi-response file for the scenario experiment. */
  readonly multiFile: string;
}

const p = (i: number) => PAYLOADS[i % PAYLOADS.length]!;

function pairRows(k: number, n: number): { rows: Record<string, string>[]; placed: number } {
  const rows = Array.from({ length: n }, (_, i) => ({
    prompt: `Question ${i} ${p(k + i)}`,
    chosen: `good helpful answer ${i} ${p(k)}`,
    rejected: `bad rude answer ${i} ${p(k + 1)}`,
    id: `${p(k + 2)}-${i}`,
    subset: p(k + 3),
    source: p(k + 4),
    chosen_model: p(k + 5),
    rejected_model: p(k + 6),
    domain: p(k + 7),
  }));
  return { rows, placed: n * 9 };
}

export function buildCorpus(ws: string, outside: string): Corpus {
  const files: HostileFile[] = [];
  let placed = 0;
  const put = (name: string, body: string | Uint8Array, extra: Omit<HostileFile, 'name'> = {}) => {
    fs.mkdirSync(path.dirname(path.join(ws, name)), { recursive: true });
    fs.writeFileSync(path.join(ws, name), body);
    files.push({ name, ...extra });
  };
  // 1. Pairwise files, one per payload; the payload is also in the file name (slashes cannot be).
  const pairFiles: string[] = [];
  PAYLOADS.forEach((payload, k) => {
    const name = `pairs-${k} ${payload.replace(/\//g, '∕')}.jsonl`;
    const { rows, placed: n } = pairRows(k, 12);
    put(name, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    pairFiles.push(name);
    placed += n + 1;
  });
  // 2. The same in CSV, JSON (wrapped under a hostile key) and Parquet.
  const { rows } = pairRows(3, 12);
  const csvCell = (v: string) => `"${v.replace(/"/g, '""')}"`;
  put('hostile.csv', [Object.keys(rows[0]!).join(','), ...rows.map((r) => Object.values(r).map(csvCell).join(','))].join('\n') + '\n');
  put('hostile.json', JSON.stringify({ [p(0)]: rows }));
  const cols = Object.keys(rows[0]!);
  parquetWriteFile({
    filename: path.join(ws, 'hostile.parquet'),
    columnData: cols.map((c) => ({ name: c, data: rows.map((r) => r[c as keyof typeof r]!), type: 'STRING' as const })),
  });
  files.push({ name: 'hostile.parquet' });
  pairFiles.push('hostile.csv', 'hostile.json', 'hostile.parquet');
  placed += 3 * 12 * 9 + 1;
  // 3. Multi-response rows with hostile prompt groups (dataset) and model names (generator), for the experiment.
  const groups = [p(0), p(3), p(5), p(6)];
  const models = [p(1), p(2), p(4), p(7), p(8), p(10), `m7 ${p(0)}`, `m8 ${p(9)}`];
  const multi: string[] = [];
  groups.forEach((g, gi) => {
    for (let q = 0; q < 5; q++)
      models.forEach((m, mi) =>
        multi.push(
          JSON.stringify({
            instruction_id: `${gi}-${q}`,
            instruction: `Task ${gi}-${q} ${p(q)}`,
            dataset: g,
            generator: m,
            output: `answer ${mi} ${'good '.repeat(mi)}${p(mi)}`,
            score: mi / 7,
          }),
        ),
      );
  });
  put('multi hostile.jsonl', multi.join('\n') + '\n');
  placed += multi.length * 4;
  put(
    'wide.jsonl',
    JSON.stringify({ instruction: p(1), response_1_text: p(2), response_2_text: p(3), all_scores: [1, 2], dataset: p(4) }) + '\n',
  );
  placed += 4;
  buildBadFiles(ws, outside, put, (name, extra = {}) => files.push({ name, ...extra }));
  return { files, placements: placed + 12, outside, pairFiles, multiFile: 'multi hostile.jsonl' };
}

type Put = (name: string, body: string | Uint8Array, extra?: Omit<HostileFile, 'name'>) => void;
/** Records a file that was made another way (a link, a folder). */
type Note = (name: string, extra?: Omit<HostileFile, 'name'>) => void;

/** Encodings, sizes, nesting, numbers, control characters, links, folders, unreadable and empty files. */
function buildBadFiles(ws: string, outside: string, put: Put, note: Note): void {
  const pair = '{"prompt":"p","chosen":"a","rejected":"b"}\n';
  const u16 = new Uint8Array(Buffer.from(pair.repeat(3), 'utf16le'));
  put('utf16le-bom.jsonl', new Uint8Array([0xff, 0xfe, ...u16]), { refused: /UTF-16 \(little-endian\) encoded; convert it to UTF-8/ });
  put(
    'utf16be.csv',
    u16.map((_, i) => u16[i ^ 1]!),
    { refused: /UTF-16 \(big-endian, no BOM\)/ },
  );
  put('utf32.json', new Uint8Array([0xff, 0xfe, 0, 0, 0x5b, 0, 0, 0]), { refused: /UTF-32/ });
  put('latin1.jsonl', new Uint8Array([...Buffer.from('{"prompt":"caf'), 0xe9, ...Buffer.from('","chosen":"a","rejected":"b"}\n')]));
  put('utf8-bom.jsonl', '\ufeff' + pair);
  put('gzip.jsonl', new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x4b, 0x4c, 0, 1]), { refused: /binary data \(a NUL byte/ });
  put('huge-line.jsonl', JSON.stringify({ prompt: 'x'.repeat(2_000_000), chosen: 'a', rejected: 'b' }) + '\n' + pair);
  put('huge-garbage.jsonl', '{'.repeat(1_000_000) + '\n' + pair);
  put(
    'deep.jsonl',
    JSON.stringify({ prompt: 'p', chosen: 'a', rejected: 'b', subset: 'x' }).replace('"p"', '['.repeat(50_000) + ']'.repeat(50_000)) +
      '\n' +
      pair,
  );
  put('deep.json', '[' + '{"prompt":' + '['.repeat(20_000) + ']'.repeat(20_000) + ',"chosen":"a","rejected":"b"},' + pair.trim() + ']');
  put('deep-objects.jsonl', '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000) + '\n' + pair);
  put(
    'nan-literals.jsonl',
    '{"prompt":"p","chosen":"a","rejected":"b","margin":NaN}\n{"prompt":"q","chosen":"c","rejected":"d","margin":Infinity}\n' + pair,
  );
  put(
    'inf-scores.jsonl',
    [
      '{"instruction":"p","generator":"m1","output":"a","score":1e999}',
      '{"instruction":"p","generator":"m2","output":"b","score":-1e999}',
      '{"instruction":"p","generator":"m3","output":"c","score":0.5}',
    ].join('\n') + '\n',
  );
  put('huge-margin.jsonl', '{"prompt":"p","chosen":"a","rejected":"b","margin":1e309}\n' + pair);
  put('nan-strings.csv', 'instruction,generator,output,score\np,m1,a,NaN\np,m2,b,Infinity\np,m3,c,-1e999\np,m4,d,0.5\n');
  put('raw-esc.csv', `prompt,chosen,rejected,subset\n"p\x1b[31m","a\x07","b","\x1b]0;title\x07"\n`);
  put('escaped-esc.jsonl', JSON.stringify({ prompt: 'p\u001b[2J', chosen: 'a\u009b', rejected: 'b', subset: '\u202Eevil' }) + '\n');
  put('raw-esc-broken.jsonl', '{"prompt":"\x1b[2J\x1b]0;pwned\x07"\n' + pair);
  put(`name \x1b[31mred\x1b[0m\n# newline.jsonl`, pair);
  // Links, folders, unreadable, empty.
  fs.writeFileSync(path.join(outside, 'outside.jsonl'), pair);
  fs.symlinkSync(path.join(ws, 'utf8-bom.jsonl'), path.join(ws, 'link-to-file.jsonl'));
  fs.symlinkSync(path.join(outside, 'outside.jsonl'), path.join(ws, 'link-outside.jsonl'));
  fs.symlinkSync(path.join(ws, 'no-such-file.jsonl'), path.join(ws, 'dangling.jsonl'));
  fs.mkdirSync(path.join(ws, 'folder.jsonl'));
  fs.symlinkSync(path.join(ws, 'folder.jsonl'), path.join(ws, 'link-to-folder.csv'));
  fs.mkdirSync(path.join(ws, 'folder.parquet'));
  fs.mkdirSync(path.join(ws, 'nested', 'deeper', 'x.csv'), { recursive: true });
  for (const name of ['link-to-file.jsonl', 'link-outside.jsonl']) note(name);
  note('dangling.jsonl', { refused: /no such file or directory \(ENOENT\)/ });
  for (const name of ['folder.jsonl', 'link-to-folder.csv', 'folder.parquet', 'nested/deeper/x.csv'])
    note(name, { refused: /is a directory; give a data file/ });
  put('unreadable.jsonl', pair, { unreadable: true, refused: /permission denied \(EACCES\)/ });
  put('unreadable.parquet', 'PAR1', { unreadable: true, refused: /permission denied \(EACCES\)/ });
  put('empty.jsonl', '');
  put('blank.csv', '\n\n   \n');
  put('empty-array.json', '[]');
  put('empty-object.json', '{}');
  put('broken-quotes.csv', 'prompt,chosen,rejected\n"p,"a,b\nq,c,d\n');
  put('header-only.csv', 'prompt,chosen,rejected\n');
  put(
    'wide-header.csv',
    Array.from({ length: 5000 }, (_, i) => `c${i}`).join(',') + '\n' + Array.from({ length: 5000 }, () => 'x').join(',') + '\n',
  );
  put('fake.parquet', 'PAR1 this is not parquet', { refused: /not a readable Parquet file/ });
  put('truncated.parquet', new Uint8Array([0x50, 0x41, 0x52, 0x31, 1, 2, 3, 4]), { refused: /not a readable Parquet file/ });
}
