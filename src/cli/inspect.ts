// `reward-lens inspect FILE… [--json]`: what Reward Lens sees in a file, before any training.
import { parseArgs } from 'node:util';
import { loadDatasetFile } from '../node/loadDataset';
import { formatSkipped } from '../core/data';
import { oneLine, terminalJson, visibleControls } from '../core/text';
import type { LoadedDataset } from '../core/types';
import { fail } from './errors';
import { mappingFrom, mappingOptions } from './mapping';

export async function inspectCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, ...mappingOptions, 'max-skipped': { type: 'string' } } });
  if (positionals.length === 0) fail('inspect needs at least one file: reward-lens inspect data.jsonl');
  const mapping = mappingFrom(values);
  const out = [];
  for (const file of positionals) {
    const ds = await loadDatasetFile(file, { mapping });
    const skippedByReason: Record<string, number> = {};
    for (const s of ds.skipped) skippedByReason[s.reason] = (skippedByReason[s.reason] ?? 0) + 1;
    out.push({
      file, format: ds.format, rows: ds.rows, pairs: ds.pairs.length, prompts: ds.multi.length,
      responses: ds.multi.reduce((a, g) => a + g.responses.length, 0),
      skipped: ds.skipped, skippedByReason, accounting: ds.accounting, truncated: ds.truncated, groups: ds.groups, notes: ds.notes,
    });
    if (!values.json) {
      console.log(`${oneLine(file)}\n  format  ${ds.format}\n  rows    ${ds.rows} = ${accountingLine(ds)}\n  pairs   ${ds.pairs.length}` +
        (ds.multi.length ? `\n  multi-response prompts ${ds.multi.length} (${out.at(-1)!.responses} responses)` : ''));
      const t = ds.truncated;
      if (t.prompt + t.chosen + t.rejected + t.response > 0) console.log(`  truncated prompt ${t.prompt}, chosen ${t.chosen}, rejected ${t.rejected}, response ${t.response}`);
      for (const [key, counts] of Object.entries(ds.groups)) {
        const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
        console.log(`  group ${oneLine(key, 60)}: ${entries.length} values: ${entries.slice(0, 8).map(([v, n]) => `${oneLine(JSON.stringify(v).slice(0, 30))} ${n}`).join(', ')}${entries.length > 8 ? ', …' : ''}`);
      }
      for (const n of ds.notes) console.log(`  note: ${oneLine(n)}`);
      console.log(`  skipped ${ds.skipped.length}${ds.skipped.length ? ' (' + Object.entries(skippedByReason).map(([r, n]) => `${r} ${n}`).join(', ') + ')' : ''}`);
      if (ds.skipped.length) console.log(visibleControls(formatSkipped(ds.skipped, Number(values['max-skipped'] ?? 20))).replace(/^/gm, '    '));
    }
  }
  if (values.json) console.log(terminalJson(out.length === 1 ? out[0] : out));
  return 0;
}

/** "7 = 1 pair row + 6 skipped", "450 = 450 prompt-only rows (no pairs)": where every row went. */
export function accountingLine(ds: LoadedDataset): string {
  const a = ds.accounting;
  const parts = [`${a.pairRows} pair row${a.pairRows === 1 ? '' : 's'}`, `${a.skippedRows} skipped`];
  for (const [kind, n] of Object.entries(a.nonPairRows)) parts.push(`${n} ${kind} row${n === 1 ? '' : 's'} (not pairs)`);
  return parts.join(' + ');
}
