// `reward-lens demo`: the README's first command. Trains BT and BSR on the bundled HH-RLHF sample, evaluates both
// on a held-out split and on a harmless (prompt-shifted) sample, and compares them. No network, no ../shared.
import { parseArgs } from 'node:util';
import path from 'node:path';
import { DEFAULTS, type TrainConfig } from '../core/config';
import { trainWithProgress } from './train';
import { compareRuns, loadRunView } from './compare';
import { numberOpt } from './errors';

export const sampleDir = () => path.join(__dirname, '..', 'data', 'sample');

export async function demoCli(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { out: { type: 'string' }, epochs: { type: 'string' }, steps: { type: 'string' }, backend: { type: 'string' } },
  });
  const out = values.out ?? path.join('runs', 'demo');
  const train = path.join(sampleDir(), 'hh-helpful-base-2000.jsonl');
  const shifted = path.join(sampleDir(), 'hh-harmless-base-400.jsonl');
  const base: TrainConfig = {
    ...DEFAULTS,
    preset: 'tiny',
    holdoutFrac: 0.1,
    batchSize: 16,
    lr: 1e-3,
    logEvery: 5,
    evalEvery: 62,
    epochs: numberOpt('epochs', values.epochs, 1, Number.isInteger),
    steps: numberOpt('steps', values.steps, 0, Number.isInteger),
    backend: (values.backend ?? 'auto') as TrainConfig['backend'],
  };
  console.log(`Reward Lens demo: BT vs BSR on ${path.basename(train)} (held-out 10% of prompts + ${path.basename(shifted)})\n`);
  const dirs: string[] = [];
  for (const objective of ['bt', 'bsr'] as const) {
    const dir = path.join(out, objective);
    const s = await trainWithProgress([train], [shifted], { ...base, objective }, dir, { quiet: false, label: objective.toUpperCase() });
    console.log(`${objective}: ${s.status} in ${(s.elapsedMs / 1000).toFixed(1)} s on ${s.backend} → ${dir}\n`);
    if (s.status !== 'completed') return 1;
    dirs.push(dir);
  }
  console.log(compareRuns(loadRunView(dirs[0]!), loadRunView(dirs[1]!)));
  console.log(`\nNext: reward-lens eval --model ${dirs[1]} <your file>   ·   reward-lens compare ${dirs[0]} ${dirs[1]}`);
  return 0;
}
