// Everything the features share, built once in activate(). Features get this object, register what they
// need, and return a Disposable; nothing here holds UI.
import * as vscode from 'vscode';
import path from 'node:path';
import { readSettings, type Settings } from './settings';
import type { Log } from './log';
import type { TrainingService } from './trainingService';

export interface ActiveModel {
  readonly runId: string;
  readonly modelDir: string;
  readonly label: string;
  /** 'hf' for a Hugging Face folder; absent for our own runs. */
  readonly kind?: 'hf';
}

export class Services implements vscode.Disposable {
  private readonly modelEmitter = new vscode.EventEmitter<ActiveModel | undefined>();
  private readonly settingsEmitter = new vscode.EventEmitter<Settings>();
  /** Fires when the active model changes (scoring restarts, status bar updates). */
  readonly onActiveModelChanged = this.modelEmitter.event;
  /** Fires when any rewardLens.* setting changes. */
  readonly onSettingsChanged = this.settingsEmitter.event;
  private cached: Settings;
  private readonly subscription: vscode.Disposable;

  constructor(readonly context: vscode.ExtensionContext, readonly log: Log, readonly training: TrainingService) {
    this.cached = readSettings(vscode.workspace.getConfiguration('rewardLens'));
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('rewardLens')) return;
      this.cached = readSettings(vscode.workspace.getConfiguration('rewardLens'));
      this.settingsEmitter.fire(this.cached);
    });
  }

  get settings(): Settings {
    return this.cached;
  }

  /** Absolute runs root, or undefined without a workspace folder (runs need somewhere to live). */
  get runsRoot(): string | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') return undefined;
    const dir = this.settings.training.runsDirectory;
    return path.isAbsolute(dir) ? dir : path.join(folder.uri.fsPath, dir);
  }

  /** Absolute <workspace>/.reward-lens/experiments (Build Over-optimization Scenarios… writes one folder per experiment). */
  get experimentsRoot(): string | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') return undefined;
    return path.join(folder.uri.fsPath, '.reward-lens', 'experiments');
  }

  get activeModel(): ActiveModel | undefined {
    return this.context.workspaceState.get<ActiveModel>('rewardLens.activeModel');
  }

  async setActiveModel(model: ActiveModel | undefined): Promise<void> {
    await this.context.workspaceState.update('rewardLens.activeModel', model);
    await vscode.commands.executeCommand('setContext', 'rewardLens:hasActiveModel', !!model);
    this.log.info(model ? `active model: ${model.label} (${model.modelDir})` : 'active model cleared');
    this.modelEmitter.fire(model);
  }

  /** Where inline scores are kept between sessions (per workspace), so reopened files show lenses at once. */
  get scoreCacheDir(): string | undefined {
    const base = this.context.storageUri ?? this.context.globalStorageUri;
    return base.scheme === 'file' ? path.join(base.fsPath, 'scores') : undefined;
  }

  /** Path of a file inside the extension (dist/worker.js, media/…). */
  asset(...segments: string[]): vscode.Uri {
    return vscode.Uri.joinPath(this.context.extensionUri, ...segments);
  }

  dispose(): void {
    this.subscription.dispose();
    this.modelEmitter.dispose();
    this.settingsEmitter.dispose();
  }
}
