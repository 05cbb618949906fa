// `reward-lens bon --model MODEL FILE…`: best-of-N against a proxy reward model on multi-response files with gold
// scores. Per N: the gold of the proxy's pick (bootstrap CI), the oracle ceiling, the random floor, the proxy score
// and length of the pick, and how often it is the longest response; for all prompts and per prompt group. With
// --split EXPDIR, the file is cut into the experiment's in-domain and OOD pools first.
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { checkNs, DEFAULT_BOOTSTRAP, DEFAULT_NS, type BonOptions } from '../core/bon/curves';
import { formatBonText } from '../core/bon/format';
import { terminalJson } from '../core/text';
import type { BonInputSet } from '../core/bon/types';
import { bestOfNFiles, bestOfNSets, type BestOfNOptions } from '../train/bestOfN';
import { bonTarget, writeBonRun } from '../node/bonOutput';
import { splitPoolSets } from '../node/experimentBon';
import { resolveModelFolder } from '../train/openScorer';
import { SCORING_ENGINES } from '../core/config';
import { fail, numberOpt } from './errors';
import { mappingFrom, mappingOptions } from './mapping';
import { modelOptions, openModelFromFlags } from './modelOptions';

export const BON_HELP = `reward-lens bon --model MODEL FILE… [options]
  MODEL: a run directory, its model/ folder, or a Hugging Face reward model folder
  FILE:  multi-response data with gold scores (wide: response_k_text + all_scores; long: one row per response)
    --n 1,2,4,8,16          the Ns (a prompt with fewer responses than N is left out at that N)
    --samples K             K seeded draws of N responses per prompt instead of the exact expectation over all N-subsets
    --seed 1 --bootstrap 1000   seed of the draws and of the percentile bootstrap over prompts (95% CI)
    --split EXPDIR          cut FILE into the experiment's pools (in-domain = the seen-model responses training did not use; prompt-/response-/mutual-OOD)
    --lower-is-better       the gold field is a rank or a cost: negated for selection, reported in its own units
    --include-adversarial   keep responses flagged is_adversarial (AlpacaEval's NullModel), dropped by default
    --out DIR               write DIR/bon.json (a new DIR becomes an evaluation the diagnostics panel shows; an existing run or evaluation of MODEL gets bon.json added)
    --json                  print the report as JSON
    --engine ${SCORING_ENGINES.join('|')} --backend … --max-length N   as for eval
`;

const options = {
  n: { type: 'string' },
  samples: { type: 'string' },
  seed: { type: 'string' },
  bootstrap: { type: 'string' },
  split: { type: 'string' },
  'lower-is-better': { type: 'boolean' },
  'include-adversarial': { type: 'boolean' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
  ...modelOptions,
  ...mappingOptions,
} as const;

const int = (min: number) => (v: number) => Number.isInteger(v) && v >= min;

function bonOptionsFrom(v: { n?: string; samples?: string; seed?: string; bootstrap?: string; 'lower-is-better'?: boolean }): BonOptions {
  const ns =
    v.n === undefined
      ? [...DEFAULT_NS]
      : v.n
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map(Number);
  const bad = checkNs(ns);
  if (bad) fail(`--n: ${bad} (e.g. --n 1,2,4,8,16)`);
  const samples = v.samples === undefined ? undefined : numberOpt('samples', v.samples, 0, int(1));
  return {
    ns,
    method: samples === undefined ? { kind: 'exact' } : { kind: 'sampled', samples },
    seed: numberOpt('seed', v.seed, 1, int(0)),
    bootstrap: numberOpt('bootstrap', v.bootstrap, DEFAULT_BOOTSTRAP, int(1)),
    higherIsBetter: !v['lower-is-better'],
  };
}

/** "bt-s1" for runs/…/bt-s1 or runs/…/bt-s1/model; the folder name otherwise. */
export function modelLabel(modelDir: string): string {
  const abs = path.resolve(modelDir);
  return path.basename(abs) === 'model' ? path.basename(path.dirname(abs)) : path.basename(abs);
}

export async function bonCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options });
  if (values.help) {
    process.stdout.write(BON_HELP);
    return 0;
  }
  if (!values.model) fail('bon needs --model MODEL (a run directory, its model/ folder, or a Hugging Face folder)');
  if (positionals.length === 0) fail('bon needs at least one multi-response file with gold scores');
  for (const f of positionals) if (!fs.existsSync(f) || !fs.statSync(f).isFile()) fail(`cannot read ${f}: no such file`);
  if (values.split && positionals.length !== 1)
    fail("--split cuts one file into the experiment's pools: give exactly the one file the experiment was built from");
  const opts: BestOfNOptions = {
    ...bonOptionsFrom(values),
    includeAdversarial: Boolean(values['include-adversarial']),
    ...(mappingFrom(values) ? { mapping: mappingFrom(values)! } : {}),
  };
  const folder = resolveModelFolder(values.model); // a UserError when it is not a model folder
  // --out is checked before the model loads or anything is scored: a refusal costs nothing and writes nothing.
  const target = values.out ? bonTarget(values.out, folder, positionals) : undefined;
  const log = (m: string) => {
    if (!values.json) process.stderr.write(`${m}\n`);
  };
  const splitSets: BonInputSet[] | undefined = values.split ? await splitPoolSets(values.split, positionals[0]!, log) : undefined;
  const t0 = performance.now();
  const { scorer } = await openModelFromFlags(values, 'bon', Boolean(values.json));
  try {
    if (!scorer.info.headTrained)
      process.stderr.write('note: this model has no trained reward head (a fresh random head): its picks are random\n');
    const model = {
      label: modelLabel(values.model),
      dir: values.model,
      kind: scorer.info.kind,
      engine: scorer.info.engine,
      headTrained: scorer.info.headTrained,
    };
    const report = splitSets
      ? await bestOfNSets(scorer, model, splitSets, opts, log)
      : await bestOfNFiles(scorer, model, positionals, opts, log);
    if (values.out && target)
      log(
        `wrote ${writeBonRun(values.out, target, { modelDir: values.model, files: positionals, report, elapsedMs: performance.now() - t0 })} (the diagnostics panel shows it on ${values.out})`,
      );
    console.log(values.json ? terminalJson(report) : formatBonText(report));
  } finally {
    scorer.dispose();
  }
  return 0;
}
