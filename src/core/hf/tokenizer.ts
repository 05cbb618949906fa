// A Hugging Face tokenizer (tokenizer.json + tokenizer_config.json) through @huggingface/tokenizers, the official
// pure-TypeScript port (0 mismatches against the Rust library on Llama-2/3, Qwen3 and Gemma-3 files, measured; see
// docs/model-format.md), plus the special tokens and chat template the config names.
import { Tokenizer } from '@huggingface/tokenizers';

export interface SpecialTokens {
  readonly bos?: string;
  readonly eos?: string;
  readonly pad?: string;
  readonly unk?: string;
}

export interface TokenizerFiles {
  /** tokenizer.json, parsed. */
  readonly tokenizerJson: unknown;
  /** tokenizer_config.json, parsed ({} when absent). */
  readonly tokenizerConfig: Readonly<Record<string, unknown>>;
  /** special_tokens_map.json, parsed, when the folder has one (older checkpoints). */
  readonly specialTokensMap?: Readonly<Record<string, unknown>>;
  /** chat_template.jinja's text (transformers 5), when present. */
  readonly chatTemplateFile?: string;
}

export class HfTokenizer {
  private readonly tok: Tokenizer;
  readonly special: SpecialTokens;
  /** The chat template's source, and where it came from; undefined when the model has none. */
  readonly chatTemplate?: { readonly source: string; readonly from: 'chat_template.jinja' | 'tokenizer_config.json' };
  /** What the tokenizer's model is ('BPE', 'Unigram', 'WordPiece'), for the model summary. */
  readonly kind: string;

  constructor(files: TokenizerFiles) {
    const json = files.tokenizerJson as { model?: { type?: string } };
    this.tok = new Tokenizer(files.tokenizerJson as object, files.tokenizerConfig as object);
    this.kind = json.model?.type ?? 'unknown';
    this.special = specialTokensOf(files.tokenizerConfig, files.specialTokensMap);
    const template = chatTemplateOf(files);
    if (template) this.chatTemplate = template;
  }

  /** Token ids of a text; addSpecial adds what the tokenizer's post-processor adds (e.g. Llama's BOS). */
  encode(text: string, addSpecial: boolean): number[] {
    return this.tok.encode(text, { add_special_tokens: addSpecial }).ids;
  }

  decode(ids: readonly number[], skipSpecial = false): string {
    return this.tok.decode([...ids], { skip_special_tokens: skipSpecial });
  }

  idOf(token: string | undefined): number | undefined {
    return token === undefined ? undefined : this.tok.token_to_id(token);
  }

  vocabSize(): number {
    return this.tok.get_vocab(true).size;
  }
}

/** A special token in tokenizer_config.json is a string or an AddedToken object ({ content, … }). */
function tokenString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && typeof (v as { content?: unknown }).content === 'string')
    return (v as { content: string }).content;
  return undefined;
}

function specialTokensOf(config: Readonly<Record<string, unknown>>, map?: Readonly<Record<string, unknown>>): SpecialTokens {
  const get = (k: string) => tokenString(config[k]) ?? tokenString(map?.[k]);
  const out: Record<string, string> = {};
  for (const [key, field] of [
    ['bos', 'bos_token'],
    ['eos', 'eos_token'],
    ['pad', 'pad_token'],
    ['unk', 'unk_token'],
  ] as const) {
    const v = get(field);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * The template transformers would use: chat_template.jinja wins over tokenizer_config.json's chat_template, which is
 * a string or a list of named templates (the one named "default" is used).
 */
function chatTemplateOf(files: TokenizerFiles): HfTokenizer['chatTemplate'] {
  if (files.chatTemplateFile !== undefined) return { source: files.chatTemplateFile, from: 'chat_template.jinja' };
  const t = files.tokenizerConfig.chat_template;
  if (typeof t === 'string') return { source: t, from: 'tokenizer_config.json' };
  if (Array.isArray(t)) {
    const named = t.find((x) => (x as { name?: unknown }).name === 'default') as { template?: unknown } | undefined;
    if (named && typeof named.template === 'string') return { source: named.template, from: 'tokenizer_config.json' };
  }
  return undefined;
}
