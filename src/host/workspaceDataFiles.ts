// The workspace's preference files, for the training, evaluation and scenario pickers. What a file is comes from
// describeHead (src/core/data/head.ts) over its head (src/node/readHead.ts), so package.json is not offered.
import * as vscode from 'vscode';
import { describeHead, HEAD_BYTES, type FileHead } from '../core/data/head';
import { datasetGlob } from '../core/data/extensions';
import { describeFile } from '../node/readHead';
import { mappingKeys } from './settings';
import type { Services } from './services';

/** Every data file extension (src/core/data/extensions.ts). */
const DATA_GLOB = datasetGlob();
const DATA_EXCLUDE = '{**/node_modules/**,**/.reward-lens/**,**/.git/**,**/.vscode/**,**/dist/**}';

/** A workspace data file and what its head says it is. */
export interface DescribedFile {
  readonly file: string;
  readonly head: FileHead;
}

/**
 * The workspace's data files, each described once (the active editor's from its text, as it is edited now, and
 * first); unreadable files (gone, a FIFO, a damaged .gz) are left out.
 */
export async function describeWorkspaceFiles(svc: Services): Promise<DescribedFile[]> {
  const uris = await vscode.workspace.findFiles(DATA_GLOB, DATA_EXCLUDE, 500);
  const current = vscode.window.activeTextEditor?.document;
  const keys = mappingKeys(svc.settings.data.fieldMapping);
  const out: DescribedFile[] = [];
  if (current?.uri.scheme === 'file')
    out.push({ file: current.uri.fsPath, head: describeHead(current.fileName, current.getText().slice(0, HEAD_BYTES), keys) });
  for (const u of uris.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
    if (out.some((d) => d.file === u.fsPath)) continue;
    const head = await describeFile(u.fsPath, keys).catch(() => undefined);
    if (head) out.push({ file: u.fsPath, head });
  }
  return out;
}

/** Workspace files that look like preference data, the active editor's first. */
export async function candidateFiles(svc: Services): Promise<string[]> {
  return (await describeWorkspaceFiles(svc)).filter((d) => d.head.preference).map((d) => d.file);
}
