// `reward-lens score --model DIR FILE [--out scores.jsonl]`: every pair's rewards, margin, ‖h‖ and truncation, one
// JSON line per pair (and one per multi-response prompt), with a progress bar (tokens/s, ETA). The output is
// written to a temporary file and renamed at the end, so an interrupted run leaves no half file.
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { loadDatasetFile } from '../node/loadDataset';
import { formatSkipped } from '../core/data';
import { kendallTauB } from '../core/stats';
import type { MultiResponseGroup, PreferencePair } from '../core/types';
import type { EncodedSeq, RewardScorer } from '../train/scorer';
import { countTruncation } from '../train/scorer';
import { fail } from './errors';
import { mappingFrom, mappingOptions } from './mapping';
import { modelOptions, openModelFromFlags } from './modelOptions';
import { Progress } from './progress';

const CHUNK_PAIRS = 32;
const BATCH = 16;

export async function scoreCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string' }, 'batch-size': { type: 'string' }, ...modelOptions, ...mappingOptions } });
  if (positionals.length !== 1) fail('score needs --model DIR and exactly one data file: reward-lens score --model M data.jsonl --out scores.jsonl');
  const file = positionals[0]!;
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) fail(`cannot read ${file}: no such file`);
  const out = values.out;
  if (out && path.resolve(out) === path.resolve(file)) fail(`--out ${out} is the input file; choose another path`);
  const ds = await loadDatasetFile(file, { mapping: mappingFrom(values) });
  if (ds.pairs.length === 0 && ds.multi.length === 0) fail(`${file}: no pairs to score (${ds.format}, ${ds.rows} rows, ${ds.skipped.length} skipped)`);
  const { scorer } = await openModelFromFlags(values, 'score');
  const sink = openSink(out);
  try {
    if (!scorer.info.headTrained) process.stderr.write('note: this model has no trained reward head: rewards come from a fresh random head\n');
    const stats = await scoreAll(scorer, ds.pairs, ds.multi, sink.write, Number(values['batch-size'] ?? BATCH));
    sink.close();
    const tr = countTruncation(stats.encoded);
    process.stderr.write(`${file}: ${ds.pairs.length} pairs, accuracy ${(stats.correct / Math.max(1, ds.pairs.length)).toFixed(4)}; ` +
      `${ds.multi.length} multi-response prompts; ${stats.tokens} tokens at ${stats.tokensPerSec.toFixed(1)} tokens/s; ` +
      `truncated ${tr.promptCut} prompts / ${tr.responseCut} responses; ${ds.skipped.length} rows skipped` + (out ? `; wrote ${out}` : '') + '\n');
    if (ds.skipped.length) process.stderr.write(formatSkipped(ds.skipped, 10) + '\n');
  } catch (e) {
    sink.abort();
    throw e;
  } finally {
    scorer.dispose();
  }
  return 0;
}

function openSink(out: string | undefined) {
  if (!out) return { write: (line: string) => void process.stdout.write(line + '\n'), close: () => {}, abort: () => {} };
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  return {
    write: (line: string) => void fs.writeSync(fd, line + '\n'),
    close: () => { fs.closeSync(fd); fs.renameSync(tmp, out); },
    abort: () => { try { fs.closeSync(fd); } catch { /* already closed */ } fs.rmSync(tmp, { force: true }); },
  };
}

const trunc = (e: EncodedSeq) => ({ prompt_tokens_dropped: e.promptTokensDropped, response_tokens_dropped: e.responseTokensDropped });

async function scoreAll(scorer: RewardScorer, pairs: readonly PreferencePair[], multi: readonly MultiResponseGroup[], write: (l: string) => void, batch: number) {
  const bar = new Progress('scoring');
  const encoded: EncodedSeq[] = [];
  const total = pairs.length + multi.length;
  let tokens = 0, correct = 0, done = 0;
  const t0 = performance.now();
  const tick = () => {
    const sec = (performance.now() - t0) / 1000;
    const rate = tokens / Math.max(sec, 1e-9);
    const eta = done > 0 ? ((total - done) * sec) / done : NaN;
    bar.update(done, total, `${rate.toFixed(0)} tokens/s, ETA ${Number.isFinite(eta) ? `${eta.toFixed(0)} s` : '…'}`);
  };
  for (let start = 0; start < pairs.length; start += CHUNK_PAIRS) {
    const chunk = pairs.slice(start, start + CHUNK_PAIRS);
    const enc = chunk.map((p) => scorer.encodePair(p));
    const seqs = [...enc.map((e) => e.chosen), ...enc.map((e) => e.rejected)];
    const s = await scorer.score(seqs, batch);
    chunk.forEach((p, i) => {
      const rc = s.rewards[i]!, rr = s.rewards[chunk.length + i]!;
      if (rc > rr) correct++;
      write(JSON.stringify({ id: p.id, line: p.source.line, r_chosen: rc, r_rejected: rr, margin: rc - rr, h_norm_chosen: s.hNorm[i], h_norm_rejected: s.hNorm[chunk.length + i], truncation: { chosen: trunc(enc[i]!.chosen), rejected: trunc(enc[i]!.rejected) } }));
    });
    encoded.push(...seqs);
    tokens += seqs.reduce((a, x) => a + x.ids.length, 0);
    done += chunk.length;
    tick();
  }
  for (const g of multi) {
    const seqs = g.responses.map((r) => scorer.encode(g.prompt, r.text));
    const s = await scorer.score(seqs, batch);
    const rewards = Array.from(s.rewards);
    write(JSON.stringify({ id: g.id, line: g.source.line, kind: 'prompt', rewards, h_norms: Array.from(s.hNorm), gold: g.responses.map((r) => r.gold), tau: kendallTauB(g.responses.map((r) => r.gold), rewards), truncation: seqs.map(trunc) }));
    encoded.push(...seqs);
    tokens += seqs.reduce((a, x) => a + x.ids.length, 0);
    done++;
    tick();
  }
  return { encoded, tokens, correct, tokensPerSec: tokens / Math.max((performance.now() - t0) / 1000, 1e-9) };
}
