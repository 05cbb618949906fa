// Best-of-N reports for the panel tests, computed by the real core (src/core/bon) on synthetic prompts whose truth is
// known: a "BT-like" proxy that rewards length as much as quality, and a "BSR-like" proxy that mostly tracks gold.
import { bonSetReport, type BonOptions } from '../../src/core/bon/curves';
import type { BonPrompt, BonReport } from '../../src/core/bon/types';
import { mulberry32 } from '../../src/core/random';

const OPTIONS: BonOptions = { ns: [1, 2, 4, 8, 16], method: { kind: 'exact' }, seed: 1, bootstrap: 300, higherIsBetter: true };

function prompts(seed: number, count: number, m: number, lengthWeight: number, sources: readonly string[]): BonPrompt[] {
  const rng = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => ({
    id: `p${i}`,
    groups: { dataset: sources[i % sources.length]! },
    candidates: Array.from({ length: m }, (_, j) => {
      const gold = rng();
      const length = 200 + Math.floor(rng() * 1800) + j;
      return { gold, length, proxy: gold + lengthWeight * (length / 2000) + 0.3 * (rng() - 0.5) };
    }),
  }));
}

/** One run's bon.json: an in-domain pool (8 responses per prompt) and a prompt-OOD pool (16). */
export function bonReport(label: string, lengthWeight: number, names: { set?: string; source?: string } = {}): BonReport {
  const sources = ['koala', 'oasst', names.source ?? 'selfinstruct'];
  return {
    format: 'reward-lens-bon',
    version: 1,
    createdAt: '2026-12-01T00:00:00.000Z',
    model: { label, dir: `runs/${label}`, kind: 'reward-lens', engine: 'tfjs-wasm', headTrained: true },
    gold: { fields: ['win_prob_vs_baseline'], higherIsBetter: true },
    lengthUnit: 'characters',
    method: OPTIONS.method,
    seed: OPTIONS.seed,
    bootstrap: OPTIONS.bootstrap,
    ns: OPTIONS.ns,
    sets: [
      bonSetReport('in-domain', 'exp/bon/in-domain.jsonl', prompts(3, 120, 8, lengthWeight, sources), {}, OPTIONS),
      bonSetReport(
        names.set ?? 'prompt-ood',
        'exp/bon/prompt-ood.jsonl',
        prompts(4, 80, 16, lengthWeight, sources),
        { 'responses flagged is_adversarial': 80 },
        OPTIONS,
      ),
    ],
  };
}
