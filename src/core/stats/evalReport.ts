// One evaluation pass over all eval sets at one step (report.ts EvalReport): the cross-set
// quantities of paper Figure 3 (median ‖h‖ shift) and Table 1 (erank gap).
import type { EvalReport, EvalSetReport } from '../report';

/**
 * Wraps the per-set reports with the cross-set diagnostics.
 * - crossSetMedianShift = max − min of the sets' median ‖h‖ (sets with NaN median are skipped;
 *   NaN when fewer than one set has a median).
 * - erankGap[name] = erank(set) − erank(sets[0]). By convention sets[0] is the training sample
 *   (paper Table 1: Δ = erank_eval − erank_train), so its own gap is 0; put it first. The gap is only
 *   meaningful when both eranks use the same number of rows (erankRows), see sampleRows.
 */
export function buildEvalReport(step: number, sets: readonly EvalSetReport[]): EvalReport {
  const medians = sets.map((s) => s.hNorm.median).filter((m) => !Number.isNaN(m));
  const crossSetMedianShift = medians.length === 0 ? NaN : Math.max(...medians) - Math.min(...medians);
  const reference = sets[0]?.erank ?? NaN;
  const erankGap: Record<string, number> = {};
  for (const s of sets) erankGap[s.name] = s.erank - reference;
  return { step, sets, crossSetMedianShift, erankGap };
}
