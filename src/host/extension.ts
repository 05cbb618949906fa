// Extension entry: builds the shared services and registers each feature (each returns a Disposable).
// Stays light: no tfjs and nothing from src/train is imported here; the worker (dist/worker.js) starts on
// first use. If activation fails, the error is shown and rethrown.
import * as vscode from 'vscode';
import { registerCodeLens } from './codeLens';
import { registerCommands } from './commands';
import { CONTEXT_KEYS } from './commandIds';
import { registerDecorations } from './decorations';
import { DiagnosticsPanels } from './diagnosticsPanel';
import { registerHover } from './hover';
import { createLog, errorMessage } from './log';
import { registerParquetEditor } from './parquetEditor';
import { registerPerfProbe } from './perfProbe';
import { registerFieldHints } from './configureFields';
import { registerGzViews } from './hfCacheCommand';
import { registerProblems } from './problems';
import { ScoreService } from './scoreService';
import { Services } from './services';
import { registerStatusBar, type StatusBar } from './statusBar';
import { registerModelLoadProgress } from './modelLoad';
import { TrainingService } from './trainingService';
import { WorkspaceRuns } from './workspaceRuns';
import { DEFAULTS, type TrainConfig } from '../core/config';

/** What activate() returns; the extension-host tests read it. */
export interface RewardLensApi {
  readonly activationMs: number;
  readonly scores: ScoreService;
  readonly services: Services;
  readonly panels: DiagnosticsPanels;
  readonly statusBar: StatusBar;
  /** The config a run starts from (src/core/config.ts DEFAULTS): the tests override what they are about. */
  readonly trainDefaults: TrainConfig;
}

export async function activate(context: vscode.ExtensionContext): Promise<RewardLensApi> {
  const t0 = performance.now();
  const log = createLog();
  context.subscriptions.push(log);
  try {
    // The run directories' locations come from the settings Services reads, and Services needs the training service.
    const roots = () => ({ runsRoot: svc.runsRoot, experimentsRoot: svc.experimentsRoot });
    const runs = new WorkspaceRuns(roots, log);
    const training = new TrainingService(vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath, log, runs);
    const svc: Services = new Services(context, log, training, runs);
    const scores = new ScoreService(svc);
    const panels = new DiagnosticsPanels(svc);
    const statusBar = registerStatusBar(svc);
    context.subscriptions.push(
      training,
      runs,
      svc,
      scores,
      panels,
      registerCommands({ svc, scores, panels }),
      statusBar,
      registerModelLoadProgress(svc),
      registerCodeLens(svc, scores),
      registerDecorations(svc, scores),
      registerHover(scores),
      registerProblems(svc, scores),
      registerParquetEditor(svc),
      registerFieldHints(svc, scores),
      registerGzViews(),
      registerPerfProbe(),
    );
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasActiveModel, !!svc.activeModel);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.isTraining, false);
    const activationMs = performance.now() - t0;
    log.info(`Reward Lens activated in ${activationMs.toFixed(1)} ms (vscode ${vscode.version}, node ${process.version})`);
    return { activationMs, scores, services: svc, panels, statusBar, trainDefaults: DEFAULTS };
  } catch (e) {
    log.error(`activation failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    void vscode.window.showErrorMessage(`Reward Lens failed to activate: ${errorMessage(e)}`);
    throw e;
  }
}

export function deactivate(): void {
  // Everything is in context.subscriptions; the training service terminates the worker there.
}
