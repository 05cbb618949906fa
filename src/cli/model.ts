// `reward-lens model FOLDER [--json] [--self-test FILE]`: what a Hugging Face reward model is, how it will be scored,
// which backend can hold it; with --self-test, the batch/padding invariance check on pairs of FILE.
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import { describeHfFolder } from '../node/hf/describe';
import { isHfModelFolder } from '../node/hf/modelFolder';
import { formatModelSummary } from '../core/hf/summary';
import { loadDatasetFile } from '../node/loadDataset';
import { paddingSelfTest, type SelfTestResult } from '../train/selfTest';
import { fail } from './errors';
import { maxLengthOf, modelOptions, openModelFromFlags, type ModelFlags } from './modelOptions';

export async function modelCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, 'self-test': { type: 'string' }, sample: { type: 'string' }, ...modelOptions },
  });
  const dir = positionals[0];
  if (!dir || positionals.length > 1) fail('model needs exactly one folder: reward-lens model path/to/hf-model');
  if (!fs.existsSync(dir)) fail(`cannot read ${dir}: no such folder`);
  if (!isHfModelFolder(dir))
    fail(`${dir}: not a Hugging Face model folder (config.json with a "model_type"); for our own runs use reward-lens eval --model`);
  // A folder that cannot be used throws a UserError (one line, exit 2); anything else is a bug and keeps its stack.
  const summary = describeHfFolder(dir, maxLengthOf(values));
  let selfTest: SelfTestResult | undefined;
  if (values['self-test']) selfTest = await runSelfTest(dir, values['self-test'], Number(values.sample ?? 16), values);
  if (values.json) console.log(JSON.stringify({ dir, ...summary, ...(selfTest ? { selfTest } : {}) }, null, 2));
  else {
    console.log(formatModelSummary(dir, summary));
    if (selfTest) console.log(formatSelfTest(selfTest));
  }
  return selfTest && selfTest.drifting.length > 0 ? 1 : 0;
}

async function runSelfTest(dir: string, file: string, sample: number, flags: ModelFlags & { json?: boolean }): Promise<SelfTestResult> {
  if (!fs.existsSync(file)) fail(`cannot read ${file}: no such file`);
  const ds = await loadDatasetFile(file);
  const pairs = ds.pairs.slice(0, Math.max(1, sample));
  if (pairs.length === 0) fail(`${file}: no pairs to self-test with`);
  const { scorer } = await openModelFromFlags({ ...flags, model: dir }, 'model --self-test', Boolean(flags.json));
  try {
    const seqs = pairs.flatMap((p) => {
      const e = scorer.encodePair(p);
      return [e.chosen, e.rejected];
    });
    const labels = pairs.flatMap((p) => [`${file}:${p.source.line} chosen`, `${file}:${p.source.line} rejected`]);
    return await paddingSelfTest(scorer, seqs, labels);
  } finally {
    scorer.dispose();
  }
}

function formatSelfTest(r: SelfTestResult): string {
  const how = `${r.sequences} sequences at batch 1 vs batch ${r.batchSize}, right${r.leftSupported ? ' and left' : ''} padding`;
  if (r.drifting.length === 0)
    return `  self-test     ok: ${how}; max relative drift ${r.maxDrift.toExponential(2)} (tolerance ${r.tolerance})`;
  const rows = r.drifting
    .slice(0, 10)
    .map(
      (d) =>
        `    ${d.label}: batch1 ${d.single.toFixed(5)}, right ${d.right.toFixed(5)}, left ${d.left.toFixed(5)} (drift ${d.drift.toExponential(2)})`,
    );
  return [`  self-test     FAILED: ${r.drifting.length} of ${how} drift by more than ${r.tolerance}`, ...rows].join('\n');
}
