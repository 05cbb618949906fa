// Best-of-N of one reward model on multi-response files: load, score every response once (length-sorted batches),
// and hand the numbers to src/core/bon. Used by `reward-lens bon` and by the scenario experiment (per run, on its
// pools), so both report the same thing for the same model and file.
import path from 'node:path';
import { FileError } from '../core/errors';
import { bonSetReport, DEFAULT_BOOTSTRAP, type BonOptions } from '../core/bon/curves';
import { prepareBonPrompts, toBonPrompts, type PreparedPrompt } from '../core/bon/prompts';
import type { BonInputSet, BonReport, BonSetReport } from '../core/bon/types';
import type { FieldMapping } from '../core/types';
import { loadDatasetFile } from '../node/loadDataset';
import type { BonRequest } from '../node/experimentBon';
import { initBackend } from './backends';
import { openScorer } from './openScorer';
import type { RewardScorer } from './scorer';
import { stripDatasetExtension } from '../core/data/extensions';

export interface BestOfNOptions extends BonOptions {
  readonly includeAdversarial?: boolean;
  readonly mapping?: FieldMapping;
  readonly batchSize?: number;
  /** Set names for bestOfNFiles (default: each file's base name). */
  readonly names?: readonly string[];
}

/** Proxy scores of every response, per prompt, in response order. */
async function scoreResponses(scorer: RewardScorer, prompts: readonly PreparedPrompt[], batchSize: number): Promise<number[][]> {
  const seqs = prompts.flatMap((p) => p.responses.map((r) => scorer.encode(p.prompt, r.text)));
  const { rewards } = await scorer.score(seqs, batchSize);
  let k = 0;
  return prompts.map((p) => p.responses.map(() => rewards[k++]!));
}

/** Loads a file as a best-of-N set; a file without multi-response prompts is a one-line FileError naming it. */
export async function loadBonSet(
  file: string,
  name: string,
  mapping: FieldMapping | undefined,
  log: (m: string) => void,
): Promise<BonInputSet> {
  const ds = await loadDatasetFile(file, mapping ? { mapping } : {});
  if (ds.multi.length === 0) {
    throw new FileError(
      { file },
      `no multi-response prompts (${ds.format}, ${ds.pairs.length} pairs): best-of-N needs several gold-scored responses per prompt (wide rows with all_scores, or long rows with a score field such as win_prob_vs_baseline)`,
    );
  }
  const first = ds.skipped[0];
  if (first)
    log(
      `${file}: skipped ${ds.skipped.length} rows (first: line ${first.line}${first.field ? `, field ${first.field}` : ''}: ${first.detail})`,
    );
  return { name, file, multi: ds.multi };
}

async function oneSet(
  scorer: RewardScorer,
  input: BonInputSet,
  opts: BestOfNOptions,
  log: (m: string) => void,
): Promise<{ set: BonSetReport; fields: readonly string[] }> {
  const prepared = prepareBonPrompts(input.multi, { includeAdversarial: opts.includeAdversarial ?? false });
  if (prepared.prompts.length === 0) {
    const first = input.multi[0]?.responses[0];
    throw new FileError(
      { file: input.file, ...(first ? { line: first.source.line } : {}) },
      'no response has a finite gold score (fields read: score, win_prob_vs_baseline, gold, reward, rating; wide: all_scores)',
    );
  }
  const responses = prepared.prompts.reduce((n, p) => n + p.responses.length, 0);
  log(`${input.name}: scoring ${responses} responses of ${prepared.prompts.length} prompts`);
  const proxy = await scoreResponses(scorer, prepared.prompts, opts.batchSize ?? 32);
  const dropped = { ...prepared.dropped };
  const prompts = toBonPrompts(prepared.prompts, proxy, opts.higherIsBetter, dropped);
  return { set: bonSetReport(input.name, input.file, prompts, dropped, opts), fields: prepared.goldFields };
}

/** Set names: the files' base names, made unique (a second "test" becomes "test-2"). */
function setNames(files: readonly string[], given?: readonly string[]): string[] {
  const names: string[] = [];
  files.forEach((f, i) => {
    let name = given?.[i] ?? stripDatasetExtension(path.basename(f));
    for (let k = 2; names.includes(name); k++) name = `${name}-${k}`;
    names.push(name);
  });
  return names;
}

/** Loads every file (one set each, named after the file) and runs bestOfNSets. */
export async function bestOfNFiles(
  scorer: RewardScorer,
  model: BonReport['model'],
  files: readonly string[],
  opts: BestOfNOptions,
  log: (m: string) => void = () => {},
): Promise<BonReport> {
  const names = setNames(files, opts.names);
  const sets: BonInputSet[] = [];
  for (let i = 0; i < files.length; i++) sets.push(await loadBonSet(files[i]!, names[i]!, opts.mapping, log));
  return bestOfNSets(scorer, model, sets, opts, log);
}

export async function bestOfNSets(
  scorer: RewardScorer,
  model: BonReport['model'],
  inputs: readonly BonInputSet[],
  opts: BestOfNOptions,
  log: (m: string) => void = () => {},
): Promise<BonReport> {
  const sets: BonSetReport[] = [];
  const fields = new Set<string>();
  for (const input of inputs) {
    const r = await oneSet(scorer, input, opts, log);
    sets.push(r.set);
    r.fields.forEach((f) => fields.add(f));
  }
  return {
    format: 'reward-lens-bon',
    version: 1,
    createdAt: new Date().toISOString(),
    model,
    gold: { fields: [...fields].sort(), higherIsBetter: opts.higherIsBetter },
    lengthUnit: 'characters',
    method: opts.method,
    seed: opts.seed,
    bootstrap: opts.bootstrap,
    ns: opts.ns,
    sets,
  };
}

/** The experiment's BonFn: open a run's model on the active backend, score the pools exactly, free the model. */
export async function bestOfNForRun(req: BonRequest): Promise<BonReport> {
  await initBackend(req.backend ?? 'auto');
  const { scorer } = await openScorer(req.modelDir);
  try {
    const model = {
      label: req.label,
      dir: req.modelDir,
      kind: scorer.info.kind,
      engine: scorer.info.engine,
      headTrained: scorer.info.headTrained,
    };
    return await bestOfNFiles(scorer, model, req.files, {
      ns: req.ns,
      method: { kind: 'exact' },
      seed: req.seed,
      bootstrap: DEFAULT_BOOTSTRAP,
      higherIsBetter: true,
    });
  } finally {
    scorer.dispose();
  }
}
