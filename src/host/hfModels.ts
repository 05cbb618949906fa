// Hugging Face model folders in the workspace: folders with a config.json whose model_type Reward Lens can load
// and weights in safetensors. Found with findFiles and read asynchronously, so the editor never waits on disk.
import * as vscode from 'vscode';
import fs from 'node:fs';
import path from 'node:path';
import { SUPPORTED_MODEL_TYPES } from '../core/hf/spec';

export interface WorkspaceHfModel {
  readonly dir: string;
  readonly label: string;
  /** 'Qwen2ForSequenceClassification' … */
  readonly architecture: string;
}

const EXCLUDE = '**/{node_modules,.git,.e2e,checkpoints}/**';

/** Reads one candidate; undefined unless it is a supported HF model folder with safetensors weights. */
export async function readHfModelFolder(dir: string): Promise<WorkspaceHfModel | undefined> {
  try {
    const cfg = JSON.parse(await fs.promises.readFile(path.join(dir, 'config.json'), 'utf8')) as {
      model_type?: unknown;
      architectures?: unknown;
      format?: unknown;
    };
    if (typeof cfg.model_type !== 'string' || !(cfg.model_type in SUPPORTED_MODEL_TYPES) || cfg.format === 'reward-lens-model')
      return undefined;
    const files = await fs.promises.readdir(dir);
    if (!files.some((f) => f.endsWith('.safetensors'))) return undefined;
    const architecture =
      Array.isArray(cfg.architectures) && typeof cfg.architectures[0] === 'string' ? cfg.architectures[0] : cfg.model_type;
    return { dir, label: path.basename(dir), architecture };
  } catch {
    return undefined;
  }
}

export async function findWorkspaceHfModels(limit = 200): Promise<WorkspaceHfModel[]> {
  const configs = await vscode.workspace.findFiles('**/config.json', EXCLUDE, limit);
  const found = await Promise.all(configs.map((u) => readHfModelFolder(path.dirname(u.fsPath))));
  return found.filter((m): m is WorkspaceHfModel => m !== undefined).sort((a, b) => a.dir.localeCompare(b.dir));
}
