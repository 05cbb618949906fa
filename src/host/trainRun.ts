// Runs one TrainRun in the worker behind a cancellable progress notification (step, loss, accuracy),
// then offers the next steps. The run directory survives reloads; request.json makes it resumable.
import * as vscode from 'vscode';
import { writeRunRequest, runLabel, type RunRequest } from '../node/runs';
import type { RunSummary } from '../protocol/trainer';
import { CONTEXT_KEYS } from './commandIds';
import { logError } from './errorLog';
import type { Services } from './services';

export async function runTraining(svc: Services, req: RunRequest): Promise<RunSummary | undefined> {
  const label = runLabel(req.runId, req.config, req.trainFiles, req.backbone);
  writeRunRequest(req);
  svc.log.info(
    `${req.resume ? 'resuming' : 'starting'} run ${req.runId}: ${JSON.stringify({ config: req.config, trainFiles: req.trainFiles, evalFiles: req.evalFiles })}`,
  );
  await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.isTraining, true);
  let summary: RunSummary | undefined;
  try {
    summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Reward Lens: training ${label}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => svc.training.cancel(req.runId));
        let reported = 0;
        const sub = svc.training.onProgress((run) => {
          if (run.runId !== req.runId) return;
          const m = run.metrics[run.metrics.length - 1];
          const pct = run.totalSteps > 0 ? (100 * run.step) / run.totalSteps : 0;
          progress.report({
            message: m
              ? `step ${run.step}/${run.totalSteps} · loss ${m.loss.toFixed(4)} · acc ${(100 * m.accuracy).toFixed(1)}% · ${run.backend}`
              : `step ${run.step}/${run.totalSteps}`,
            increment: Math.max(0, pct - reported),
          });
          reported = Math.max(reported, pct);
        });
        progress.report({ message: 'starting the worker…' });
        try {
          return await svc.training.train(req);
        } finally {
          sub.dispose();
        }
      },
    );
  } catch (e) {
    void vscode.window
      .showErrorMessage(`Reward Lens: training failed: ${logError(svc.log, `run ${req.runId} failed`, e)}`, 'Show Log')
      .then((a) => a && svc.log.show());
    return undefined;
  } finally {
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.isTraining, svc.training.running.length > 0);
  }
  void afterRun(svc, req, label, summary);
  return summary;
}

async function afterRun(svc: Services, req: RunRequest, label: string, s: RunSummary): Promise<void> {
  if (s.status === 'failed') {
    const a = await vscode.window.showErrorMessage(
      `Reward Lens: run ${label} failed: ${s.error ?? 'unknown error'}`,
      'Open Diagnostics',
      'Show Log',
    );
    if (a === 'Open Diagnostics') await vscode.commands.executeCommand('rewardLens.openDiagnostics', req.runId);
    if (a === 'Show Log') svc.log.show();
    return;
  }
  if (s.modelDir && s.status === 'completed') await svc.setActiveModel({ runId: req.runId, modelDir: s.modelDir, label });
  const acc = s.finalEval?.sets[0]?.accuracy;
  const accText = acc ? ` · eval accuracy ${(100 * acc.value).toFixed(1)}% (n=${acc.n})` : '';
  const head =
    s.status === 'completed'
      ? `Reward Lens: training finished (${s.steps} steps, ${(s.elapsedMs / 1000).toFixed(1)} s on ${s.backend})${accText}. It is now the active model.`
      : `Reward Lens: training cancelled at step ${s.steps}/${s.totalSteps}; run Train Reward Model… to resume it.`;
  const a = await vscode.window.showInformationMessage(head, 'Open Diagnostics', 'Score File');
  if (a === 'Open Diagnostics') await vscode.commands.executeCommand('rewardLens.openDiagnostics', req.runId);
  if (a === 'Score File') {
    const active = vscode.window.activeTextEditor?.document.uri;
    const target = active && active.scheme === 'file' ? active : vscode.Uri.file(req.trainFiles[0]!);
    await vscode.commands.executeCommand('rewardLens.scoreFile', target);
  }
}
