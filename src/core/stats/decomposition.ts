// r = ‖W_p‖·‖h‖·cos ψ and Δr = ‖W_p‖·‖h_w − h_l‖·cos ψ_Δ, averaged over an eval set, plus the BT
// gradient-norm proxy (paper-spec §1, §3.3, §7.7, §7.8). Only norms and rewards are needed: the
// cosines follow from r = W_pᵀh, so no full hidden state leaves the worker.
import type { Decomposition, PairScores } from '../report';
import { assertSameLength, sigmoid } from './numeric';

/**
 * Averages over an eval set:
 * - meanHNorm, meanAbsReward, meanCos over every response (chosen and rejected), cos ψ = r / (‖W_p‖·‖h‖);
 * - meanCosDelta over pairs, cos ψ_Δ = Δr / (‖W_p‖·‖h_w − h_l‖);
 * - gradProxy = mean over pairs of σ(−Δr)·‖h_w − h_l‖, the per-pair ‖∂L_BT/∂W_p‖.
 * A cosine whose denominator is 0 (h = 0, or h_w = h_l) is undefined and left out of its mean.
 * Empty sets give NaN fields.
 */
export function decomposition(scores: PairScores, wpNorm: number): Decomposition {
  const { rChosen, rRejected, hNormChosen, hNormRejected, hDiffNorm } = scores;
  const n = rChosen.length;
  assertSameLength('decomposition', rChosen, 'rChosen', rRejected, 'rRejected');
  assertSameLength('decomposition', rChosen, 'rChosen', hNormChosen, 'hNormChosen');
  assertSameLength('decomposition', rChosen, 'rChosen', hNormRejected, 'hNormRejected');
  assertSameLength('decomposition', rChosen, 'rChosen', hDiffNorm, 'hDiffNorm');
  let sumH = 0;
  let sumAbsR = 0;
  let sumCos = 0;
  let nCos = 0;
  let sumCosDelta = 0;
  let nCosDelta = 0;
  let sumGrad = 0;
  const addResponse = (r: number, h: number) => {
    sumH += h;
    sumAbsR += Math.abs(r);
    const denom = wpNorm * h;
    if (denom !== 0) {
      sumCos += r / denom;
      nCos++;
    }
  };
  for (let i = 0; i < n; i++) {
    const rw = rChosen[i]!;
    const rl = rRejected[i]!;
    addResponse(rw, hNormChosen[i]!);
    addResponse(rl, hNormRejected[i]!);
    const dr = rw - rl;
    const dh = hDiffNorm[i]!;
    const denom = wpNorm * dh;
    if (denom !== 0) {
      sumCosDelta += dr / denom;
      nCosDelta++;
    }
    sumGrad += sigmoid(-dr) * dh;
  }
  return {
    wpNorm,
    meanHNorm: n === 0 ? NaN : sumH / (2 * n),
    meanCos: nCos === 0 ? NaN : sumCos / nCos,
    meanAbsReward: n === 0 ? NaN : sumAbsR / (2 * n),
    meanCosDelta: nCosDelta === 0 ? NaN : sumCosDelta / nCosDelta,
    gradProxy: n === 0 ? NaN : sumGrad / n,
  };
}
