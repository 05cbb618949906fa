// `reward-lens score --model DIR FILE [--out scores.jsonl]`: every pair's rewards, margin, ‖h‖ and truncation, one
// JSON line per pair (and one per multi-response prompt), with a progress bar (tokens/s, ETA). The output is
// written to a temporary file and renamed at the end, so an interrupted run leaves no half file.
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { loadDataSource } from '../node/loadDataset';
import { sourcesOf } from './inspect';
import { formatSkipped } from '../core/data';
import { kendallTauB } from '../core/stats';
import type { MultiResponseGroup, PreferencePair } from '../core/types';
import type { EncodedSeq, RewardScorer } from '../train/scorer';
import { countTruncation } from '../train/scorer';
import { fail } from './errors';
import { mappingFrom, mappingOptions } from './mapping';
import { modelOptions, openModelFromFlags } from './modelOptions';

const CHUNK_PAIRS = 32;
const BATCH = 16;

/** The flags and the one data source to score; a usage error for anything else. */
async function scoreArgs(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string' }, 'batch-size': { type: 'string' }, gold: { type: 'string' }, ...modelOptions, ...mappingOptions },
  });
  if (positionals.length !== 1)
    fail('score needs --model DIR and exactly one data file: reward-lens score --model M data.jsonl --out scores.jsonl');
  const sources = await sourcesOf(positionals);
  if (sources.length !== 1) fail(`${positionals[0]} is ${sources.length} files; score one of them (hf:ORG/NAME:SPLIT, or the file's path)`);
  const src = sources[0]!;
  const file = src.label;
  if (
    src.files.length === 1 &&
    (!fs.existsSync(file) || !fs.statSync(file).isFile()) &&
    !(fs.existsSync(file) && fs.statSync(file).isDirectory())
  )
    fail(`cannot read ${file}: no such file`);
  const out = values.out;
  if (out && path.resolve(out) === path.resolve(file)) fail(`--out ${out} is the input file; choose another path`);
  return { values, src, file, out };
}

export async function scoreCli(argv: string[]): Promise<number> {
  const { values, src, file, out } = await scoreArgs(argv);
  const { scorer } = await openModelFromFlags(values, 'score');
  const sink = openSink(out);
  try {
    if (!scorer.info.headTrained)
      process.stderr.write('note: this model has no trained reward head: rewards come from a fresh random head\n');
    const run = new StreamScorer(scorer, sink.write, Number(values['batch-size'] ?? BATCH));
    // Pairs are scored as they are read and then dropped (bounded memory on a 1 GB file); multi-response prompts are
    // grouped across the whole file, so they are scored at the end.
    const ds = await loadDataSource(src, {
      mapping: mappingFrom(values),
      ...(values.gold ? { gold: values.gold } : {}),
      onPair: (p) => run.add(p),
      waitForConsumer: () => run.drain(false),
    });
    await run.drain(true);
    const pairs = ds.streamedPairs ?? 0;
    if (pairs === 0 && ds.multi.length === 0)
      fail(`${file}: no pairs to score (${ds.format}, ${ds.rows} rows, ${ds.skipped.length} skipped)`);
    await run.scoreGroups(ds.multi);
    sink.close();
    if (process.stderr.isTTY) process.stderr.write('\n');
    printSummary(file, pairs, ds, run.stats(), out);
  } catch (e) {
    sink.abort();
    throw e;
  } finally {
    scorer.dispose();
  }
  return 0;
}

/** The closing lines on stderr: counts, accuracy, throughput, truncation and the skipped rows. */
function printSummary(
  file: string,
  pairs: number,
  ds: Awaited<ReturnType<typeof loadDataSource>>,
  s: ReturnType<StreamScorer['stats']>,
  out: string | undefined,
): void {
  process.stderr.write(
    `${file}: ${pairs} pairs, accuracy ${(s.correct / Math.max(1, pairs)).toFixed(4)}; ` +
      `${ds.multi.length} multi-response prompts; ${s.tokens} tokens at ${s.tokensPerSec.toFixed(1)} tokens/s; ` +
      `truncated ${s.promptCut} prompts / ${s.responseCut} responses; ${ds.skipped.length} rows skipped` +
      (out ? `; wrote ${out}` : '') +
      '\n',
  );
  if (ds.skipped.length) process.stderr.write(formatSkipped(ds.skipped, 10) + '\n');
}

function openSink(out: string | undefined) {
  if (!out) return { write: (line: string) => void process.stdout.write(line + '\n'), close: () => {}, abort: () => {} };
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  return {
    write: (line: string) => void fs.writeSync(fd, line + '\n'),
    close: () => {
      fs.closeSync(fd);
      fs.renameSync(tmp, out);
    },
    abort: () => {
      try {
        fs.closeSync(fd);
      } catch {
        /* already closed */
      }
      fs.rmSync(tmp, { force: true });
    },
  };
}

const trunc = (e: EncodedSeq) => ({ prompt_tokens_dropped: e.promptTokensDropped, response_tokens_dropped: e.responseTokensDropped });

/** Scores pairs in chunks as the reader hands them over; keeps only counters and the truncation facts. */
class StreamScorer {
  private queue: PreferencePair[] = [];
  private readonly t0 = performance.now();
  private tokens = 0;
  private correct = 0;
  private done = 0;
  private promptCut = 0;
  private responseCut = 0;

  constructor(
    private readonly scorer: RewardScorer,
    private readonly write: (l: string) => void,
    private readonly batch: number,
  ) {}

  add(p: PreferencePair): void {
    this.queue.push(p);
  }

  /** Scores the queued pairs once a chunk is full (or all of them when `all`). */
  async drain(all: boolean): Promise<void> {
    while (this.queue.length >= CHUNK_PAIRS || (all && this.queue.length > 0)) await this.scoreChunk(this.queue.splice(0, CHUNK_PAIRS));
  }

  private async scoreChunk(chunk: PreferencePair[]): Promise<void> {
    const enc = chunk.map((p) => this.scorer.encodePair(p));
    const seqs = [...enc.map((e) => e.chosen), ...enc.map((e) => e.rejected)];
    const s = await this.scorer.score(seqs, this.batch);
    chunk.forEach((p, i) => {
      const rc = s.rewards[i]!,
        rr = s.rewards[chunk.length + i]!;
      if (rc > rr) this.correct++;
      this.write(
        JSON.stringify({
          id: p.id,
          line: p.source.line,
          r_chosen: rc,
          r_rejected: rr,
          margin: rc - rr,
          h_norm_chosen: s.hNorm[i],
          h_norm_rejected: s.hNorm[chunk.length + i],
          truncation: { chosen: trunc(enc[i]!.chosen), rejected: trunc(enc[i]!.rejected) },
        }),
      );
    });
    this.account(seqs);
  }

  async scoreGroups(multi: readonly MultiResponseGroup[]): Promise<void> {
    for (const g of multi) {
      const seqs = g.responses.map((r) => this.scorer.encode(g.prompt, r.text));
      const s = await this.scorer.score(seqs, this.batch);
      const rewards = Array.from(s.rewards);
      this.write(
        JSON.stringify({
          id: g.id,
          line: g.source.line,
          kind: 'prompt',
          rewards,
          h_norms: Array.from(s.hNorm),
          gold: g.responses.map((r) => r.gold),
          tau: kendallTauB(
            g.responses.map((r) => r.gold),
            rewards,
          ),
          truncation: seqs.map(trunc),
        }),
      );
      this.account(seqs);
    }
  }

  private account(seqs: readonly EncodedSeq[]): void {
    // Only counts are kept: the token ids are dropped with the chunk.
    const t = countTruncation(seqs);
    this.promptCut += t.promptCut;
    this.responseCut += t.responseCut;
    this.tokens += seqs.reduce((a, x) => a + x.ids.length, 0);
    this.done += seqs.length;
    // The total is unknown while the file streams: a count on a terminal, a line every 20,000 sequences in a log.
    if (process.stderr.isTTY || Math.floor(this.done / 20_000) > Math.floor((this.done - seqs.length) / 20_000)) {
      const sec = (performance.now() - this.t0) / 1000;
      process.stderr.write(
        `${process.stderr.isTTY ? '\r' : ''}scoring: ${this.done} sequences, ${(this.tokens / Math.max(sec, 1e-9)).toFixed(0)} tokens/s${process.stderr.isTTY ? '\x1b[K' : '\n'}`,
      );
    }
  }

  stats() {
    return {
      promptCut: this.promptCut,
      responseCut: this.responseCut,
      tokens: this.tokens,
      correct: this.correct,
      tokensPerSec: this.tokens / Math.max((performance.now() - this.t0) / 1000, 1e-9),
    };
  }
}
