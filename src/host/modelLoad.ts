// Shows a cancellable progress notification while the worker loads a model's weights. Loads start from any
// request that needs the model (scoring, evaluation), so the notification follows the worker's ModelLoadProgress
// messages rather than any one caller.
import * as vscode from 'vscode';
import path from 'node:path';
import type { Services } from './services';

const MiB = 2 ** 20;

export function registerModelLoadProgress(svc: Services): vscode.Disposable {
  const shown = new Map<string, { report: (done: number, total: number) => void; finish: () => void }>();
  return svc.training.onModelLoad((p) => {
    let ui = shown.get(p.modelDir);
    if (!ui && !p.done) ui = open(svc, p.modelDir, p.totalBytes, () => shown.delete(p.modelDir));
    if (!ui) return;
    shown.set(p.modelDir, ui);
    ui.report(p.doneBytes, p.totalBytes);
    if (p.done) {
      ui.finish();
      shown.delete(p.modelDir);
    }
  });
}

function open(svc: Services, modelDir: string, totalBytes: number, onClose: () => void) {
  let report: (done: number, total: number) => void = () => {};
  let finish: () => void = () => {};
  const closed = new Promise<void>((resolve) => (finish = resolve));
  let last = 0;
  void vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Reward Lens: loading ${path.basename(modelDir)} (${(totalBytes / MiB).toFixed(0)} MiB)`,
      cancellable: true,
    },
    (progress, token) => {
      token.onCancellationRequested(() => {
        svc.log.info(`model load cancelled: ${modelDir}`);
        svc.training.cancelModelLoad(modelDir);
        finish();
      });
      report = (done, total) => {
        const pct = total > 0 ? (100 * done) / total : 100;
        progress.report({ increment: pct - last, message: `${(done / MiB).toFixed(0)} / ${(total / MiB).toFixed(0)} MiB` });
        last = pct;
      };
      return closed.finally(onClose);
    },
  );
  return { report: (d: number, t: number) => report(d, t), finish: () => finish() };
}
