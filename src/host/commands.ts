// The command table: one entry per contributed command, each a one-line dispatch to a named function.
// Typed Record<CommandId, …>: tsc fails if a contributed id has no handler or a handler has no id.
import * as vscode from 'vscode';
import { COMMAND_IDS, type CommandId } from './commandIds';
import { buildScenariosCommand } from './buildScenarios';
import { evaluateModelCommand } from './evaluateCommand';
import { exportTrainingJobCommand, importTrainingJobCommand } from './jobCommands';
import { showDoctor } from './doctor';
import { logError } from './errorLog';
import { cancelTraining, compareRuns, exportRunCommand, openDiagnostics, selectModel } from './runCommands';
import { configureFields } from './configureFields';
import { loadExternalScores } from './externalScores';
import { openFromHfCache } from './hfCacheCommand';
import { scoreFile } from './scoreFile';
import { askTrainRequest } from './trainCommand';
import { runTraining } from './trainRun';
import type { DiagnosticsPanels } from './diagnosticsPanel';
import type { ScoreService } from './scoreService';
import type { Services } from './services';

export interface CommandContext {
  readonly svc: Services;
  readonly scores: ScoreService;
  readonly panels: DiagnosticsPanels;
}

type Handler = (ctx: CommandContext, ...args: unknown[]) => unknown;

const TABLE: Record<CommandId, Handler> = {
  'rewardLens.trainModel': async ({ svc }) => {
    const req = await askTrainRequest(svc);
    if (req) await runTraining(svc, req);
  },
  'rewardLens.scoreFile': ({ svc, scores }, uri) => scoreFile(svc, scores, uri),
  'rewardLens.openDiagnostics': ({ svc, panels }, runId) => openDiagnostics(svc, panels, runId),
  'rewardLens.compareRuns': ({ svc, panels }) => compareRuns(svc, panels),
  'rewardLens.selectModel': ({ svc }) => selectModel(svc),
  'rewardLens.cancelTraining': ({ svc }) => cancelTraining(svc),
  'rewardLens.showDoctor': ({ svc }) => showDoctor(svc),
  'rewardLens.exportRun': ({ svc }, runId) => exportRunCommand(svc, typeof runId === 'string' ? runId : undefined),
  'rewardLens.buildScenarios': ({ svc, panels }, answers) => buildScenariosCommand(svc, panels, answers),
  'rewardLens.evaluateModel': ({ svc, panels }, files) => evaluateModelCommand(svc, panels, files),
  'rewardLens.exportTrainingJob': ({ svc }, source) => exportTrainingJobCommand(svc, source),
  'rewardLens.importTrainingJob': ({ svc, panels }, dir) => importTrainingJobCommand(svc, panels, dir),
  'rewardLens.configureFields': ({ svc }, uri) => configureFields(svc, uri),
  'rewardLens.openFromHfCache': ({ svc }, pick) => openFromHfCache(svc, pick),
  'rewardLens.loadExternalScores': ({ svc }, file) => loadExternalScores(svc, file),
};

/** Registers every command; a handler that throws shows the error instead of failing silently. */
export function registerCommands(ctx: CommandContext): vscode.Disposable {
  return vscode.Disposable.from(
    ...COMMAND_IDS.map((id) =>
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await TABLE[id](ctx, ...args);
        } catch (e) {
          void vscode.window.showErrorMessage(`Reward Lens: ${logError(ctx.svc.log, `${id} failed`, e)}`);
          return undefined;
        }
      }),
    ),
  );
}
