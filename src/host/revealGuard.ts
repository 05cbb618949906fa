// The webview is not trusted: its RevealRow requests are checked against what the host itself sent it. Only a file
// that appears in the last PanelState (an eval set's file or a training file of a run shown) may be opened, at a
// line that is a positive integer. Pure (no vscode import), so it is unit-tested.
import type { PanelState, RunSnapshot } from '../protocol/panel';

/** Every file the panel was told about: the eval sets' files and the training files of the runs it shows. */
export function revealTargets(state: PanelState | undefined): Set<string> {
  const files = new Set<string>();
  const add = (run: RunSnapshot | undefined) => {
    if (!run) return;
    for (const f of run.trainFiles) files.add(f);
    for (const e of run.evals) for (const s of e.sets) if (typeof s.file === 'string') files.add(s.file);
  };
  add(state?.primary);
  add(state?.secondary);
  return files;
}

/** The request if it names a file the host sent and a sane line; otherwise why it is refused. */
export function checkReveal(
  msg: unknown,
  allowed: ReadonlySet<string>,
): { readonly file: string; readonly line: number } | { readonly refused: string } {
  const m = msg as { file?: unknown; line?: unknown } | null;
  if (!m || typeof m.file !== 'string' || typeof m.line !== 'number')
    return { refused: 'malformed request (file must be a string, line a number)' };
  if (!Number.isInteger(m.line) || m.line < 1 || m.line > 1e9) return { refused: `line ${String(m.line)} is not a line number` };
  if (!allowed.has(m.file)) return { refused: `${JSON.stringify(m.file.slice(0, 200))} is not a file of the runs the panel shows` };
  return { file: m.file, line: m.line };
}
