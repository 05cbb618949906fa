// Everything the engine reports about one eval set at one checkpoint (report.ts EvalSetReport),
// assembled from the per-pair scores the worker returns.
import type { EvalSetReport, PairScores } from '../report';
import type { PreferencePair } from '../types';
import { boxStats } from './box';
import { accuracyByGroup } from './byGroup';
import { decomposition } from './decomposition';
import { erank, type ErankOptions, type HiddenRows } from './erank';
import { DEFAULT_BINS, sharedHistogram } from './histogram';
import { kendallReport, type RankedGroup } from './kendall';
import { lengthBias } from './lengthBias';
import { concat } from './numeric';
import { accuracy } from './proportion';
import { rmBenchReport } from './rmBench';
import { rewardBench2Report, rewardBenchSections } from './rewardBench';
import { summary, summaryWithSkew } from './summary';

export interface EvalSetInput {
  readonly name: string;
  readonly file: string;
  /** The set's pairs, aligned by index with every array of `scores`. */
  readonly pairs: readonly PreferencePair[];
  readonly scores: PairScores;
  /** ‖W_p‖ of the checkpoint, for the decomposition. */
  readonly wpNorm: number;
  /** A fixed-size sample of hidden states (see sampleRows) for erank; without it erank is NaN and erankRows 0. */
  readonly hiddenSample?: HiddenRows;
  /** Gold and model scores per prompt of a multi-response set, for Kendall's τ. */
  readonly multi?: readonly RankedGroup[];
  readonly histogramBins?: number;
  /** erank options; default raw (uncentred) rows. */
  readonly erankOptions?: ErankOptions;
}

/**
 * Builds the EvalSetReport: accuracy (strict, Wilson CI) overall and per group, reward and margin
 * summaries, chosen/rejected histograms on shared edges, ‖h‖ box stats over chosen and rejected
 * responses, ‖h_w − h_l‖ summary with skew, the decomposition, length bias, erank (when a hidden
 * sample is given), Kendall (when `multi` is given) and RM-Bench (when pairs carry an RM-Bench 'style').
 *
 * Note: ‖h‖ counts each pair's responses, so a response shared by several pairs (RM-Bench's 3×3
 * grid, pairs derived from multi-response prompts) is counted once per pair.
 */
export function buildEvalSetReport(input: EvalSetInput): EvalSetReport {
  const { name, file, pairs, scores, wpNorm } = input;
  checkAligned(input);
  const { rChosen, rRejected } = scores;
  const margins = new Float64Array(rChosen.length);
  for (let i = 0; i < margins.length; i++) margins[i] = rChosen[i]! - rRejected[i]!;
  const hist = sharedHistogram(rChosen, rRejected, input.histogramBins ?? DEFAULT_BINS);
  const rmBench = rmBenchReport(pairs, rChosen, rRejected);
  const rewardBench = rewardBenchSections(pairs, rChosen, rRejected);
  const rewardBench2 = rewardBench2Report(pairs, rChosen, rRejected);
  return {
    name,
    file,
    pairs: pairs.length,
    accuracy: accuracy(rChosen, rRejected),
    byGroup: accuracyByGroup(pairs, rChosen, rRejected),
    rewardChosen: summary(rChosen),
    rewardRejected: summary(rRejected),
    margin: summary(margins),
    histChosen: hist.a,
    histRejected: hist.b,
    hNorm: boxStats(concat(scores.hNormChosen, scores.hNormRejected)),
    hDiffNorm: summaryWithSkew(scores.hDiffNorm),
    decomposition: decomposition(scores, wpNorm),
    lengthBias: lengthBias(scores),
    erank: input.hiddenSample ? erank(input.hiddenSample, input.erankOptions) : NaN,
    erankRows: input.hiddenSample ? input.hiddenSample.n : 0,
    ...(input.multi ? { kendall: kendallReport(input.multi) } : {}),
    ...(rmBench ? { rmBench } : {}),
    ...(rewardBench ? { rewardBench } : {}),
    ...(rewardBench2 ? { rewardBench2 } : {}),
  };
}

/** Every per-pair array must have one entry per pair; a mismatch is a bug upstream, named here. */
function checkAligned(input: EvalSetInput): void {
  const n = input.pairs.length;
  const s = input.scores;
  const fields: [string, { length: number }][] = [
    ['ids', s.ids],
    ['lines', s.lines],
    ['rChosen', s.rChosen],
    ['rRejected', s.rRejected],
    ['hNormChosen', s.hNormChosen],
    ['hNormRejected', s.hNormRejected],
    ['hDiffNorm', s.hDiffNorm],
    ['lenChosen', s.lenChosen],
    ['lenRejected', s.lenRejected],
  ];
  for (const [field, arr] of fields) {
    if (arr.length !== n) {
      throw new RangeError(`eval set '${input.name}' (${input.file}): scores.${field} has ${arr.length} entries for ${n} pairs`);
    }
  }
  input.pairs.forEach((p, i) => {
    if (s.ids[i] !== p.id) {
      throw new RangeError(
        `eval set '${input.name}' (${input.file}): scores.ids[${i}] = '${s.ids[i]}' but pair ${i} (line ${p.source.line}) has id '${p.id}'`,
      );
    }
  });
}
