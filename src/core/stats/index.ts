// Public API of the diagnostics library (paper-spec §7): pure functions, numbers in, numbers out.
export { type Numbers, quantileSorted, mean, nanMean, sigmoid } from './numeric';
export { summary, summaryWithSkew, moments, type Moments } from './summary';
export { boxStats, MAX_OUTLIERS } from './box';
export { histogram, sharedHistogram, histogramWithEdges, equalWidthEdges, DEFAULT_BINS } from './histogram';
export { proportion, accuracy, countCorrect, isCorrect, Z95 } from './proportion';
export { kendallTauB, kendallReport, type RankedGroup } from './kendall';
export { symmetricEigenvalues, type JacobiOptions } from './eigen';
export {
  erank,
  erankFromEigenvalues,
  erankFromSingularValues,
  sampleRows,
  gatherRows,
  type HiddenRows,
  type ErankOptions,
} from './erank';
export { pearson, spearman, averageRanks } from './correlation';
export {
  lengthBias,
  lengthBaselines,
  lengthBaselinesByGroup,
  lengthBins,
  DEFAULT_LENGTH_BINS,
  type LengthBiasInput,
} from './lengthBias';
export { groupIndices, accuracyByGroup } from './byGroup';
export { rmBenchReport, rmBenchStyle, RM_BENCH_STYLES, type RmBenchStyle } from './rmBench';
export { decomposition } from './decomposition';
export {
  rewardBenchSections,
  rewardBench2Report,
  rb2RowResult,
  tiesScore,
  REWARDBENCH_SECTIONS,
  REWARDBENCH_EXAMPLE_COUNTS,
} from './rewardBench';
export { percentileRank } from './percentileRank';
export { buildEvalSetReport, type EvalSetInput } from './evalSetReport';
export { buildEvalReport } from './evalReport';
