// Everything the features share, built once in activate(). Features get this object, register what they
// need, and return a Disposable; nothing here holds UI.
import * as vscode from 'vscode';
import path from 'node:path';
import { readSettings, runsDirectoryProblem, type Settings } from './settings';
import { mappingForFile } from '../core/data/fieldMapping';
import type { ExternalScores } from '../core/scoring/external';
import type { FieldMapping } from '../core/types';
import { resolveInside } from '../node/safePath';
import { errorMessage } from './log';
import type { Log } from './log';
import type { TrainingService } from './trainingService';
import type { WorkspaceRuns } from './workspaceRuns';

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
  private readonly externalEmitter = new vscode.EventEmitter<ExternalScores | undefined>();
  /** Fires when an external scorer is loaded or cleared (hovers and the panel show it). */
  readonly onExternalChanged = this.externalEmitter.event;
  /** Scores of the same pairs made elsewhere (Load External Scores…), shown next to the active model. */
  external: ExternalScores | undefined;
  /** The active model's margins per scored document (uri → pair id → margin), for the comparison with `external`. */
  readonly modelMargins = new Map<string, Map<string, number>>();

  /** `runs`: every run and experiment, live and on disk (the one RunStore and its directory reader). */
  constructor(
    readonly context: vscode.ExtensionContext,
    readonly log: Log,
    readonly training: TrainingService,
    readonly runs: WorkspaceRuns,
  ) {
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

  /** The field mapping for a document: a rewardLens.data.fieldMappings glob that matches it, else fieldMapping. */
  mappingFor(uri: vscode.Uri): FieldMapping | undefined {
    const d = this.settings.data;
    const m = mappingForFile(vscode.workspace.asRelativePath(uri, false), d.fieldMappings, d.fieldMapping);
    return m && Object.keys(m).length ? m : undefined;
  }

  setExternal(ext: ExternalScores | undefined): void {
    this.external = ext;
    this.log.info(ext ? `external scorer: ${ext.name} (${ext.file}, ${ext.byId.size} pairs, ${ext.layout})` : 'external scorer cleared');
    this.externalEmitter.fire(ext);
  }

  /** Absolute runs root, or undefined without a workspace folder (runs need somewhere to live) or when it leads out of it. */
  get runsRoot(): string | undefined {
    return this.insideWorkspace(this.settings.training.runsDirectory, 'rewardLens.training.runsDirectory');
  }

  /** Absolute <workspace>/.reward-lens/experiments (Build Over-optimization Scenarios… writes one folder per experiment). */
  get experimentsRoot(): string | undefined {
    return this.insideWorkspace(path.join('.reward-lens', 'experiments'), 'the experiments folder');
  }

  private readonly warned = new Set<string>();

  /**
   * `rel` under the first workspace folder, symbolic links resolved: a cloned repository can ship `.reward-lens` as a
   * link to anywhere, and the extension must not write there. Refused (with one warning) when it leads outside.
   */
  private insideWorkspace(rel: string, what: string): string | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder?.uri.scheme !== 'file') return undefined;
    const raw = vscode.workspace.getConfiguration('rewardLens').get<unknown>('training.runsDirectory');
    const problem = what.endsWith('runsDirectory') && raw !== undefined ? runsDirectoryProblem(raw) : undefined;
    if (problem) this.warnOnce(`${what}: ${problem}; using ${rel} instead`);
    try {
      return resolveInside(folder.uri.fsPath, rel, what);
    } catch (e) {
      this.warnOnce(errorMessage(e));
      return undefined;
    }
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.log.warn(message);
    void vscode.window.showWarningMessage(`Reward Lens: ${message}`);
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
    this.externalEmitter.dispose();
  }
}
