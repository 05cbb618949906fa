// `reward-lens inspect FILE… [--json]`: what Reward Lens sees in a file, before any training.
import { parseArgs } from 'node:util';
import { loadDatasetFile } from '../node/loadDataset';
import { formatSkipped } from '../core/data';
import { oneLine, terminalJson, visibleControls } from '../core/text';
import type { LoadedDataset } from '../core/types';
import { describeCliError, fail } from './errors';
import { mappingFrom, mappingOptions } from './mapping';

export async function inspectCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, ...mappingOptions, 'max-skipped': { type: 'string' } } });
  if (positionals.length === 0) fail('inspect needs at least one file: reward-lens inspect data.jsonl');
  const mapping = mappingFrom(values);
  const out: unknown[] = [];
  let failed = 0;
  for (const file of positionals) {
    // A file that cannot be read is reported on one line and the others are still inspected (exit code 2 at the end).
    let ds: LoadedDataset;
    try {
      ds = await loadDatasetFile(file, { mapping });
    } catch (e) {
      const { text, exitCode } = describeCliError(e);
      if (exitCode !== 2) throw e;
      process.stderr.write(`reward-lens: ${text}\n`);
      out.push({ file, error: text });
      failed++;
      continue;
    }
    const skippedByReason: Record<string, number> = {};
    for (const s of ds.skipped) skippedByReason[s.reason] = (skippedByReason[s.reason] ?? 0) + 1;
    out.push({
      file, format: ds.format, rows: ds.rows, pairs: ds.pairs.length, prompts: ds.multi.length,
      responses: ds.multi.reduce((a, g) => a + g.responses.length, 0),
      skipped: ds.skipped, skippedByReason, accounting: ds.accounting, truncated: ds.truncated, groups: ds.groups, notes: ds.notes,
    });
    if (!values.json) printDataset(file, ds, skippedByReason, Number(values['max-skipped'] ?? 20));
  }
  if (values.json) console.log(terminalJson(out.length === 1 ? out[0] : out));
  return failed ? 2 : 0;
}

function printDataset(file: string, ds: LoadedDataset, skippedByReason: Record<string, number>, maxSkipped: number): void {
  const responses = ds.multi.reduce((a, g) => a + g.responses.length, 0);
  console.log(`${oneLine(file)}\n  format  ${ds.format}\n  rows    ${ds.rows} = ${accountingLine(ds)}\n  pairs   ${ds.pairs.length}` +
    (ds.multi.length ? `\n  multi-response prompts ${ds.multi.length} (${responses} responses)` : ''));
  const t = ds.truncated;
  if (t.prompt + t.chosen + t.rejected + t.response > 0) console.log(`  truncated prompt ${t.prompt}, chosen ${t.chosen}, rejected ${t.rejected}, response ${t.response}`);
  for (const [key, counts] of Object.entries(ds.groups)) {
    const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
    console.log(`  group ${oneLine(key, 60)}: ${entries.length} values: ${entries.slice(0, 8).map(([v, n]) => `${oneLine(JSON.stringify(v).slice(0, 30))} ${n}`).join(', ')}${entries.length > 8 ? ', …' : ''}`);
  }
  for (const n of ds.notes) console.log(`  note: ${oneLine(n)}`);
  console.log(`  skipped ${ds.skipped.length}${ds.skipped.length ? ' (' + Object.entries(skippedByReason).map(([r, n]) => `${r} ${n}`).join(', ') + ')' : ''}`);
  if (ds.skipped.length) console.log(visibleControls(formatSkipped(ds.skipped, maxSkipped)).replace(/^/gm, '    '));
}

/** "7 = 1 pair row + 6 skipped", "450 = 450 prompt-only rows (no pairs)": where every row went. */
export function accountingLine(ds: LoadedDataset): string {
  const a = ds.accounting;
  const parts = [`${a.pairRows} pair row${a.pairRows === 1 ? '' : 's'}`, `${a.skippedRows} skipped`];
  for (const [kind, n] of Object.entries(a.nonPairRows)) parts.push(`${n} ${kind} row${n === 1 ? '' : 's'} (not pairs)`);
  return parts.join(' + ');
}
