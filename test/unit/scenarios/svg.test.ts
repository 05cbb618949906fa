import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupedBarsSvg } from '../../../src/core/scenarios/svgBars';
import { horizontalBoxesSvg } from '../../../src/core/scenarios/svgBoxes';
import { lineBandSvg } from '../../../src/core/scenarios/svgLines';
import { linearScale, niceTicks } from '../../../src/core/scenarios/svgCommon';
import { parseXml } from './xmlCheck';

test('the XML checker itself rejects broken documents', () => {
  assert.throws(() => parseXml('<svg><g></svg>'), /closes/);
  assert.throws(() => parseXml('<svg><text>a & b</text></svg>'), /bad entity/);
  assert.throws(() => parseXml('<svg x=1></svg>'), /bad attribute/);
  assert.equal(parseXml('<svg a="1"><g/></svg>').length, 2);
});

test('niceTicks gives round steps covering the range; the scale maps the domain ends onto the pixel range', () => {
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(174.3, 186.1), [170, 175, 180, 185, 190]); // step 5 (11.8 / 5 = 2.36 -> 5), ends cover the data
  assert.deepEqual(niceTicks(-0.03, 0.61), [-0.2, 0, 0.2, 0.4, 0.6, 0.8]);
  assert.deepEqual(niceTicks(-0.2, 0.6), [-0.2, 0, 0.2, 0.4, 0.6]); // 0 exactly, not 5.6e-17
  // Unknown error bars (one seed: std NaN) must not collapse the axis to the default range.
  assert.deepEqual(linearScale([0.56 + NaN, 0.56, 0.2], 0, 1, [0]).ticks, [0, 0.2, 0.4, 0.6]);
  const s = linearScale([0.1, 0.9], 100, 0);
  assert.equal(s(s.domain[0]), 100);
  assert.equal(s(s.domain[1]), 0);
});

test('grouped bars: well-formed, one bar per finite value with its series and value, error bars, escaped names', () => {
  const svg = groupedBarsSvg({
    title: 'Scenarios <final>',
    groups: ['In-Domain acc', 'Mutual-OOD τ'],
    series: [
      { name: 'bt', values: [0.85, 0.58], errors: [0.01, 0.02] },
      { name: 'bsr & co', values: [0.86, NaN] },
    ],
    yLabel: 'value',
  });
  const els = parseXml(svg);
  const bars = els.filter((e) => e.attrs.class === 'bar');
  assert.deepEqual(
    bars.map((b) => [b.attrs['data-series'], b.attrs['data-group'], Number(b.attrs['data-value'])]),
    [
      ['bt', 'In-Domain acc', 0.85],
      ['bsr &amp; co', 'In-Domain acc', 0.86],
      ['bt', 'Mutual-OOD τ', 0.58],
    ],
  );
  assert.equal(els.filter((e) => e.attrs.class === 'error').length, 2);
  assert.ok(svg.includes('n/a'));
  assert.ok(svg.includes('Scenarios &lt;final&gt;'));
  // Bars start at y(0): with values in [0, 1] the taller value has the smaller y.
  const ys = bars.map((b) => Number(b.attrs.y));
  assert.ok(ys[1]! < ys[2]!);
  // With unknown std (one seed) the axis still spans the values: the 0.86 bar is not clipped.
  const one = parseXml(groupedBarsSvg({ title: 't', groups: ['a'], series: [{ name: 'bt', values: [0.56], errors: [NaN] }], yLabel: 'v' }));
  assert.ok(one.filter((e) => e.name === 'text').length > 0);
  assert.ok(
    !groupedBarsSvg({ title: 't', groups: ['a'], series: [{ name: 'bt', values: [0.56], errors: [NaN] }], yLabel: 'v' }).includes('>-0.6<'),
  );
});

test('line + band: one path per series, a band polygon where std is known, a gap at NaN', () => {
  const svg = lineBandSvg({
    title: 'hdiff',
    xLabel: 'step',
    yLabel: '‖h‖',
    series: [
      {
        name: 'bt',
        points: [
          { x: 0, y: 1, band: 0.1 },
          { x: 10, y: 2, band: 0.3 },
          { x: 20, y: 3, band: 0.5 },
        ],
      },
      {
        name: 'bsr',
        points: [
          { x: 0, y: 1 },
          { x: 10, y: NaN },
          { x: 20, y: 1.5 },
          { x: 30, y: 1.4 },
        ],
      },
    ],
  });
  const els = parseXml(svg);
  const lines = els.filter((e) => e.attrs.class === 'line');
  assert.deepEqual(
    lines.map((l) => l.attrs['data-series']),
    ['bt', 'bsr', 'bsr'],
  ); // bsr split at the NaN
  assert.deepEqual(
    els.filter((e) => e.attrs.class === 'band').map((b) => b.attrs['data-series']),
    ['bt'],
  );
  assert.equal(els.filter((e) => e.name === 'circle').length, 3 + 3);
  assert.deepEqual(
    els.filter((e) => e.attrs.class === 'legend').map((l) => l.attrs['data-series']),
    ['bt', 'bsr'],
  );
});

test('horizontal boxes: one box per series and category, median recorded, missing boxes skipped', () => {
  const box = (m: number) => ({ median: m, q1: m - 1, q3: m + 1, whiskerLo: m - 2, whiskerHi: m + 2, outliers: [m + 5] });
  const svg = horizontalBoxesSvg({
    title: '‖h‖ per split',
    xLabel: '‖h‖',
    categories: ['Train', 'Mutual-OOD'],
    series: [
      { name: 'bt', boxes: [box(180.6), box(179.4)] },
      { name: 'bsr', boxes: [box(181.9), undefined] },
    ],
  });
  const els = parseXml(svg);
  const boxes = els.filter((e) => e.attrs.class === 'box');
  assert.deepEqual(
    boxes.map((b) => [b.attrs['data-series'], b.attrs['data-category'], Number(b.attrs['data-median'])]),
    [
      ['bt', 'Train', 180.6],
      ['bsr', 'Train', 181.9],
      ['bt', 'Mutual-OOD', 179.4],
    ],
  );
  assert.equal(els.filter((e) => e.name === 'circle').length, 3); // one outlier each
});

test('degenerate ranges terminate with a few ticks: equal values, values equal up to float noise, all zero', () => {
  for (const [lo, hi] of [
    [7.99, 7.99],
    [1.0155, 1.0155 + 1e-15],
    [0, 0],
    [-3, -3],
  ] as const) {
    const t = niceTicks(lo, hi);
    assert.ok(t.length >= 2 && t.length <= 12, `${lo}..${hi}: ${t.length} ticks`);
    assert.ok(t[0]! <= lo && t.at(-1)! >= hi, `${lo}..${hi}: ${t}`);
  }
});
