// The compute doctor's report as Markdown: which backend 'auto' picks and why, every probe, copy-paste fixes.
// Pure (no vscode import). Probe text comes from the worker, not from datasets, but is escaped anyway.
import type { DoctorReport } from '../protocol/trainer';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;');

export function doctorMarkdown(r: DoctorReport, when = new Date()): string {
  const lines = [
    '# Reward Lens — Compute Doctor',
    '',
    `Backend in use: **${r.chosen}** — ${cell(r.why)}`,
    '',
    '| backend | available | why |',
    '|---|:---:|---|',
    ...r.probes.map((p) => `| ${p.name} | ${p.available ? '✅' : '❌'} | ${cell(p.reason)} |`),
    '',
  ];
  for (const p of r.probes) {
    const details = Object.entries(p.details ?? {});
    if (!details.length && !p.fix) continue;
    lines.push(`## ${p.name}`, '');
    for (const [k, v] of details) lines.push(`- ${cell(k)}: \`${String(v).replace(/`/g, "'")}\``);
    if (p.fix) lines.push('', 'Fix (copy and paste):', '', '```sh', p.fix, '```');
    lines.push('');
  }
  lines.push(`_Probed ${when.toISOString()}. Pick a backend per run in Train Reward Model…, or set \`rewardLens.training.backend\`._`);
  return lines.join('\n');
}
