// "Reward Lens: Configure Fields for This File…": pick the prompt/response/label fields of a file no detector knows
// and save them as a rewardLens.data.fieldMappings entry for that file. Offered as a quick fix on a JSONL/CSV file
// whose fields are not recognised (an Information hint on line 1) and on rows skipped as 'unrecognised'.
// Thin: the keys, values and globs come from src/core/data.
import * as vscode from 'vscode';
import { describeMapping, fieldPaths, labelValues } from '../core/data/fieldMapping';
import { sampleRecords } from '../core/data/sampleRecords';
import { datasetGlob, formatOfName, LINE_FORMATS } from '../core/data/extensions';
import type { FieldMapping } from '../core/types';
import type { ScoreService } from './scoreService';
import type { Services } from './services';

export const NOT_RECOGNISED = 'rewardLens.notRecognised';
const COMMAND = 'rewardLens.configureFields';

type Arg = vscode.Uri | { uri?: vscode.Uri | string; mapping?: FieldMapping } | undefined;

/** The command. `{ uri, mapping }` saves that mapping without asking (tests, other commands). */
export async function configureFields(svc: Services, arg?: unknown): Promise<void> {
  const a = arg as Arg;
  const raw = a instanceof vscode.Uri ? a : a?.uri;
  const uri = typeof raw === 'string' ? vscode.Uri.parse(raw) : (raw ?? vscode.window.activeTextEditor?.document.uri);
  if (!uri) return void vscode.window.showErrorMessage('Reward Lens: open a JSONL, JSON or CSV file to configure its fields.');
  const mapping = (a && !(a instanceof vscode.Uri) ? a.mapping : undefined) ?? (await askMapping(uri));
  if (!mapping) return;
  const glob = vscode.workspace.asRelativePath(uri, false).replace(/\\/g, '/');
  const cfg = vscode.workspace.getConfiguration('rewardLens');
  const current = cfg.get<Record<string, unknown>>('data.fieldMappings', {}) ?? {};
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await cfg.update('data.fieldMappings', { ...current, [glob]: mapping }, target);
  svc.log.info(`field mapping for ${glob}: ${describeMapping(mapping)}`);
  void vscode.window.showInformationMessage(
    `Reward Lens: ${glob} will be read with ${describeMapping(mapping)} (saved in rewardLens.data.fieldMappings).`,
  );
}

async function askMapping(uri: vscode.Uri): Promise<FieldMapping | undefined> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const records = sampleRecords(doc.fileName, doc.getText());
  if (!records.length)
    return void vscode.window.showErrorMessage('Reward Lens: no JSON objects or CSV rows found in the first lines of this file.');
  const paths = [...new Map(records.flatMap((r) => fieldPaths(r)).map((p) => [p.path, p])).values()];
  const layout = await vscode.window.showQuickPick(
    [
      { label: 'Chosen and rejected fields', detail: 'each row holds the preferred and the dispreferred response', v: 'pairs' as const },
      {
        label: 'Two responses and a winner label',
        detail: 'each row holds responses A and B and a field naming the winner',
        v: 'ab' as const,
      },
    ],
    { title: 'Reward Lens: how is a preference stored in this file?' },
  );
  if (!layout) return undefined;
  const key = async (what: string, optional: boolean) => {
    const items = [
      ...(optional ? [{ label: '(none)', description: '', path: '' }] : []),
      ...paths.map((p) => ({ label: p.path, description: p.sample, path: p.path })),
    ];
    const pick = await vscode.window.showQuickPick(items, { title: `Reward Lens: the ${what} field` });
    return pick === undefined ? undefined : pick.path;
  };
  const prompt = await key('prompt', true);
  if (prompt === undefined) return undefined;
  const base: Record<string, unknown> = prompt ? { prompt } : {};
  if (layout.v === 'pairs') {
    const chosen = await key('chosen (preferred response)', false);
    const rejected = chosen && (await key('rejected (dispreferred response)', false));
    return chosen && rejected ? ({ ...base, chosen, rejected } as FieldMapping) : undefined;
  }
  const a = await key('first response (A)', false);
  const b = a && (await key('second response (B)', false));
  const label = b && (await key('winner label', false));
  if (!a || !b || !label) return undefined;
  return { ...base, a, b, label, ...(await askValues(records, label)) } as FieldMapping;
}

/** Which label values mean "A wins", "B wins" and a tie; nothing picked keeps the usual spellings. */
async function askValues(records: readonly Record<string, unknown>[], label: string): Promise<Partial<FieldMapping>> {
  const values = labelValues(records, label);
  if (!values.length) return {};
  const pick = async (what: string, left: string[]) =>
    left.length
      ? ((await vscode.window.showQuickPick(left, {
          title: `Reward Lens: label values meaning ${what} (none: the usual spellings)`,
          canPickMany: true,
        })) ?? [])
      : [];
  const aWins = await pick('A wins', values);
  const bWins = await pick(
    'B wins',
    values.filter((v) => !aWins.includes(v)),
  );
  const ties = await pick(
    'a tie (counted, not paired)',
    values.filter((v) => !aWins.includes(v) && !bWins.includes(v)),
  );
  return { ...(aWins.length ? { aWins } : {}), ...(bWins.length ? { bWins } : {}), ...(ties.length ? { ties } : {}) };
}

/** The hint on files whose fields are not recognised, and the quick fix on it and on 'unrecognised' rows. */
export function registerFieldHints(svc: Services, scores: ScoreService): vscode.Disposable {
  const hints = vscode.languages.createDiagnosticCollection('rewardLens.fields');
  const check = (doc: vscode.TextDocument) => {
    const format = formatOfName(doc.fileName);
    const tabular = format !== undefined && LINE_FORMATS.includes(format);
    if (!tabular || doc.uri.scheme === 'output' || scores.isPreferenceDocument(doc)) return void hints.delete(doc.uri);
    const records = sampleRecords(doc.fileName, doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, 50), 0)), 5);
    if (!records.length) return void hints.delete(doc.uri);
    const keys = Object.keys(records[0]!).slice(0, 8).join(', ');
    const d = new vscode.Diagnostic(
      doc.lineAt(0).range,
      `Reward Lens: no preference fields recognised (keys: ${keys}). Use the quick fix "Configure Fields for This File…" to name the prompt, responses and label.`,
      vscode.DiagnosticSeverity.Information,
    );
    d.source = 'Reward Lens';
    d.code = NOT_RECOGNISED;
    hints.set(doc.uri, [d]);
  };
  for (const d of vscode.workspace.textDocuments) check(d);
  const fix: vscode.CodeActionProvider = {
    provideCodeActions(doc, _range, ctx) {
      const relevant = ctx.diagnostics.filter(
        (d) => d.source === 'Reward Lens' && (d.code === NOT_RECOGNISED || d.code === 'unrecognised'),
      );
      if (!relevant.length) return [];
      const action = new vscode.CodeAction('Reward Lens: Configure Fields for This File…', vscode.CodeActionKind.QuickFix);
      action.command = { command: COMMAND, title: 'Configure Fields for This File…', arguments: [doc.uri] };
      action.diagnostics = relevant;
      action.isPreferred = true;
      return [action];
    },
  };
  return vscode.Disposable.from(
    hints,
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((e) => check(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => hints.delete(d.uri)),
    // After the score service has dropped its cached sniff verdicts (it listens to the same event).
    svc.onSettingsChanged(() => setTimeout(() => vscode.workspace.textDocuments.forEach(check), 0)),
    vscode.languages.registerCodeActionsProvider([{ pattern: datasetGlob([...LINE_FORMATS, 'json']) }, { language: 'jsonl' }], fix, {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
    }),
  );
}
