// The best-of-N part of the scenario report from hand-made bon.json reports: means and stds over seeds, the headline
// at the largest N every prompt supplies, missing runs, escaping of names from the files, figure file names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bonSetReport } from '../../../src/core/bon/curves';
import type { BonPrompt, BonReport } from '../../../src/core/bon/types';
import { aggregateBon } from '../../../src/core/scenarios/bonAggregate';
import { bonFigures, bonSection, fullN } from '../../../src/core/scenarios/bonReport';
import { parseXml } from './xmlCheck';

/** Prompts with 4 candidates, plus `short` prompts with 2 (so N = 4 covers fewer prompts). */
function prompts(proxySign: number, short = 0): BonPrompt[] {
  const make = (i: number, m: number): BonPrompt => ({
    id: `p${i}`,
    groups: {},
    candidates: Array.from({ length: m }, (_, k) => ({ gold: (k + i) % m, proxy: proxySign * ((k + i) % m), length: 10 * (k + 1) })),
  });
  return [...Array.from({ length: 6 }, (_, i) => make(i, 4)), ...Array.from({ length: short }, (_, i) => make(10 + i, 2))];
}

function report(label: string, sign: number, pool = 'prompt-ood', short = 0): BonReport {
  const opts = { ns: [1, 2, 4], method: { kind: 'exact' as const }, seed: 1, bootstrap: 100, higherIsBetter: true };
  return {
    format: 'reward-lens-bon',
    version: 1,
    createdAt: '',
    model: { label, dir: '', kind: 'fake', engine: 'fake', headTrained: true },
    gold: { fields: ['score'], higherIsBetter: true },
    lengthUnit: 'characters',
    method: opts.method,
    seed: 1,
    bootstrap: 100,
    ns: opts.ns,
    sets: [bonSetReport(pool, `${pool}.jsonl`, prompts(sign, short), {}, opts)],
  };
}

test('aggregateBon: seed means and stds, the oracle and random from the pool, missing runs named', () => {
  const runs = [
    { objective: 'bt', seed: 1, runId: 'bt-s1', bon: report('bt-s1', -1) },
    { objective: 'bt', seed: 2, runId: 'bt-s2', bon: report('bt-s2', 1) },
    { objective: 'bsr', seed: 1, runId: 'bsr-s1', bon: report('bsr-s1', 1) },
    { objective: 'bsr', seed: 2, runId: 'bsr-s2' },
  ];
  const a = aggregateBon(['bt', 'bsr'], [1, 2], runs)!;
  assert.deepEqual(a.missing, ['bsr-s2']);
  const n4 = a.pools[0]!.points.find((p) => p.n === 4)!;
  // N = 4 of 4: the proxy sees every candidate. Proxy = gold → gold 3 (the max); proxy = −gold → gold 0.
  assert.equal(n4.oracle.gold, 3);
  assert.equal(n4.random.gold, 1.5);
  assert.deepEqual(n4.byObjective['bt']!.gold.values, [0, 3]);
  assert.equal(n4.byObjective['bt']!.gold.mean, 1.5);
  assert.ok(Math.abs(n4.byObjective['bt']!.gold.std - Math.sqrt(4.5)) < 1e-12);
  assert.deepEqual(n4.byObjective['bsr']!.gold.values.map(String), ['3', 'NaN']);
  assert.equal(n4.byObjective['bsr']!.gold.n, 1);
  assert.equal(aggregateBon(['bt'], [1], [{ objective: 'bt', seed: 1, runId: 'bt-s1' }]), undefined, 'no bon.json anywhere: no section');
});

test('the headline uses the largest N every prompt of the pool supplies', () => {
  const a = aggregateBon(['bt'], [1], [{ objective: 'bt', seed: 1, runId: 'bt-s1', bon: report('bt-s1', 1, 'in-domain', 3) }])!;
  assert.equal(fullN(a.pools[0]!), 2, 'N = 4 leaves out the 3 prompts with 2 candidates');
  const md = bonSection(a).join('\n');
  assert.match(md, /\| {2}\| In-Domain \(N = 2\) \|/);
  assert.match(md, /\| bt \| 4 \| 6 \|/, 'the detail table still lists N = 4 with its 6 prompts');
});

test('names from bon.json are escaped in Markdown and cannot leave figures/ as file names', () => {
  const evil = '<img src=x onerror=alert(1)>/../../x';
  const a = aggregateBon(
    ['bt'],
    [1],
    [
      {
        objective: 'bt',
        seed: 1,
        runId: 'bt-s1',
        bon: { ...report('bt-s1', 1, evil), gold: { fields: ['a`b|c'], higherIsBetter: false } },
      },
    ],
  )!;
  const md = bonSection(a).join('\n');
  assert.doesNotMatch(md, /(^|[^\\])<img/, 'no unescaped markup');
  assert.ok(md.includes(String.raw`### \<img src\=x onerror\=alert\(1\)\>\/\.\.\/\.\.\/x`), 'the pool heading, every punctuation escaped');
  assert.match(
    md,
    /Gold: ``a`b\|c`` \(lower is better\\: negated for selection\\, reported in its own units\)/,
    'the field as inline code, the rest escaped',
  );
  const figs = bonFigures(a);
  assert.deepEqual(
    figs.map((f) => f.name),
    ['bon-gold-_img_src_x_onerror_alert_1_x', 'bon-length-_img_src_x_onerror_alert_1_x'],
  );
  for (const f of figs) parseXml(f.svg); // well-formed: the title text is escaped
});
