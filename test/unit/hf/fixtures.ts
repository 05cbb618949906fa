// Shared by the Hugging Face engine tests: the committed fixture folders (scripts/make_hf_fixtures.py) and
// transformers' recorded outputs, and the comparison every engine must pass (relative error ≤ 1e-4).
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import type { ChatMessage } from '../../../src/core/types';

export const FIXTURE_ROOT = 'test/fixtures/hf';
export const FIXTURES = [
  'llama3',
  'mistral',
  'qwen2',
  'qwen2-bf16',
  'qwen2-sharded',
  'qwen3',
  'gemma2',
  'gpt2',
  'openrlhf-llama',
  'llama-backbone',
] as const;

export interface BatchExpect {
  readonly input_ids: number[][];
  readonly attention_mask: number[][];
  readonly position_ids?: number[][];
  readonly pooled_index: number[];
  readonly logits?: number[];
  readonly hidden: number[][];
}

export interface Expected {
  readonly fixture: string;
  readonly hidden_size: number;
  readonly pad_token_id: number | null;
  readonly pooling: string;
  readonly cases: readonly { readonly messages: ChatMessage[]; readonly text: string; readonly ids: number[] }[];
  readonly single: readonly { readonly pooled_index: number; readonly logit?: number; readonly hidden: number[] }[];
  readonly right: BatchExpect;
  readonly left: BatchExpect;
}

export function expected(name: string): Expected {
  return JSON.parse(fs.readFileSync(path.join(FIXTURE_ROOT, 'expected', `${name}.json`), 'utf8')) as Expected;
}

export const fixtureDir = (name: string) => path.join(FIXTURE_ROOT, name);

export const TOLERANCE = 1e-4;

/** |got − want| ≤ tol · max(1, |want|) for a scalar; for vectors, the max error relative to the vector's max |value|. */
export function assertClose(got: ArrayLike<number>, want: readonly number[], what: string, tol = TOLERANCE): number {
  assert.equal(got.length, want.length, `${what}: length`);
  const scale = Math.max(1, ...want.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / scale);
  assert.ok(worst <= tol, `${what}: relative error ${worst.toExponential(2)} > ${tol}`);
  return worst;
}
