// `reward-lens doctor [--json]`: which compute backends work here, which one 'auto' picks, and why not the others.
import { terminalJson } from '../core/text';
import { parseArgs } from 'node:util';
import { probeBackends } from '../train/backends';

export async function doctorCli(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } } });
  const r = await probeBackends();
  if (values.json) {
    console.log(terminalJson(r));
    return 0;
  }
  console.log(`auto picks: ${r.chosen} (${r.why})\n`);
  for (const p of r.probes) {
    console.log(`${p.available ? '✓' : '✗'} ${p.name.padEnd(15)} ${p.reason}`);
    if (p.details) for (const [k, v] of Object.entries(p.details)) console.log(`    ${k}: ${v}`);
    if (p.fix) console.log(`    fix: ${p.fix}`);
  }
  if (r.onnxruntime) {
    const o = r.onnxruntime;
    console.log(`\nscoring engine for Hugging Face models (reward-lens score/eval --engine onnx; auto uses it when it works):`);
    console.log(`${o.available ? '✓' : '✗'} ${'onnxruntime'.padEnd(15)} ${o.reason}`);
    for (const [k, v] of Object.entries(o.details ?? {})) console.log(`    ${k}: ${v}`);
    if (o.fix) console.log(`    fix: ${o.fix}`);
  }
  return 0;
}
