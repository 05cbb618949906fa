// "Build Over-optimization Scenarios…": a short quick input over a preference file with prompt-source and
// response-model identities (held-out prompt groups and models, objectives, seeds, preset, epochs: see
// scenarioQuestions.ts), then the experiment itself in the worker (the CLI's runner) behind a cancellable progress
// notification. Output goes to
// <workspace>/.reward-lens/experiments/<id>/; at the end report.md opens in the Markdown preview and the runs
// show up in the Diagnostics panel, BSR next to BT.
import * as vscode from 'vscode';
import path from 'node:path';
import { freshName } from '../node/freshName';
import type { ExperimentRunResult, ExperimentRunSpec } from '../protocol/trainer';
import { CONTEXT_KEYS } from './commandIds';
import { errorMessage } from './log';
import { experimentSpecFrom, newExperimentId, type ScenarioAnswers } from './scenarioSpec';
import { askScenarioAnswers } from './scenarioQuestions';
import type { DiagnosticsPanels } from './diagnosticsPanel';
import type { Services } from './services';

/** What the command resolves with (the extension-host test reads it). */
export type ScenarioOutcome =
  | { readonly experimentId: string; readonly outDir: string; readonly result: ExperimentRunResult }
  | { readonly error: string };

/**
 * The command. With `given` (an object with at least `file`), the quick input is skipped and its fields are the
 * answers (scripts and tests); otherwise the user is asked.
 */
export async function buildScenariosCommand(
  svc: Services,
  panels: DiagnosticsPanels,
  given?: unknown,
): Promise<ScenarioOutcome | undefined> {
  const root = svc.experimentsRoot;
  if (!root) {
    void vscode.window.showErrorMessage(
      'Reward Lens: open a folder first; experiments are stored in <workspace>/.reward-lens/experiments.',
    );
    return undefined;
  }
  const answers = isAnswers(given) ? { ...defaultAnswers(svc, given.file), ...given } : await askScenarioAnswers(svc);
  if (!answers) return undefined;
  const experimentId = freshName(root, newExperimentId());
  return runScenarioExperiment(svc, panels, experimentId, experimentSpecFrom(answers, path.join(root, experimentId)));
}

function isAnswers(v: unknown): v is Partial<ScenarioAnswers> & { file: string } {
  return !!v && typeof v === 'object' && typeof (v as { file?: unknown }).file === 'string';
}

function defaultAnswers(svc: Services, file: string): ScenarioAnswers {
  return {
    file,
    promptGroupKey: 'dataset',
    heldOutPromptGroups: [],
    heldOutModels: [],
    objectives: ['bt', 'bsr'],
    seeds: [1, 2, 3],
    preset: svc.settings.training.preset,
    epochs: 1,
    backend: svc.settings.training.backend,
  };
}

/** Runs (or resumes) an experiment in the worker, then opens the report and the runs. */
export async function runScenarioExperiment(
  svc: Services,
  panels: DiagnosticsPanels,
  experimentId: string,
  spec: ExperimentRunSpec,
): Promise<ScenarioOutcome> {
  const order = spec.seeds.flatMap((s) => spec.objectives.map((o) => `${o}-s${s}`)); // the runner's seed-major order
  svc.log.info(`experiment ${experimentId}: ${spec.command}`);
  await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.isTraining, true);
  let result: ExperimentRunResult;
  try {
    result = await runWithProgress(svc, experimentId, spec, order);
  } catch (e) {
    const error = errorMessage(e);
    svc.log.error(`experiment ${experimentId} failed: ${error}`);
    void vscode.window.showErrorMessage(`Reward Lens: ${error}`, 'Show Log').then((a) => a && svc.log.show());
    return { error };
  } finally {
    await vscode.commands.executeCommand(
      'setContext',
      CONTEXT_KEYS.isTraining,
      svc.training.running.length + svc.training.runningExperiments.length > 0,
    );
  }
  await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(result.reportMarkdown));
  showRuns(panels, experimentId, order, result);
  void afterExperiment(svc, panels, experimentId, spec, result);
  return { experimentId, outDir: spec.outDir, result };
}

/** The experiment in the worker behind a cancellable notification whose bar advances run by run, step by step. */
function runWithProgress(
  svc: Services,
  experimentId: string,
  spec: ExperimentRunSpec,
  order: readonly string[],
): Thenable<ExperimentRunResult> {
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Reward Lens: scenarios ${spec.objectives.join(' vs ')} × ${spec.seeds.length} seed(s)`,
      cancellable: true,
    },
    async (progress, token) => {
      token.onCancellationRequested(() => svc.training.cancelExperiment(experimentId));
      let reported = 0;
      const sub = svc.training.onExperimentProgress((x) => {
        if (x.experimentId !== experimentId) return;
        const k = x.runId ? order.indexOf(x.runId) : -1;
        const frac = k >= 0 ? (k + (x.totalSteps ? x.step / x.totalSteps : 0)) / order.length : 0;
        const pct = 100 * frac;
        const train =
          x.runId && x.totalSteps
            ? `run ${k + 1}/${order.length} ${x.runId} · step ${x.step}/${x.totalSteps} · loss ${x.loss?.toFixed(4)} · acc ${(100 * (x.accuracy ?? 0)).toFixed(1)}% · ${x.backend}`
            : (x.lastLog?.split('\n')[0] ?? '');
        progress.report({ message: train, increment: Math.max(0, pct - reported) });
        reported = Math.max(reported, pct);
      });
      progress.report({ message: 'building the splits…' });
      try {
        return await svc.training.experiment(experimentId, spec);
      } finally {
        sub.dispose();
      }
    },
  );
}

/** Opens the finished (or earlier finished) runs in the Diagnostics panel. */
function showRuns(panels: DiagnosticsPanels, experimentId: string, order: readonly string[], result: ExperimentRunResult): void {
  // BSR on the left, BT beside it, first seed: the comparison the paper makes.
  const ran = new Set([...result.completed, ...result.skipped]);
  const shown = ['bsr-s', 'bt-s'].map((p) => order.find((r) => r.startsWith(p) && ran.has(r))).filter((r): r is string => !!r);
  const [a, b] = shown.length ? shown : [...ran];
  if (a) panels.show(`${experimentId}/${a}`, b ? `${experimentId}/${b}` : undefined);
}

async function afterExperiment(
  svc: Services,
  panels: DiagnosticsPanels,
  experimentId: string,
  spec: ExperimentRunSpec,
  r: ExperimentRunResult,
): Promise<void> {
  const refused = r.refused.length ? ` Not built: ${[...new Set(r.refused.map((x) => x.scenario))].join(', ')} (see the report).` : '';
  const failed = r.failed.length ? ` Failed: ${r.failed.map((f) => `${f.runId} (${f.error})`).join('; ')}.` : '';
  if (r.status === 'cancelled') {
    const a = await vscode.window.showInformationMessage(
      `Reward Lens: experiment stopped after ${r.completed.length} run(s); the run in progress kept its checkpoint.${refused}`,
      'Resume',
    );
    if (a === 'Resume') await runScenarioExperiment(svc, panels, experimentId, spec);
    return;
  }
  const head = `Reward Lens: scenarios ${r.status}: ${r.completed.length} run(s) trained${r.skipped.length ? `, ${r.skipped.length} reused` : ''}.${failed}${refused}`;
  const show = r.status === 'failed' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const a = await show(head, 'Open Report', 'Reveal Folder');
  if (a === 'Open Report') await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(r.reportMarkdown));
  if (a === 'Reveal Folder') await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(spec.outDir));
}
