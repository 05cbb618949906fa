// `reward-lens export RUN --hf OUT`: the run's model as a Hugging Face folder transformers, TRL and RewardBench load
// with no code (AutoModelForSequenceClassification), plus the PEFT adapter for LoRA runs; `--json OUT`: one JSON
// file with the run's config, metrics, evaluations and summary (no weights), as the extension's Export Run….
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { isHfModelFolder } from '../node/hf/modelFolder';
import { exportRun, readRunInfo } from '../node/runs';
import { writeDirAtomic } from '../node/atomic';
import { EVALUATION_KIND } from '../node/evaluationRun';
import { fail } from './errors';

export async function exportCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { hf: { type: 'string' }, json: { type: 'string' } },
  });
  const run = positionals[0];
  if (!run || positionals.length > 1 || (!values.hf && !values.json))
    fail('export needs one run directory and --hf OUT_DIR or --json OUT_FILE: reward-lens export runs/bsr --hf exported/');
  const info = readRunInfo(run);
  if (!info) fail(`${run} is not a Reward Lens run (no config.json, request.json or summary.json)`);
  if (values.json) {
    const { bytes } = exportRun(run, values.json);
    process.stderr.write(`wrote ${values.json} (${bytes} bytes: config, metrics, evals, summary)\n`);
  }
  if (values.hf) {
    const kind = (JSON.parse(fs.readFileSync(path.join(run, 'config.json'), 'utf8')) as { kind?: string }).kind;
    if (kind === EVALUATION_KIND) fail(`${run} is an evaluation of ${info.modelDir ?? 'a model'}: it has no model of its own to export`);
    await exportHf(run, info.modelDir, values.hf);
  }
  return 0;
}

async function exportHf(run: string, modelDir: string | undefined, out: string): Promise<void> {
  if (!modelDir || !fs.existsSync(modelDir))
    fail(`${run} has no model yet (it did not finish or was not cancelled cleanly); resume it first`);
  if (!isHfModelFolder(modelDir)) {
    fail(
      `${run} was trained from scratch: its model uses Reward Lens' own format and vocabulary (docs/model-format.md), which transformers cannot load; --hf exports runs trained --from a Hugging Face backbone`,
    );
  }
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) fail(`${out} is not empty; export into a new folder`);
  const files = listFiles(modelDir);
  await writeDirAtomic(out, (tmp) => {
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(tmp, f)), { recursive: true });
      fs.copyFileSync(path.join(modelDir, f), path.join(tmp, f));
    }
  });
  process.stderr.write(
    `wrote ${out}: ${files.join(', ')}\n  load it with AutoModelForSequenceClassification.from_pretrained("${out}")${files.includes(path.join('adapter', 'adapter_config.json')) ? `; the PEFT adapter is ${path.join(out, 'adapter')}` : ''}\n`,
  );
}

function listFiles(dir: string, rel = ''): string[] {
  return fs
    .readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(dir, path.join(rel, e.name)) : [path.join(rel, e.name)]))
    .filter((f) => f !== 'hnorm-train.json')
    .sort();
}
