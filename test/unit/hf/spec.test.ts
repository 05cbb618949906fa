// config.json → HfModelSpec: both transformers styles, each family's defaults and switches, and clear refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HfConfigError, parseHfConfig } from '../../../src/core/hf/spec';
import { buildBatch, causalMask, MASK_VALUE, pooledIndexOf } from '../../../src/core/hf/batch';

const llama = {
  model_type: 'llama',
  architectures: ['LlamaForSequenceClassification'],
  hidden_size: 64,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  num_hidden_layers: 2,
  intermediate_size: 128,
  vocab_size: 300,
  pad_token_id: 5,
  eos_token_id: [6, 7],
};

test('transformers 4.x (rope_theta, rope_scaling, torch_dtype) and 5.x (rope_parameters, dtype) read the same', () => {
  const v4 = parseHfConfig(
    {
      ...llama,
      rope_theta: 500000,
      rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 64 },
      torch_dtype: 'bfloat16',
    },
    'c.json',
  );
  const v5 = parseHfConfig(
    {
      ...llama,
      rope_parameters: {
        rope_theta: 500000,
        rope_type: 'llama3',
        factor: 8,
        low_freq_factor: 1,
        high_freq_factor: 4,
        original_max_position_embeddings: 64,
      },
      dtype: 'bfloat16',
    },
    'c.json',
  );
  assert.deepEqual(v4.positions, v5.positions);
  assert.equal(v4.dtype, 'bfloat16');
  assert.equal(v5.dtype, 'bfloat16');
  assert.equal(v4.headDim, 16);
  assert.deepEqual(v4.eosTokenIds, [6, 7]);
  assert.equal(v4.padTokenId, 5);
});

test('family defaults follow transformers: Qwen3 head_dim 128, Mistral window 4096, Gemma-2 soft-capping and layer types', () => {
  const q3 = parseHfConfig(
    { model_type: 'qwen3', hidden_size: 64, num_attention_heads: 4, num_hidden_layers: 1, intermediate_size: 32, vocab_size: 10 },
    'c',
  );
  assert.equal(q3.headDim, 128);
  assert.equal(q3.qkNorm, true);
  assert.deepEqual(q3.attentionBias, { qkv: false, o: false });
  const q2 = parseHfConfig(
    { ...q3, model_type: 'qwen2', hidden_size: 64, num_attention_heads: 4, num_hidden_layers: 1, intermediate_size: 32, vocab_size: 10 },
    'c',
  );
  assert.deepEqual(q2.attentionBias, { qkv: true, o: false });
  assert.equal(q2.slidingWindow, undefined);
  const mi = parseHfConfig(
    { model_type: 'mistral', hidden_size: 64, num_attention_heads: 4, num_hidden_layers: 2, intermediate_size: 32, vocab_size: 10 },
    'c',
  );
  assert.equal(mi.slidingWindow, 4096);
  assert.deepEqual(mi.layerTypes, ['sliding', 'sliding']);
  const miNull = parseHfConfig(
    {
      model_type: 'mistral',
      hidden_size: 64,
      num_attention_heads: 4,
      num_hidden_layers: 2,
      intermediate_size: 32,
      vocab_size: 10,
      sliding_window: null,
    },
    'c',
  );
  assert.deepEqual(miNull.layerTypes, ['full', 'full']);
  const g = parseHfConfig(
    {
      model_type: 'gemma2',
      hidden_size: 48,
      num_attention_heads: 2,
      num_hidden_layers: 3,
      intermediate_size: 32,
      vocab_size: 10,
      head_dim: 8,
      query_pre_attn_scalar: 32,
    },
    'c',
  );
  assert.equal(g.attnSoftcap, 50);
  assert.deepEqual(g.layerTypes, ['sliding', 'full', 'sliding']);
  assert.equal(g.embedScale, Math.fround(Math.sqrt(48)));
  assert.equal(g.attnScale, 1 / Math.sqrt(32));
  assert.deepEqual(g.norm, { kind: 'rms', eps: 1e-6, onePlus: true });
  assert.equal(g.activation, 'gelu_tanh');
});

test('GPT-2 config: n_* names, learned positions, LayerNorm, gelu_new', () => {
  const s = parseHfConfig({ model_type: 'gpt2', n_embd: 32, n_head: 4, n_layer: 2, n_positions: 64, vocab_size: 100 }, 'c');
  assert.equal(s.headDim, 8);
  assert.equal(s.intermediateSize, 128);
  assert.deepEqual(s.positions, { kind: 'learned' });
  assert.equal(s.norm.kind, 'layer');
  assert.equal(s.activation, 'gelu_tanh');
});

test('unsupported architectures and rope types are refused with the name, the field and the supported list', () => {
  assert.throws(
    () => parseHfConfig({ model_type: 'deberta-v2', architectures: ['DebertaV2ForSequenceClassification'] }, 'x/config.json'),
    (e: unknown) =>
      e instanceof HfConfigError &&
      /x\/config.json: field "model_type": model_type "deberta-v2" \(DebertaV2ForSequenceClassification\) is not supported; supported: llama, mistral, qwen2, qwen3, gemma2, gpt2/.test(
        (e as Error).message,
      ),
  );
  assert.throws(
    () => parseHfConfig({ ...llama, rope_scaling: { type: 'yarn', factor: 4 } }, 'c'),
    /rope_scaling.rope_type": "yarn" is not supported/,
  );
  assert.throws(() => parseHfConfig({ ...llama, num_key_value_heads: 3 }, 'c'), /num_key_value_heads": 3 does not divide/);
  assert.throws(() => parseHfConfig({ ...llama, hidden_size: 'big' }, 'c'), /field "hidden_size": expected a non-negative integer/);
  assert.throws(() => parseHfConfig([], 'c'), /not a JSON object/);
});

test('pooling: rightmost non-pad token (pad = eos skips trailing eos), no pad id → last token', () => {
  assert.equal(pooledIndexOf([1, 2, 3], 'rightmost-non-pad', 9), 2);
  assert.equal(pooledIndexOf([1, 2, 9, 9], 'rightmost-non-pad', 9), 1);
  assert.equal(pooledIndexOf([9, 9], 'rightmost-non-pad', 9), 0);
  assert.equal(pooledIndexOf([1, 2, 9], 'rightmost-non-pad', undefined), 2);
  assert.equal(pooledIndexOf([1, 2, 9], 'last-token', 9), 2);
});

test('batches: left and right padding give the same positions for real tokens and pool the same token', () => {
  const spec = parseHfConfig(llama, 'c');
  const seqs = [
    [10, 11, 12],
    [20, 21, 22, 23, 6],
  ];
  const right = buildBatch(spec, seqs, { padId: 5, side: 'right', pooling: 'rightmost-non-pad' });
  const left = buildBatch(spec, seqs, { padId: 5, side: 'left', pooling: 'rightmost-non-pad' });
  assert.equal(right.length, 5);
  assert.deepEqual([...right.ids], [10, 11, 12, 5, 5, 20, 21, 22, 23, 6]);
  assert.deepEqual([...left.ids], [5, 5, 10, 11, 12, 20, 21, 22, 23, 6]);
  assert.deepEqual([...right.positionIds], [0, 1, 2, 2, 2, 0, 1, 2, 3, 4]);
  assert.deepEqual([...left.positionIds], [0, 0, 0, 1, 2, 0, 1, 2, 3, 4]);
  assert.deepEqual([...right.poolIndex], [2, 4]);
  assert.deepEqual([...left.poolIndex], [4, 4]);
  assert.deepEqual([...left.keyPadding.subarray(0, 5)], [MASK_VALUE, MASK_VALUE, 0, 0, 0]);
  // Rotary tables of real tokens are identical: row 0's token at position 2.
  const d = spec.headDim;
  assert.deepEqual([...right.cos!.subarray(2 * d, 3 * d)], [...left.cos!.subarray(4 * d, 5 * d)]);
});

test('sliding-window mask: key k visible from query q iff q − w < k ≤ q', () => {
  const m = causalMask(5, 2);
  const visible = (q: number, k: number) => m[q * 5 + k] === 0;
  assert.equal(visible(4, 4), true);
  assert.equal(visible(4, 3), true);
  assert.equal(visible(4, 2), false);
  assert.equal(visible(1, 2), false);
  assert.equal(visible(0, 0), true);
});
