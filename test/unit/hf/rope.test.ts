// RoPE against transformers 5.18 (numbers printed by the snippet below, fp32 throughout).
//   from transformers import LlamaConfig; from transformers.modeling_rope_utils import ROPE_INIT_FUNCTIONS
//   c = LlamaConfig(hidden_size=64, num_attention_heads=4, rope_parameters={'rope_type':'llama3','rope_theta':500000.0,
//       'factor':8.0,'low_freq_factor':1.0,'high_freq_factor':4.0,'original_max_position_embeddings':16})
//   ROPE_INIT_FUNCTIONS['llama3'](c, 'cpu')[0]
//   r = LlamaRotaryEmbedding(LlamaConfig(hidden_size=64, num_attention_heads=4)); cos, sin = r(zeros(1,5,64), tensor([[0,1,7,100,4095]]))
//   cos[0,4], sin[0,3], r.inv_freq
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invFrequencies, ropeTables } from '../../../src/core/hf/rope';

const close = (got: ArrayLike<number>, want: readonly number[], tol: number) => {
  assert.equal(got.length, want.length);
  want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) <= tol * Math.max(1, Math.abs(w)), `[${i}] ${got[i]} vs ${w}`));
};

test('llama3 scaling: long wavelengths divided by factor, medium ones interpolated (transformers numbers)', () => {
  const inv = invFrequencies(500000, 16, { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 16 });
  close(
    inv,
    [
      0.5760563611984253, 0.024240344762802124, 0.004700753837823868, 0.0009115831344388425, 0.00017677668074611574, 3.428102354519069e-5,
      6.647869668086059e-6, 1.289173155782919e-6,
    ],
    1e-6,
  );
});

test('default inv_freq and cos/sin tables at positions 4095 and 100 (half-split layout)', () => {
  const inv = invFrequencies(10000, 16, { type: 'default' });
  close(
    inv,
    [
      1.0, 0.3162277638912201, 0.10000000149011612, 0.03162277862429619, 0.009999999776482582, 0.003162277862429619, 0.0010000000474974513,
      0.0003162277862429619,
    ],
    1e-7,
  );
  const { cos, sin } = ropeTables(Int32Array.from([0, 1, 7, 100, 4095]), inv);
  close(
    cos.subarray(4 * 16, 5 * 16),
    [
      -0.06597599387168884, 0.8159282207489014, 0.4598633348941803, -0.7712547779083252, -0.9940330982208252, 0.9274889826774597,
      -0.5789079070091248, 0.2723587155342102, -0.06597599387168884, 0.8159282207489014, 0.4598633348941803, -0.7712547779083252,
      -0.9940330982208252, 0.9274889826774597, -0.5789079070091248, 0.2723587155342102,
    ],
    2e-6,
  );
  close(
    sin.subarray(3 * 16, 4 * 16),
    [
      -0.5063656568527222, 0.20537757873535156, -0.5440211296081543, -0.020683808252215385, 0.8414709568023682, 0.3109836280345917,
      0.0998334214091301, 0.031617507338523865, -0.5063656568527222, 0.20537757873535156, -0.5440211296081543, -0.020683808252215385,
      0.8414709568023682, 0.3109836280345917, 0.0998334214091301, 0.031617507338523865,
    ],
    2e-6,
  );
  close(cos.subarray(0, 16), Array(16).fill(1), 0);
});

test('linear scaling divides every frequency by the factor', () => {
  const a = invFrequencies(10000, 8, { type: 'default' });
  const b = invFrequencies(10000, 8, { type: 'linear', factor: 4 });
  a.forEach((v, i) => assert.equal(b[i], Math.fround(v / 4)));
});
