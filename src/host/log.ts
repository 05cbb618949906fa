// The extension's LogOutputChannel ("Reward Lens" in the Output view; level set by the user there).
import * as vscode from 'vscode';

export type Log = vscode.LogOutputChannel;

export function createLog(): Log {
  return vscode.window.createOutputChannel('Reward Lens', { log: true });
}

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
