// The pure part of "Build Over-optimization Scenarios…": identities found in a dataset, seeds parsing, and the
// experiment spec + CLI command built from the answers (checked against the real split builder on the e2e fixture).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from 'node:util';
import { loadDatasetFile } from '../../../src/node/loadDataset';
import { buildSplitsFromFiles } from '../../../src/node/experimentSplits';
import { experimentSpecFrom, newExperimentId, parseSeeds, seedsArg, SPLIT_DEFAULTS } from '../../../src/host/scenarioSpec';
import { datasetIdentities } from '../../../src/core/scenarios/identities';

const FIXTURE = 'test/e2e/fixtures/ws/scenarios.jsonl';

test('identities of the scenario fixture: one prompt-group key with 2 groups, 7 models, no adversarial rows', async () => {
  const ids = datasetIdentities(await loadDatasetFile(FIXTURE));
  assert.deepEqual(ids.promptGroupKeys, ['dataset']);
  assert.deepEqual(ids.promptGroups['dataset'], [
    { value: 'koala', count: 6 },
    { value: 'vicuna', count: 6 },
  ]);
  assert.deepEqual(
    ids.models.map((m) => m.value),
    ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'],
  );
  assert.ok(ids.models.every((m) => m.count === 12));
  assert.equal(ids.prompts, 12);
  assert.equal(ids.responses, 84);
  assert.equal(ids.modelless, 0);
  assert.equal(ids.adversarial, 0);
});

test('adversarial responses (AlpacaEval NullModel) are counted apart and not offered as models', async () => {
  const ids = datasetIdentities(await loadDatasetFile('test/fixtures/multi-long.jsonl'));
  assert.ok(ids.adversarial > 0);
  assert.ok(!ids.models.some((m) => m.value === 'NullModel'));
});

test('a pairwise file has no identities (the command then shows the runner refusal)', async () => {
  const ds = await loadDatasetFile('test/e2e/fixtures/ws/pairs.jsonl');
  const ids = datasetIdentities(ds);
  assert.equal(ids.prompts, 0);
  assert.deepEqual(ids.promptGroupKeys, []);
  await assert.rejects(
    buildSplitsFromFiles(
      [{ file: 'pairs.jsonl' }],
      { ...SPLIT_DEFAULTS, promptGroupKey: 'dataset' },
      async () => ds,
      () => undefined,
    ),
    /no multi-response prompts in pairs\.jsonl/,
  );
});

test('a per-prompt id field is not offered as a prompt-group key', () => {
  const multi = [0, 1, 2, 3].map((i) => ({
    id: `p${i}`,
    prompt: `q${i}`,
    groups: { uid: `u${i}`, source: i < 2 ? 'a' : 'b', partial: i ? 'x' : '' },
    responses: [],
    source: { file: 'f', line: i + 1, row: i },
  }));
  assert.deepEqual(datasetIdentities({ multi }).promptGroupKeys, ['source']);
});

test('seeds: a count or a list of distinct integers; the CLI form round-trips', () => {
  assert.deepEqual(parseSeeds('3'), [1, 2, 3]);
  assert.deepEqual(parseSeeds(' 1, 2,5 '), [1, 2, 5]);
  for (const bad of ['0', '', 'a', '1,1', '1,-2', '1.5', '101']) assert.equal(parseSeeds(bad), undefined, bad);
  assert.equal(seedsArg([1, 2, 3]), '3');
  assert.equal(seedsArg([5]), '5,');
  assert.equal(seedsArg([1, 3]), '1,3');
  assert.match(newExperimentId(new Date('2026-11-28T05:30:00Z')), /^2026-11-28T05-30-00-scenarios$/);
});

test('the spec builds the held-out sets the user picked, and its CLI command says the same', async () => {
  const spec = experimentSpecFrom(
    {
      file: FIXTURE,
      promptGroupKey: 'dataset',
      heldOutPromptGroups: ['koala'],
      heldOutModels: ['m5', 'm6', 'm7'],
      objectives: ['bt', 'bsr'],
      seeds: [1, 2],
      preset: 'tiny',
      epochs: 2,
      backend: 'auto',
    },
    '/tmp/exp x',
  );
  assert.deepEqual(spec.train, { preset: 'tiny', backend: 'auto', epochs: 2 });
  assert.equal(spec.checkpoints, 5);
  const { splits } = await buildSplitsFromFiles(
    spec.data,
    spec.split,
    (f) => loadDatasetFile(f),
    () => undefined,
  );
  assert.deepEqual(splits.heldOut.heldOutPromptGroups, ['koala']);
  assert.deepEqual(splits.heldOut.heldOutModels, ['m5', 'm6', 'm7']);
  assert.deepEqual(
    splits.sets.map((s) => s.name),
    ['train', 'in-domain', 'prompt-ood', 'response-ood', 'mutual-ood'],
  );
  assert.deepEqual(splits.refused, []);
  // The recorded command, parsed like a shell would (quotes) and like the CLI does, names the same choices.
  const argv = spec.command
    .match(/'[^']*'|\S+/g)!
    .map((a) => a.replace(/^'|'$/g, ''))
    .slice(3);
  const flags = [
    'data',
    'out',
    'prompt-group-key',
    'held-out-prompts',
    'held-out-models',
    'objectives',
    'seeds',
    'preset',
    'epochs',
    'steps',
    'backend',
    'checkpoints',
  ];
  const { values } = parseArgs({ args: argv, options: Object.fromEntries(flags.map((f) => [f, { type: 'string' as const }])) });
  assert.equal(values['out'], '/tmp/exp x');
  assert.equal(values['held-out-prompts'], 'koala');
  assert.equal(values['held-out-models'], 'm5,m6,m7');
  assert.equal(values['objectives'], 'bt,bsr');
  assert.equal(values['seeds'], '2');
  assert.equal(values['epochs'], '2');
  // "Let the seed choose": no explicit names, the CLI defaults apply.
  const seeded = experimentSpecFrom(
    {
      file: FIXTURE,
      promptGroupKey: 'dataset',
      heldOutPromptGroups: [],
      heldOutModels: [],
      objectives: ['bt'],
      seeds: [1],
      preset: 'tiny',
      epochs: 1,
      steps: 3,
      backend: 'cpu',
    },
    '/tmp/e',
  );
  assert.equal(seeded.split.heldOutPromptGroups, undefined);
  assert.equal(seeded.split.heldOutModelCount, 4);
  assert.deepEqual(seeded.train, { preset: 'tiny', backend: 'cpu', steps: 3 });
  assert.doesNotMatch(seeded.command, /--held-out-/);
});
