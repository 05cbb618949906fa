// Best-of-N as text: the captured-headroom ratio, the terminal table (names made safe for a terminal), the gold sentence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bonSetReport } from '../../../src/core/bon/curves';
import { captured, describeGold, formatBonText, goldMarkdown } from '../../../src/core/bon/format';
import type { BonReport } from '../../../src/core/bon/types';

const sel = (gold: number) => ({ gold, proxy: 0, length: 0, longest: 0 });

test('captured = (pick − random) / (oracle − random); NaN without headroom; the same in a lower-is-better unit', () => {
  assert.ok(Math.abs(captured({ pick: sel(0.3), oracle: sel(0.5), random: sel(0.1) }) - 0.5) < 1e-12);
  assert.equal(captured({ pick: sel(0.5), oracle: sel(0.5), random: sel(0.1) }), 1);
  assert.ok(Math.abs(captured({ pick: sel(0.05), oracle: sel(0.5), random: sel(0.1) }) + 0.125) < 1e-12, 'worse than random is negative');
  assert.ok(Number.isNaN(captured({ pick: sel(0.2), oracle: sel(0.2), random: sel(0.2) })));
  assert.equal(captured({ pick: sel(2), oracle: sel(1), random: sel(3) }), 0.5, 'ranks: lower is better, the ratio is unit-free');
});

test('the terminal table: one row per N, names with control characters made visible, the gold field and direction', () => {
  const prompts = [
    {
      id: 'a',
      groups: { dataset: 'evil\u001b[31m' },
      candidates: [
        { gold: 1, proxy: 1, length: 5 },
        { gold: 0, proxy: 0, length: 9 },
      ],
    },
    {
      id: 'b',
      groups: { dataset: 'ok' },
      candidates: [
        { gold: 0, proxy: 1, length: 5 },
        { gold: 1, proxy: 0, length: 9 },
      ],
    },
  ];
  const set = bonSetReport(
    'set\u202e',
    'f.jsonl',
    prompts,
    { 'responses flagged is_adversarial': 2 },
    { ns: [1, 2], method: { kind: 'exact' }, seed: 1, bootstrap: 50, higherIsBetter: true },
  );
  const r: BonReport = {
    format: 'reward-lens-bon',
    version: 1,
    createdAt: '',
    model: { label: 'm', dir: 'm', kind: 'hf', engine: 'onnxruntime', headTrained: true },
    gold: { fields: ['score'], higherIsBetter: true },
    lengthUnit: 'characters',
    method: { kind: 'exact' },
    seed: 1,
    bootstrap: 50,
    ns: [1, 2],
    sets: [set],
  };
  const text = formatBonText(r);
  assert.ok(!/[\u001b\u202e]/.test(text), 'no raw control or bidi character');
  assert.match(text, /set\\u202E \(f\.jsonl\): 2 prompts, 4 responses \(2–2 per prompt\)/);
  assert.match(text, /dataset = evil\\x1B\[31m/);
  assert.match(text, /left out: 2 responses flagged is_adversarial/);
  assert.match(text, /gold: score \(higher is better\)/);
  // N = 2 on prompt a: the proxy picks gold 1 (the oracle); on b: gold 0 (random would be 0.5). Mean 0.5, captured 0.
  const n2 = text.split('\n').find((l) => /^\s+2\s+2\s/.test(l))!;
  assert.match(n2, /^\s+2\s+2\s+0\.5000 \[/);
  assert.match(n2, /1\.0000\s+0\.5000\s+0\.0%/);
});

test('describeGold and goldMarkdown say the field and the direction', () => {
  assert.equal(
    describeGold({ fields: ['rank'], higherIsBetter: false }),
    'rank (lower is better: negated for selection, reported in its own units)',
  );
  assert.equal(goldMarkdown({ fields: [], higherIsBetter: true }), '(none) (higher is better)');
});
