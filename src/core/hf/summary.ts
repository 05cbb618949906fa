// `reward-lens model FOLDER`: what a Hugging Face folder is and how Reward Lens will score it, before any weight is
// loaded. Pure: the caller gives the parsed pieces and the machine's numbers.
import type { HeadInfo } from './head';
import type { HfModelSpec } from './spec';

export interface ModelSummary {
  readonly architecture: string;
  readonly family: string;
  readonly parameters: number;
  /** Tensor counts by dtype on disk ({ BF16: 290 }). */
  readonly dtypeOnDisk: Readonly<Record<string, number>>;
  readonly bytesOnDisk: number;
  readonly fp32Bytes: number;
  readonly shards: number;
  readonly tokenizer: { readonly kind: string; readonly vocab: number };
  readonly chatTemplate: string;
  readonly padTokenId: number | null;
  readonly eosTokenIds: readonly number[];
  readonly padToken?: string;
  readonly eosToken?: string;
  readonly maxPositions: number;
  readonly maxTokens: number;
  readonly head: string;
  readonly headKind: HeadInfo['kind'];
  readonly pooling: string;
  readonly notes: readonly string[];
  readonly backends: readonly { readonly name: string; readonly fits: boolean; readonly why: string }[];
}

export interface SummaryInput {
  readonly spec: HfModelSpec;
  readonly head: HeadInfo;
  readonly headParameters: number;
  readonly backboneParameters: number;
  readonly dtypes: Readonly<Record<string, number>>;
  readonly bytesOnDisk: number;
  readonly shards: number;
  readonly tokenizerKind: string;
  readonly tokenizerVocab: number;
  readonly chatTemplateFrom?: string;
  readonly tokenOf: (id: number) => string | undefined;
  readonly maxTokens: number;
  /** Free memory for the engines that hold weights in ordinary memory (onnxruntime). */
  readonly freeMemoryBytes: number;
}

/** wasm's heap is 4 GiB and never shrinks; keep room for activations and tfjs's own buffers. */
export const WASM_HEAP_BYTES = 4 * 1024 ** 3;
const WASM_WEIGHT_BUDGET = 3.2 * 1024 ** 3;

/** 1.84 GiB, 153.2 MiB, 612.0 KiB. */
export function formatBytes(b: number): string {
  if (b >= 1024 ** 3) return `${(b / 1024 ** 3).toFixed(2)} GiB`;
  if (b >= 1024 ** 2) return `${(b / 1024 ** 2).toFixed(1)} MiB`;
  return `${(b / 1024).toFixed(1)} KiB`;
}
const gib = formatBytes;

export function summariseModel(i: SummaryInput): ModelSummary {
  const s = i.spec;
  const parameters = i.backboneParameters + i.headParameters;
  const fp32Bytes = parameters * 4;
  const pad = s.padTokenId ?? null;
  const notes = summaryNotes(i, pad);
  return {
    architecture: s.architecture || s.modelType,
    family: s.family,
    parameters,
    dtypeOnDisk: i.dtypes,
    bytesOnDisk: i.bytesOnDisk,
    fp32Bytes,
    shards: i.shards,
    tokenizer: { kind: i.tokenizerKind, vocab: i.tokenizerVocab },
    chatTemplate: i.chatTemplateFrom ?? 'none',
    padTokenId: pad,
    eosTokenIds: s.eosTokenIds,
    ...(pad !== null && i.tokenOf(pad) !== undefined ? { padToken: i.tokenOf(pad)! } : {}),
    ...(s.eosTokenIds[0] !== undefined && i.tokenOf(s.eosTokenIds[0]) !== undefined ? { eosToken: i.tokenOf(s.eosTokenIds[0])! } : {}),
    maxPositions: s.maxPositions,
    maxTokens: i.maxTokens,
    head: i.head.describe,
    headKind: i.head.kind,
    pooling:
      i.head.pooling === 'rightmost-non-pad'
        ? `the rightmost token whose id is not pad_token_id${pad === null ? ' (no pad id: the last token)' : ` (${pad})`}, as transformers' sequence classification`
        : 'the last real token (last attention_mask = 1), as OpenRLHF',
    notes,
    backends: backendFits(fp32Bytes, i.freeMemoryBytes),
  };
}

/** What a user should know before trusting the rewards: pooling quirks, an untrained head, normalisation, templates. */
function summaryNotes(i: SummaryInput, pad: number | null): string[] {
  const s = i.spec;
  const notes: string[] = [];
  if (pad !== null && s.eosTokenIds.includes(pad) && i.head.pooling === 'rightmost-non-pad') {
    notes.push(
      `pad_token_id equals eos_token_id (${pad}): transformers pools the rightmost token that is not ${pad}, so a text ending in eos is scored at the token before its trailing eos`,
    );
  }
  if (pad === null && i.head.pooling === 'rightmost-non-pad')
    notes.push(
      'no pad_token_id: the last token is pooled (transformers then accepts batch size 1 only; Reward Lens pads and pools the last real token)',
    );
  if (i.head.kind === 'untrained')
    notes.push('no reward head in the checkpoint: rewards come from a fresh random head and mean nothing until it is trained');
  if (s.extras.normalize_reward === true)
    notes.push(
      `config says normalize_reward (mean ${String(s.extras.mean)}, std ${String(s.extras.std)}): Reward Lens shows raw rewards r = W_pᵀh`,
    );
  if (!i.chatTemplateFrom)
    notes.push(
      'no chat template: pairs are scored as HH-style transcripts ("\\n\\nHuman: …\\n\\nAssistant: …") with the tokenizer\'s special tokens',
    );
  return notes;
}

/** Whether fp32 weights of this size fit each engine. */
function backendFits(fp32Bytes: number, freeMemoryBytes: number): ModelSummary['backends'] {
  const wasmFits = fp32Bytes <= WASM_WEIGHT_BUDGET;
  const ortFits = fp32Bytes * 1.2 <= freeMemoryBytes;
  return [
    { name: 'onnxruntime', fits: ortFits, why: `needs ~${gib(fp32Bytes)} of memory for fp32 weights; ${gib(freeMemoryBytes)} free` },
    {
      name: 'wasm',
      fits: wasmFits,
      why: wasmFits
        ? `${gib(fp32Bytes)} of fp32 weights fit its 4 GiB heap`
        : `${gib(fp32Bytes)} of fp32 weights do not fit its 4 GiB heap (use onnxruntime)`,
    },
    { name: 'webgpu / tensorflow', fits: true, why: 'limited by device memory (see reward-lens doctor)' },
  ];
}

export function formatModelSummary(dir: string, m: ModelSummary): string {
  const dtypes = Object.entries(m.dtypeOnDisk)
    .map(([d, n]) => `${d} (${n} tensors)`)
    .join(', ');
  const lines = [
    dir,
    `  architecture  ${m.architecture} (${m.family})`,
    `  parameters    ${m.parameters.toLocaleString('en-US')} (${gib(m.fp32Bytes)} as fp32)`,
    `  on disk       ${dtypes}; ${gib(m.bytesOnDisk)} in ${m.shards} file${m.shards === 1 ? '' : 's'}`,
    `  tokenizer     ${m.tokenizer.kind}, ${m.tokenizer.vocab.toLocaleString('en-US')} tokens; chat template: ${m.chatTemplate}`,
    `  pad / eos     ${m.padTokenId ?? 'none'}${m.padToken ? ` ${JSON.stringify(m.padToken)}` : ''} / ${m.eosTokenIds.join(', ') || 'none'}${m.eosToken ? ` ${JSON.stringify(m.eosToken)}` : ''}`,
    `  max length    ${m.maxTokens} tokens (max_position_embeddings ${m.maxPositions})`,
    `  head          ${m.head}`,
    `  pools         ${m.pooling}`,
    ...m.backends.map((b, i) => `  ${i === 0 ? 'backends' : '        '}      ${b.name}: ${b.fits ? 'fits' : 'does not fit'} (${b.why})`),
    ...m.notes.map((n) => `  note: ${n}`),
  ];
  return lines.join('\n');
}
