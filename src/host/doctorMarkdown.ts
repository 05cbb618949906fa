// The compute doctor's report as Markdown: which backend 'auto' picks and why, every probe, copy-paste fixes.
// Pure (no vscode import). Probe text comes from the worker (library and driver messages, paths, environment
// variables), not from datasets, but it is untrusted all the same: everything goes through src/core/markdown.ts.
import { codeFence, escapeMarkdown, inlineCode } from '../core/markdown';
import type { DoctorReport } from '../protocol/trainer';

const cell = escapeMarkdown;

export function doctorMarkdown(r: DoctorReport, when = new Date()): string {
  const lines = [
    '# Reward Lens — Compute Doctor',
    '',
    `Backend in use: **${cell(r.chosen)}** — ${cell(r.why)}`,
    '',
    '| backend | available | why |',
    '|---|:---:|---|',
    ...r.probes.map((p) => `| ${cell(p.name)} | ${p.available ? '✅' : '❌'} | ${cell(p.reason)} |`),
    '',
  ];
  for (const p of r.probes) {
    const details = Object.entries(p.details ?? {});
    if (!details.length && !p.fix) continue;
    lines.push(`## ${cell(p.name)}`, '');
    for (const [k, v] of details) lines.push(`- ${cell(k)}: ${inlineCode(String(v))}`);
    if (p.fix) lines.push('', 'Fix (copy and paste):', '', codeFence(p.fix, 'sh'));
    lines.push('');
  }
  if (r.onnxruntime) {
    const o = r.onnxruntime;
    lines.push('## onnxruntime (scoring engine for Hugging Face models)', '', `${o.available ? '✅' : '❌'} ${cell(o.reason)}`, '');
    for (const [k, v] of Object.entries(o.details ?? {})) lines.push(`- ${cell(k)}: ${inlineCode(String(v))}`);
    if (o.fix) lines.push('', 'Fix (copy and paste):', '', codeFence(o.fix, 'sh'));
    lines.push(
      '',
      'Inline scoring and evaluations of Hugging Face models use it when `rewardLens.scoring.engine` is `auto` or `onnx`; training always runs on the backend above.',
      '',
    );
  }
  lines.push(`_Probed ${when.toISOString()}. Pick a backend per run in Train Reward Model…, or set \`rewardLens.training.backend\`._`);
  return lines.join('\n');
}
