// CodeLens over each scored row (rewardLens.scoring.display = codeLens | both). Without an active model,
// one lens at the top of a preference file offers to train or pick a model.
import * as vscode from 'vscode';
import { PREFERENCE_SELECTOR, type ScoreService } from './scoreService';
import type { Services } from './services';

class ScoreCodeLensProvider implements vscode.CodeLensProvider {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;

  constructor(private readonly svc: Services, private readonly scores: ScoreService) {}

  refresh(): void {
    this.emitter.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): vscode.CodeLens[] {
    const display = this.svc.settings.scoring.display;
    if (display === 'off' || !this.scores.isPreferenceDocument(doc)) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const model = this.svc.activeModel;
    if (!model) {
      return [
        new vscode.CodeLens(top, { title: '$(beaker) Reward Lens: Train Reward Model…', command: 'rewardLens.trainModel' }),
        new vscode.CodeLens(top, { title: 'Select Active Model…', command: 'rewardLens.selectModel' }),
      ];
    }
    const store = this.scores.storeFor(doc);
    if (!store) this.scores.kick(doc);
    const error = this.scores.lastError(doc);
    const head = new vscode.CodeLens(top, {
      title: error ? `$(error) Reward Lens: scoring failed: ${error}` : `$(beaker) ${model.label}`,
      command: error ? 'rewardLens.scoreFile' : 'rewardLens.selectModel',
      tooltip: 'The model scoring this file; click to change it',
    });
    if (display === 'decoration' || !store) return [head];
    const lenses = [head];
    for (const a of store.all()) {
      if (token.isCancellationRequested) break;
      const line = a.line - 1;
      if (line < 0 || line >= doc.lineCount) continue;
      lenses.push(new vscode.CodeLens(new vscode.Range(line, 0, line, 0), { title: a.title, command: '', tooltip: 'Hover the row for ‖h‖, percentiles and the decomposition' }));
    }
    return lenses;
  }
}

export function registerCodeLens(svc: Services, scores: ScoreService): vscode.Disposable {
  const provider = new ScoreCodeLensProvider(svc, scores);
  return vscode.Disposable.from(
    vscode.languages.registerCodeLensProvider(PREFERENCE_SELECTOR, provider),
    scores.onDidChange(() => provider.refresh()),
    svc.onActiveModelChanged(() => provider.refresh()),
    svc.onSettingsChanged(() => provider.refresh()),
  );
}
