// What the worker tells the scenarios quick input about a file (src/node/scenarioData.ts): identities, and the
// split builder's refusals exactly as the runner would give them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectScenarioData } from '../../../src/node/scenarioData';
import { datasetIdentities } from '../../../src/core/scenarios/identities';
import { buildSplitsFromFiles } from '../../../src/node/experimentSplits';
import { loadDatasetFile } from '../../../src/node/loadDataset';
import { SPLIT_DEFAULTS } from '../../../src/host/scenarioSpec';

const FIXTURE = 'test/e2e/fixtures/ws/scenarios.jsonl';

test('a file with every identity: its identities, nothing refused', async () => {
  const r = await inspectScenarioData({ file: FIXTURE, split: SPLIT_DEFAULTS });
  assert.deepEqual(r, { identities: datasetIdentities(await loadDatasetFile(FIXTURE)), refused: [] });
  assert.deepEqual(r.identities.promptGroupKeys, ['dataset']);
});

test('a file missing an identity: the refusals are those of the runner’s split builder', async () => {
  // The scenario fixture with one model's name dropped: response-OOD and mutual-OOD cannot be built.
  const dir = mkdtempSync(join(tmpdir(), 'rl-scenario-data-'));
  try {
    const file = join(dir, 'modelless.jsonl');
    const rows = readFileSync(FIXTURE, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    writeFileSync(
      file,
      rows.map(({ generator, ...rest }) => JSON.stringify(generator === 'm7' ? rest : { generator, ...rest })).join('\n'),
    );
    const r = await inspectScenarioData({ file, split: SPLIT_DEFAULTS });
    const ds = await loadDatasetFile(file);
    const { splits } = await buildSplitsFromFiles(
      [{ file }],
      { ...SPLIT_DEFAULTS, promptGroupKey: 'dataset' },
      async () => ds,
      () => undefined,
    );
    assert.deepEqual(r, { identities: datasetIdentities(ds), refused: splits.refused });
    assert.equal(r.identities.modelless, 12);
    assert.deepEqual(
      r.refused.map((x) => x.scenario),
      ['response-ood', 'mutual-ood'],
    );
    assert.match(r.refused[0]!.reason, /^12 responses have no model id/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pairwise data gives no scenario: the reason is data, not an error', async () => {
  const r = await inspectScenarioData({ file: 'test/e2e/fixtures/ws/pairs.jsonl', split: SPLIT_DEFAULTS });
  assert.equal(r.identities.prompts, 0);
  assert.match(r.unbuildable ?? '', /^no multi-response prompts in test\/e2e\/fixtures\/ws\/pairs\.jsonl/);
});

test('an unreadable file rejects with the file named', async () => {
  await assert.rejects(inspectScenarioData({ file: 'test/fixtures/no-such-file.jsonl', split: SPLIT_DEFAULTS }), /no-such-file\.jsonl/);
});
