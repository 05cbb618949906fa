// `reward-lens eval --model DIR FILE… [--json]`: the paper's diagnostics for a saved model on any files.
import { terminalJson } from '../core/text';
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { evaluateFiles } from '../train/evaluateFiles';
import { initBackend } from '../train/backends';
import { fail } from './errors';
import { formatEval } from './formatReport';
import { mappingFrom, mappingOptions } from './mapping';

/** Accepts a run directory as well as its model/ folder. */
export function resolveModelDir(dir: string): string {
  if (fs.existsSync(path.join(dir, 'model.safetensors'))) return dir;
  if (fs.existsSync(path.join(dir, 'model', 'model.safetensors'))) return path.join(dir, 'model');
  return fail(`no model in ${dir}: expected ${path.join(dir, 'model.safetensors')} or a run directory with model/`);
}

export async function evalCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { model: { type: 'string' }, json: { type: 'boolean' }, backend: { type: 'string' }, ...mappingOptions } });
  if (!values.model) fail('eval needs --model DIR (a run directory or its model/ folder)');
  if (positionals.length === 0) fail('eval needs at least one file to evaluate on');
  for (const f of positionals) if (!fs.existsSync(f)) fail(`cannot read ${f}: no such file`);
  const modelDir = resolveModelDir(values.model);
  const backend = await initBackend((values.backend ?? 'auto') as never);
  if (!values.json) process.stderr.write(`backend: ${backend.name} (${backend.why})\n`);
  const report = await evaluateFiles(modelDir, positionals, mappingFrom(values), (m) => process.stderr.write(m + '\n'));
  console.log(values.json ? terminalJson(report) : formatEval(report));
  return 0;
}
