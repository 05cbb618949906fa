// Two status bar items: the backend inline scoring runs on (and why, from the worker; click for the doctor) and the
// active model (click to change it). While training, the model item shows progress and the run's own backend.
import * as vscode from 'vscode';
import type { DoctorReport } from '../protocol/trainer';
import { backendStatus } from './backendStatus';
import type { Services } from './services';

/** The status bar items, disposed together; the backend item is read by the extension-host tests. */
export interface StatusBar extends vscode.Disposable {
  readonly backend: vscode.StatusBarItem;
}

export function registerStatusBar(svc: Services): StatusBar {
  const backend = vscode.window.createStatusBarItem('rewardLens.backend', vscode.StatusBarAlignment.Right, 100);
  backend.name = 'Reward Lens: Compute Backend';
  backend.command = 'rewardLens.showDoctor';
  const model = vscode.window.createStatusBarItem('rewardLens.model', vscode.StatusBarAlignment.Right, 99);
  model.name = 'Reward Lens: Active Model';
  let report: DoctorReport | undefined;

  const renderBackend = () => {
    const s = backendStatus(svc.settings.scoring.backend, svc.training.scoringBackend, report);
    backend.text = s.text;
    backend.tooltip = new vscode.MarkdownString(s.tooltip);
    backend.accessibilityInformation = { label: s.label };
    backend.show();
  };
  const renderModel = () => renderModelItem(svc, model);
  renderBackend();
  renderModel();
  let last = 0;
  const all = vscode.Disposable.from(
    backend,
    model,
    svc.training.onDoctor((r) => {
      report = r;
      renderBackend();
    }),
    svc.training.onScoringBackend(renderBackend),
    svc.training.onProgress(() => {
      // Status text changes at most every 250 ms; progress can be faster.
      if (Date.now() - last > 250) {
        last = Date.now();
        renderModel();
      }
    }),
    svc.training.onRunsChanged(() => {
      renderModel();
      // After the first run (not during it: probing competes with the loop), ask the doctor once, so the backend item says what is really in use.
      if (!report && svc.training.running.length === 0) void svc.training.doctor().catch(() => undefined);
    }),
    svc.onActiveModelChanged(renderModel),
    svc.onSettingsChanged(renderBackend),
  );
  return { backend, dispose: () => all.dispose() };
}

/** The model item: the live run's progress while training (click to cancel), else the active model (click to change). */
function renderModelItem(svc: Services, model: vscode.StatusBarItem): void {
  const live = svc.training.running[0];
  if (live) {
    const m = live.metrics[live.metrics.length - 1];
    model.text =
      live.totalSteps > 0
        ? `$(sync~spin) step ${live.step}/${live.totalSteps}${m ? ` · loss ${m.loss.toFixed(3)}` : ''}`
        : '$(sync~spin) starting training…';
    model.tooltip = `Reward Lens: training ${live.runId} on ${live.backend}. Click to cancel.`;
    model.command = 'rewardLens.cancelTraining';
  } else {
    const active = svc.activeModel;
    model.text = active ? `$(beaker) ${active.label.split(' · ').slice(0, 2).join(' · ')}` : '$(beaker) no reward model';
    model.tooltip = active
      ? `Reward Lens active model: ${active.label}\n${active.modelDir}\nClick to change.`
      : 'Reward Lens: no active model. Click to select one, or run Train Reward Model….';
    model.command = 'rewardLens.selectModel';
  }
  model.show();
}
