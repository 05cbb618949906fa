// "Reward Lens: Open from Hugging Face Cache…": lists the datasets (each split with its row count) and model folders
// in the local Hugging Face caches, and opens the pick where it is, without copying it: a text split opens in the
// editor (inline scoring), a .gz one as a read-only decompressed view, Parquet/Arrow in the binary data view; a model
// folder goes to Select Active Model. Thin: src/node/hfCache.ts reads the caches.
import * as vscode from 'vscode';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { isBinaryDataName } from '../core/data/extensions';
import { hfCacheRoots, listHfCache, type CachedDataset, type CachedSplit } from '../node/hfCache';
import { PARQUET_VIEW_TYPE } from './parquetEditor';
import { readHfModelFolder } from './hfModels';
import { setModelFolder } from './runCommands';
import type { Services } from './services';

const gunzipAsync = promisify(gunzip);

export const GZ_SCHEME = 'reward-lens-gz';

type Pick = vscode.QuickPickItem & { split?: { ds: CachedDataset; split: CachedSplit }; model?: { dir: string; repo: string } };

/** The quick pick's items: a separator per dataset, one item per split, then the model folders. */
export async function hfCacheItems(): Promise<Pick[]> {
  const { datasets, models } = await listHfCache();
  const items: Pick[] = [];
  for (const ds of datasets) {
    items.push({ label: ds.repo, kind: vscode.QuickPickItemKind.Separator });
    for (const s of ds.splits) {
      items.push({
        label: `$(database) ${ds.repo}:${s.name}`,
        description: `${s.rows !== undefined ? `${s.rows.toLocaleString('en-US')} rows` : 'rows unknown until read'}${s.head?.family ? ` · ${s.head.family}` : ''} · ${s.files.length} file${s.files.length === 1 ? '' : 's'} · ${ds.where === 'hub' ? 'hub snapshot' : 'datasets Arrow cache'}`,
        detail: s.files[0],
        split: { ds, split: s },
      });
    }
  }
  if (models.length) items.push({ label: 'Models (open as the active model)', kind: vscode.QuickPickItemKind.Separator });
  for (const m of models)
    items.push({ label: `$(hubot) ${m.repo}`, description: 'model folder → Select Active Model', detail: m.dir, model: m });
  return items;
}

/** The command; `pick` (a label such as "acme/prefs:train", or a model repo) opens that entry without asking. */
export async function openFromHfCache(svc: Services, pick?: unknown): Promise<void> {
  const items = await hfCacheItems();
  const choosable = items.filter((i) => i.split || i.model);
  if (!choosable.length) {
    const r = hfCacheRoots();
    return void vscode.window.showInformationMessage(
      `Reward Lens: the Hugging Face cache holds no datasets or models (looked in ${r.hub} and ${r.datasets}; set HF_HOME, HF_HUB_CACHE or HF_DATASETS_CACHE).`,
    );
  }
  const wanted = typeof pick === 'string' ? choosable.find((i) => i.label.endsWith(` ${pick}`)) : undefined;
  const chosen =
    wanted ??
    (await vscode.window.showQuickPick(items, {
      title: 'Reward Lens: Open from Hugging Face Cache',
      placeHolder: 'A cached dataset split (opened in place, not copied) or a model folder',
      matchOnDetail: true,
    }));
  if (!chosen) return;
  if (chosen.model) return useModel(svc, chosen.model.dir, chosen.model.repo);
  if (chosen.split) await openSplit(svc, chosen.split.ds, chosen.split.split);
}

/** A cached model folder becomes the active model, named by its repo (the snapshot folder is a revision hash). */
async function useModel(svc: Services, dir: string, repo: string): Promise<void> {
  const hf = await readHfModelFolder(dir);
  if (hf) return svc.setActiveModel({ runId: dir, modelDir: dir, label: repo, kind: 'hf' });
  return setModelFolder(svc, dir);
}

async function openSplit(svc: Services, ds: CachedDataset, split: CachedSplit): Promise<void> {
  const file = split.files[0]!;
  svc.log.info(
    `opening hf:${ds.repo}:${split.name} from ${file}${split.files.length > 1 ? ` (first of ${split.files.length} files)` : ''}`,
  );
  if (split.files.length > 1)
    void vscode.window.showInformationMessage(
      `Reward Lens: hf:${ds.repo}:${split.name} has ${split.files.length} files; opened the first. reward-lens inspect hf:${ds.repo}:${split.name} reads them all.`,
    );
  // Files are opened where they are (the hub's snapshot links into blobs/): nothing is copied.
  if (isBinaryDataName(file)) return void vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), PARQUET_VIEW_TYPE);
  if (/\.gz$/i.test(file)) {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: GZ_SCHEME, path: file.replace(/\.gz$/i, '') }));
    return void vscode.window.showTextDocument(doc, { preview: false });
  }
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(file)), { preview: false });
}

/** Read-only decompressed views of .gz data files (reward-lens-gz:/path/data.jsonl shows /path/data.jsonl.gz). */
export function registerGzViews(): vscode.Disposable {
  return vscode.workspace.registerTextDocumentContentProvider(GZ_SCHEME, {
    // Read and inflated off the extension host's thread (a cached split can be hundreds of MB).
    provideTextDocumentContent: async (uri) =>
      (await gunzipAsync(new Uint8Array(await fs.promises.readFile(`${uri.path}.gz`)))).toString('utf8'),
  });
}
