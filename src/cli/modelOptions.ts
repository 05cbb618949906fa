// Flags shared by every command that opens a model (eval, score, model, bon…) and the one way they open it.
import { initBackend } from '../train/backends';
import { chooseEngine, openScorer, resolveModelFolder, type OpenedScorer } from '../train/openScorer';
import { DEFAULT_MAX_TOKENS } from '../train/hf/hfScorer';
import { fail, numberOpt } from './errors';
import { Progress } from './progress';
import { isOneOf, SCORING_ENGINES, type BackendName } from '../core/config';

export const modelOptions = {
  model: { type: 'string' },
  engine: { type: 'string' },
  backend: { type: 'string' },
  'max-length': { type: 'string' },
  threads: { type: 'string' },
  'no-chat-template': { type: 'boolean' },
} as const;

export interface ModelFlags {
  model?: string;
  engine?: string;
  backend?: string;
  'max-length'?: string;
  threads?: string;
  'no-chat-template'?: boolean;
}

export function maxLengthOf(v: ModelFlags): number {
  return numberOpt('max-length', v['max-length'], DEFAULT_MAX_TOKENS, (x) => Number.isInteger(x) && x >= 8);
}

/** Opens --model with --engine/--backend, printing the engine and a load progress bar to stderr unless quiet. */
export async function openModelFromFlags(v: ModelFlags, command: string, quiet = false): Promise<OpenedScorer> {
  if (!v.model) fail(`${command} needs --model DIR (a Hugging Face folder, a run directory or its model/ folder)`);
  const engine = v.engine ?? 'auto';
  if (!isOneOf(SCORING_ENGINES, engine)) fail(`--engine must be one of ${SCORING_ENGINES.join(', ')}, got "${v.engine}"`);
  const dir = resolveModelFolder(v.model); // a UserError when it is not a model folder
  const chosen = await chooseEngine(dir, engine);
  // Said once the model opened: a model that cannot be opened gets its one-line error and nothing else.
  let said = 'engine: onnxruntime (CPU)';
  if (chosen === 'tfjs') {
    const b = await initBackend((v.backend ?? 'auto') as BackendName);
    said = `engine: tfjs on ${b.name} (${b.why})`;
  }
  const bar = new Progress('loading model', quiet);
  const threads = v.threads === undefined ? undefined : numberOpt('threads', v.threads, 0, (x) => Number.isInteger(x) && x >= 1);
  const opened = await openScorer(dir, {
    engine: chosen,
    maxTokens: maxLengthOf(v),
    useChatTemplate: !v['no-chat-template'],
    ...(threads ? { threads } : {}),
    // Small models load in a blink: a bar only for loads worth watching.
    onProgress: (done, total) => total >= 32 * 2 ** 20 && bar.update(Math.round(done / 2 ** 20), Math.round(total / 2 ** 20), 'MiB'),
  });
  if (!quiet) process.stderr.write(`${said}\n`);
  return opened;
}
