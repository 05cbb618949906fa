// `reward-lens eval --model DIR FILE… [--json] [--out DIR]`: the paper's diagnostics for any reward model on any files: a run we
// trained, or a Hugging Face folder (the same report either way).
import { terminalJson } from '../core/text';
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import { evaluateFiles, evaluateToRun } from '../train/evaluateFiles';
import { fail } from './errors';
import { formatEval } from './formatReport';
import { mappingFrom, mappingOptions } from './mapping';
import { modelOptions, openModelFromFlags } from './modelOptions';

export async function evalCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, out: { type: 'string' }, ...modelOptions, ...mappingOptions },
  });
  if (!values.model) fail('eval needs --model DIR (a Hugging Face folder, a run directory or its model/ folder)');
  if (positionals.length === 0) fail('eval needs at least one file to evaluate on');
  for (const f of positionals) if (!fs.existsSync(f)) fail(`cannot read ${f}: no such file`);
  const { scorer } = await openModelFromFlags(values, 'eval', Boolean(values.json));
  try {
    if (!scorer.info.headTrained)
      process.stderr.write(
        'note: this model has no trained reward head (a fresh random head): rewards and accuracy mean nothing; ‖h‖ diagnostics do\n',
      );
    const log = (m: string) => process.stderr.write(m + '\n');
    const report = values.out
      ? (await evaluateToRun(scorer, values.model, positionals, values.out, mappingFrom(values), log)).report
      : await evaluateFiles(scorer, positionals, mappingFrom(values), log);
    if (values.out)
      log(`wrote the evaluation to ${values.out} (open it in the diagnostics panel, or reward-lens compare ${values.out} OTHER_RUN)`);
    console.log(values.json ? terminalJson(report) : formatEval(report));
  } finally {
    scorer.dispose();
  }
  return 0;
}
