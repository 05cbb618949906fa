import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PairScores } from '../../../src/core/report';
import { decomposition } from '../../../src/core/stats/decomposition';
import { assertClose } from './helpers';

const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));
const sub = (a: number[], b: number[]) => a.map((v, i) => v - b[i]);

/** PairScores as the worker would send them, computed from explicit W_p and hidden states. */
function scoresFrom(w: number[], hw: number[][], hl: number[][]): PairScores {
  return {
    ids: hw.map((_, i) => `p${i}`),
    lines: hw.map((_, i) => i + 1),
    rChosen: hw.map((h) => dot(w, h)),
    rRejected: hl.map((h) => dot(w, h)),
    hNormChosen: hw.map(norm),
    hNormRejected: hl.map(norm),
    hDiffNorm: hw.map((h, i) => norm(sub(h, hl[i]))),
    lenChosen: hw.map(() => 1),
    lenRejected: hl.map(() => 1),
  };
}

test('hand-computed decomposition: W_p = (1, 0), h_w = (3, 4), h_l = (0, 2)', () => {
  // r_w = 3, r_l = 0, ‖h_w‖ = 5, ‖h_l‖ = 2, h_w − h_l = (3, 2) with norm √13, Δr = 3.
  const d = decomposition(scoresFrom([1, 0], [[3, 4]], [[0, 2]]), 1);
  assert.equal(d.wpNorm, 1);
  assertClose(d.meanHNorm, 3.5);
  assertClose(d.meanCos, (3 / 5 + 0) / 2);
  assertClose(d.meanAbsReward, 1.5);
  assertClose(d.meanCosDelta, 3 / Math.sqrt(13));
  assertClose(d.gradProxy, Math.sqrt(13) / (1 + Math.exp(3)));
});

test('cosines from (r, ‖h‖, ‖W_p‖) equal the angles measured on the full vectors', () => {
  const dim = 6;
  const w = Array.from({ length: dim }, (_, k) => Math.cos(k * 1.7) * 0.4);
  const hw = Array.from({ length: 5 }, (_, i) => Array.from({ length: dim }, (_, k) => Math.sin(i * 2.1 + k) * (3 + i)));
  const hl = Array.from({ length: 5 }, (_, i) => Array.from({ length: dim }, (_, k) => Math.cos(i * 0.9 + k * k) * 2));
  const d = decomposition(scoresFrom(w, hw, hl), norm(w));
  const angle = (a: number[], b: number[]) => dot(a, b) / (norm(a) * norm(b));
  const cosAll = [...hw, ...hl].map((h) => angle(w, h));
  assertClose(d.meanCos, cosAll.reduce((s, c) => s + c, 0) / 10, 1e-12);
  const cosDelta = hw.map((h, i) => angle(w, sub(h, hl[i])));
  assertClose(d.meanCosDelta, cosDelta.reduce((s, c) => s + c, 0) / 5, 1e-12);
  // ‖∂L_BT/∂W_p‖ per pair = ‖σ(−Δr)·(h_w − h_l)‖, measured on the vector itself.
  const grads = hw.map((h, i) => {
    const diff = sub(h, hl[i]);
    const s = 1 / (1 + Math.exp(dot(w, diff)));
    return norm(diff.map((v) => s * v));
  });
  assertClose(d.gradProxy, grads.reduce((s, g) => s + g, 0) / 5, 1e-12);
});

test('undefined cosines (h = 0 or h_w = h_l) are left out; an empty set gives NaN', () => {
  const d = decomposition(
    scoresFrom(
      [1, 0],
      [
        [2, 0],
        [0, 0],
      ],
      [
        [2, 0],
        [1, 1],
      ],
    ),
    1,
  );
  // Pair 0 has h_w = h_l: no cos ψ_Δ; pair 1's chosen h = 0: no cos ψ. Pair 1: Δr = −1, diff (−1,−1).
  assertClose(d.meanCosDelta, -1 / Math.SQRT2);
  assertClose(d.meanCos, (1 + 1 + 1 / Math.SQRT2) / 3);
  assertClose(d.gradProxy, (0 + Math.SQRT2 / (1 + Math.exp(-1))) / 2);
  const e = decomposition(scoresFrom([1], [], []), 1);
  for (const v of [e.meanHNorm, e.meanCos, e.meanAbsReward, e.meanCosDelta, e.gradProxy]) assert.ok(Number.isNaN(v));
});

test('the gradient proxy saturates: large margins give σ(−Δr) → 0 without overflow', () => {
  const d = decomposition(scoresFrom([1, 0], [[1000, 0]], [[-1000, 0]]), 1);
  assert.ok(d.gradProxy >= 0 && d.gradProxy < 1e-300);
  const wrong = decomposition(scoresFrom([1, 0], [[-1000, 0]], [[1000, 0]]), 1);
  assertClose(wrong.gradProxy, 2000);
});
