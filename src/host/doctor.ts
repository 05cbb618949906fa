// "Show Compute Doctor": probes every backend in the worker and opens the report as a Markdown preview.
import * as vscode from 'vscode';
import { doctorMarkdown } from './doctorMarkdown';
import { logError } from './errorLog';
import type { Services } from './services';

export async function showDoctor(svc: Services): Promise<void> {
  try {
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Reward Lens: probing compute backends…' },
      () => svc.training.doctor(true),
    );
    const md = doctorMarkdown(report);
    svc.log.info(
      `compute doctor: ${report.chosen} (${report.why}); ${report.probes.map((p) => `${p.name}=${p.available ? 'ok' : 'no'}`).join(', ')}`,
    );
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: md });
    await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
  } catch (e) {
    void vscode.window
      .showErrorMessage(`Reward Lens: compute doctor failed: ${logError(svc.log, 'compute doctor', e)}`, 'Show Log')
      .then((a) => a && svc.log.show());
  }
}
