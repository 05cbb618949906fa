// `reward-lens inspect FILE|DIR|hf:ORG/NAME[:SPLIT]… [--json]`: what Reward Lens sees in a file, before any training.
// `reward-lens inspect hf:` lists the Hugging Face cache (datasets with their splits and rows, and model folders).
import { parseArgs } from 'node:util';
import { loadDataSource } from '../node/loadDataset';
import { listHfCache, resolveHfSpec, splitSources, type DataSource } from '../node/hfCache';
import { formatSkipped } from '../core/data';
import { oneLine, terminalJson, visibleControls } from '../core/text';
import type { LoadedDataset } from '../core/types';
import { describeCliError, EXIT, fail } from './errors';
import { mappingFrom, mappingOptions } from './mapping';

export async function inspectCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, ...mappingOptions, gold: { type: 'string' }, 'max-skipped': { type: 'string' } },
  });
  if (positionals.length === 0)
    fail('inspect needs at least one file: reward-lens inspect data.jsonl (or hf:ORG/NAME[:SPLIT], or hf: to list the cache)');
  if (positionals.length === 1 && positionals[0] === 'hf:') return listCache(!!values.json);
  const mapping = mappingFrom(values);
  const out: unknown[] = [];
  let failed = 0;
  for (const src of await sourcesOf(positionals)) {
    const file = src.label;
    // A file that cannot be read is reported on one line and the others are still inspected (exit code 2 at the end).
    let ds: LoadedDataset;
    try {
      // Pairs are counted as they stream by, never kept: a 1 GB file is inspected in bounded memory.
      ds = await loadDataSource(src, { mapping, ...(values.gold ? { gold: values.gold } : {}), onPair: () => undefined });
    } catch (e) {
      const { text, exitCode } = describeCliError(e);
      if (exitCode !== EXIT.userError) throw e;
      process.stderr.write(`reward-lens: ${text}\n`);
      out.push({ file, error: text });
      failed++;
      continue;
    }
    const skippedByReason: Record<string, number> = {};
    for (const s of ds.skipped) skippedByReason[s.reason] = (skippedByReason[s.reason] ?? 0) + 1;
    out.push({
      file,
      format: ds.format,
      detection: ds.detection,
      rows: ds.rows,
      pairs: pairCount(ds),
      prompts: ds.multi.length,
      responses: ds.multi.reduce((a, g) => a + g.responses.length, 0),
      skipped: ds.skipped,
      skippedByReason,
      accounting: ds.accounting,
      truncated: ds.truncated,
      groups: ds.groups,
      notes: ds.notes,
    });
    if (!values.json) printDataset(file, ds, skippedByReason, Number(values['max-skipped'] ?? 20));
  }
  if (values.json) console.log(terminalJson(out.length === 1 ? out[0] : out));
  return failed ? 2 : 0;
}

function printDataset(file: string, ds: LoadedDataset, skippedByReason: Record<string, number>, maxSkipped: number): void {
  const responses = ds.multi.reduce((a, g) => a + g.responses.length, 0);
  console.log(
    `${oneLine(file)}\n  format  ${ds.format}${ds.detection ? `\n  rule    ${oneLine(ds.detection)}` : ''}\n  rows    ${ds.rows} = ${accountingLine(ds)}\n  pairs   ${pairCount(ds)}` +
      (ds.multi.length ? `\n  multi-response prompts ${ds.multi.length} (${responses} responses)` : ''),
  );
  const t = ds.truncated;
  if (t.prompt + t.chosen + t.rejected + t.response > 0)
    console.log(`  truncated prompt ${t.prompt}, chosen ${t.chosen}, rejected ${t.rejected}, response ${t.response}`);
  for (const [key, counts] of Object.entries(ds.groups)) {
    const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
    console.log(
      `  group ${oneLine(key, 60)}: ${entries.length} values: ${entries
        .slice(0, 8)
        .map(([v, n]) => `${oneLine(JSON.stringify(v).slice(0, 30))} ${n}`)
        .join(', ')}${entries.length > 8 ? ', …' : ''}`,
    );
  }
  for (const n of ds.notes) console.log(`  note: ${oneLine(n)}`);
  console.log(
    `  skipped ${ds.skipped.length}${
      ds.skipped.length
        ? ' (' +
          Object.entries(skippedByReason)
            .map(([r, n]) => `${r} ${n}`)
            .join(', ') +
          ')'
        : ''
    }`,
  );
  if (ds.skipped.length) console.log(visibleControls(formatSkipped(ds.skipped, maxSkipped)).replace(/^/gm, '    '));
}

const pairCount = (ds: LoadedDataset) => ds.pairs.length + (ds.streamedPairs ?? 0);

/** "7 = 1 pair row + 6 skipped", "450 = 450 prompt-only rows (no pairs)": where every row went. */
export function accountingLine(ds: LoadedDataset): string {
  const a = ds.accounting;
  const parts = [`${a.pairRows} pair row${a.pairRows === 1 ? '' : 's'}`, `${a.skippedRows} skipped`];
  for (const [kind, n] of Object.entries(a.nonPairRows)) parts.push(`${n} ${kind} row${n === 1 ? '' : 's'} (not pairs)`);
  return parts.join(' + ');
}

/** Files as given; hf:ORG/NAME[:SPLIT] becomes the cached split's files (its Arrow shards as one source). */
export async function sourcesOf(args: readonly string[]): Promise<DataSource[]> {
  const out: DataSource[] = [];
  for (const a of args) {
    if (!a.startsWith('hf:')) out.push({ label: a, files: [a] });
    else {
      const { dataset, splits } = await resolveHfSpec(a);
      out.push(...splitSources(dataset, splits));
    }
  }
  return out;
}

async function listCache(json: boolean): Promise<number> {
  const c = await listHfCache();
  if (json) {
    console.log(terminalJson(c));
    return 0;
  }
  for (const d of c.datasets) {
    console.log(`hf:${oneLine(d.repo)}  (${d.where === 'hub' ? 'hub snapshot' : 'datasets Arrow cache'}, ${oneLine(d.dir)})`);
    for (const s of d.splits)
      console.log(
        `  :${oneLine(s.name)}  ${s.rows !== undefined ? `${s.rows} rows` : 'rows unknown until read'}, ${s.files.length} file${s.files.length === 1 ? '' : 's'}`,
      );
  }
  for (const m of c.models) console.log(`model ${oneLine(m.repo)}  ${oneLine(m.dir)}  (use with --model)`);
  if (!c.datasets.length && !c.models.length)
    console.log('the Hugging Face cache holds no datasets or models (HF_HOME, HF_HUB_CACHE, HF_DATASETS_CACHE)');
  return 0;
}
