// .parquet files are binary, so they open in a small read-only custom editor: what the file is, and links
// (command URIs, no script) to score it with the active model or train on it. The data is read by the worker.
import * as vscode from 'vscode';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { escapeHtml } from '../core/escapeHtml';
import type { Services } from './services';

export const PARQUET_VIEW_TYPE = 'rewardLens.parquet';

export function registerParquetEditor(svc: Services): vscode.Disposable {
  const provider: vscode.CustomReadonlyEditorProvider = {
    openCustomDocument: (uri) => ({ uri, dispose: () => undefined }),
    resolveCustomEditor: async (doc, panel) => {
      panel.webview.options = {
        enableScripts: false,
        enableCommandUris: ['rewardLens.scoreFile', 'rewardLens.trainModel'],
        localResourceRoots: [],
      };
      panel.webview.html = parquetHtml(doc.uri, svc, await fileSize(doc.uri.fsPath));
    },
  };
  return vscode.window.registerCustomEditorProvider(PARQUET_VIEW_TYPE, provider, { supportsMultipleEditorsPerDocument: true });
}

/** The file's size for the page ('?' when it cannot be read), read off the editor thread. */
async function fileSize(file: string): Promise<string> {
  try {
    return `${((await fs.promises.stat(file)).size / 1024 / 1024).toFixed(2)} MB`;
  } catch {
    return '?';
  }
}

function parquetHtml(uri: vscode.Uri, svc: Services, size: string): string {
  const nonce = crypto.randomBytes(12).toString('base64url');
  const arg = encodeURIComponent(JSON.stringify([uri]));
  const model = svc.activeModel;
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}';">
<style nonce="${nonce}">body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);padding:1em 2em}a{color:var(--vscode-textLink-foreground)}code{font-family:var(--vscode-editor-font-family)}</style>
<title>${escapeHtml(path.basename(uri.fsPath))}</title></head><body>
<h2>${escapeHtml(path.basename(uri.fsPath))}</h2>
<p>${uri.fsPath.toLowerCase().endsWith('.arrow') ? 'Arrow' : 'Parquet'} preference data · ${escapeHtml(size)} · <code>${escapeHtml(vscode.workspace.asRelativePath(uri))}</code></p>
<p>${model ? `<a href="command:rewardLens.scoreFile?${arg}">Evaluate with the active model</a> (${escapeHtml(model.label)})` : 'No active model: train one first.'}</p>
<p><a href="command:rewardLens.trainModel">Train Reward Model…</a> (this file is offered as training data)</p>
</body></html>`;
}
