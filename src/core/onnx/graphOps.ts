// Ops<string>: the generic decoder (src/core/hf/decoder.ts) emitting ONNX nodes instead of computing. Each op
// appends nodes to a GraphBuilder and returns the name of its output value; the engine (src/train/ort) runs the
// graph with onnxruntime.
//
// Layout: token-wise values ("[N, T, H]" in ops.ts) are kept as rows [N·T, H]. Every token-wise op (norms,
// activations, additions) is indifferent to that, and it lets a linear layer be one Gemm with transB = 1 on HF's
// [out, in] weights: no Reshape around it and no transposed copy of the weight (onnxruntime pre-packs B either
// way). Head-wise values are [N, h, T, d], as in ops.ts; their (h, d) are tracked here because RoPE, repeat_kv and
// mergeHeads need the static sizes.
//
// Numerics follow the tfjs engine and transformers: fp32 throughout, RMSNorm as x / sqrt(mean(x²) + eps) · w (the
// pattern onnxruntime fuses into SimplifiedLayerNormalization), softmax(softcap(q·kᵀ·scale) + mask)·v.
import { attr, type GraphBuilder } from './graphBuilder';
import { DataType } from './proto';
import type { Activation } from '../hf/spec';
import type { LinearWeights, Ops } from '../hf/ops';

/** Resolves a canonical weight name to the name of an fp32 value in the graph (an initializer, a Cast of one, an input). */
export interface GraphWeights {
  weight(name: string): string;
  /**
   * An embedding table in its stored dtype, and whether the gathered rows need a Cast to float. Gathering first
   * and casting the rows keeps a BF16/F16 table at half the resident size of an fp32 copy (Gemma-2's 256k-row table:
   * 1.2 GB instead of 2.4 GB). Absent: the table is used as an fp32 weight.
   */
  table?(name: string): { readonly value: string; readonly cast: boolean };
}

interface HeadShape {
  readonly heads: number;
  readonly headDim: number;
}

export class GraphOps implements Ops<string> {
  private readonly headShapes = new Map<string, HeadShape>();
  private readonly flatIds = new Map<string, string>();
  private readonly shapes = new Map<string, string>();

  /** `tokenShape`: an int64 [2] value holding [N, T] (Shape of the ids input). */
  constructor(
    private readonly g: GraphBuilder,
    private readonly weights: GraphWeights,
    private readonly tokenShape: string,
  ) {}

  private w(name: string): string {
    return this.weights.weight(name);
  }

  /** Records an op's output as head-wise with the shape of `like` (shape-preserving ops on heads). */
  private keep(out: string, ...like: string[]): string {
    const s = like.map((l) => this.headShapes.get(l)).find((x) => x !== undefined);
    if (s) this.headShapes.set(out, s);
    return out;
  }

  private head(x: string, what: string): HeadShape {
    const s = this.headShapes.get(x);
    if (!s) throw new Error(`GraphOps.${what}: "${x}" is not a head-wise value [N, h, T, d] (use splitHeads first)`);
    return s;
  }

  embed(table: string, ids: string): string {
    let flat = this.flatIds.get(ids);
    if (!flat) this.flatIds.set(ids, (flat = this.g.op('Reshape', [ids, this.g.int64([-1])])));
    const t = this.weights.table?.(table) ?? { value: this.w(table), cast: false };
    const rows = this.g.op('Gather', [t.value, flat], { attrs: [attr.int('axis', 0)] });
    return t.cast ? this.g.op('Cast', [rows], { attrs: [attr.int('to', DataType.FLOAT)] }) : rows;
  }

  add(a: string, b: string): string {
    return this.keep(this.g.op('Add', [a, b]), a, b);
  }

  mul(a: string, b: string): string {
    return this.keep(this.g.op('Mul', [a, b]), a, b);
  }

  scale(x: string, factor: number): string {
    return this.keep(this.g.op('Mul', [x, this.g.float(factor)]), x);
  }

  linear(x: string, lw: LinearWeights): string {
    const inputs = [x, this.w(lw.weight), ...(lw.bias ? [this.w(lw.bias)] : [])];
    return this.g.op('Gemm', inputs, { attrs: [attr.int('transB', lw.layout === 'out_in' ? 1 : 0)] });
  }

  rmsNorm(x: string, weight: string, eps: number, onePlus: boolean): string {
    const g = this.g;
    const meanSq = g.op('ReduceMean', [g.op('Pow', [x, g.float(2)])], { attrs: [attr.ints('axes', [-1]), attr.int('keepdims', 1)] });
    const normed = g.op('Div', [x, g.op('Sqrt', [g.op('Add', [meanSq, g.float(eps)])])]);
    // Gemma stores w − 1: the scale is (1 + w), folded into a constant by onnxruntime when w is an initializer.
    const w = onePlus ? g.op('Add', [this.w(weight), g.float(1)]) : this.w(weight);
    return this.keep(g.op('Mul', [normed, w]), x);
  }

  layerNorm(x: string, weight: string, bias: string, eps: number): string {
    return this.g.op('LayerNormalization', [x, this.w(weight), this.w(bias)], {
      attrs: [attr.int('axis', -1), attr.float('epsilon', eps)],
    });
  }

  activation(x: string, kind: Activation): string {
    const g = this.g;
    if (kind === 'silu') return g.op('Mul', [x, g.op('Sigmoid', [x])]);
    if (kind === 'gelu') {
      // x · 0.5 · (1 + erf(x / √2)): the form onnxruntime's GeluFusion matches.
      const erf = g.op('Erf', [g.op('Div', [x, g.float(Math.SQRT2)])]);
      return g.op('Mul', [g.op('Mul', [x, g.op('Add', [erf, g.float(1)])]), g.float(0.5)]);
    }
    // gelu_pytorch_tanh / gelu_new: x · 0.5 · (1 + tanh(√(2/π) · (x + 0.044715 · x³))), FastGeluFusion's form.
    const cube = g.op('Mul', [g.op('Pow', [x, g.float(3)]), g.float(0.044715)]);
    const t = g.op('Tanh', [g.op('Mul', [g.op('Add', [x, cube]), g.float(Math.sqrt(2 / Math.PI))])]);
    return g.op('Mul', [g.op('Mul', [x, g.float(0.5)]), g.op('Add', [t, g.float(1)])]);
  }

  sliceLast(x: string, start: number, size: number): string {
    const g = this.g;
    return g.op('Slice', [x, g.int64([start]), g.int64([start + size]), g.int64([-1])]);
  }

  splitHeads(x: string, heads: number, headDim: number): string {
    const key = `${heads}x${headDim}`;
    let shape = this.shapes.get(key);
    if (!shape)
      this.shapes.set(
        key,
        (shape = this.g.op('Concat', [this.tokenShape, this.g.int64([heads, headDim])], { attrs: [attr.int('axis', 0)] })),
      );
    const out = this.g.op('Transpose', [this.g.op('Reshape', [x, shape])], { attrs: [attr.ints('perm', [0, 2, 1, 3])] });
    this.headShapes.set(out, { heads, headDim });
    return out;
  }

  mergeHeads(x: string): string {
    const { heads, headDim } = this.head(x, 'mergeHeads');
    const t = this.g.op('Transpose', [x], { attrs: [attr.ints('perm', [0, 2, 1, 3])] });
    return this.g.op('Reshape', [t, this.g.int64([-1, heads * headDim])]);
  }

  rope(x: string, cos: string, sin: string): string {
    const g = this.g;
    const half = this.head(x, 'rope').headDim / 2;
    const part = (from: number, to: number) => g.op('Slice', [x, g.int64([from]), g.int64([to]), g.int64([3])]);
    const rotated = g.op('Concat', [g.op('Neg', [part(half, 2 * half)]), part(0, half)], { attrs: [attr.int('axis', 3)] });
    return this.keep(g.op('Add', [g.op('Mul', [x, cos]), g.op('Mul', [rotated, sin])]), x);
  }

  repeatKv(x: string, groups: number): string {
    // [N, kv, T, d] → [N, kv, 1, T, d] → Expand → [N, kv, groups, T, d] → [N, kv·groups, T, d].
    const g = this.g;
    const { heads, headDim } = this.head(x, 'repeatKv');
    const tiled = g.op('Expand', [g.op('Unsqueeze', [x, g.int64([2])]), g.int64([1, 1, groups, 1, 1])]);
    const out = g.op('Reshape', [tiled, g.int64([0, heads * groups, -1, headDim])]);
    this.headShapes.set(out, { heads: heads * groups, headDim });
    return out;
  }

  attention(q: string, k: string, v: string, mask: string, scale: number, softcap?: number): string {
    const g = this.g;
    const kT = g.op('Transpose', [k], { attrs: [attr.ints('perm', [0, 1, 3, 2])] });
    let scores = g.op('Mul', [g.op('MatMul', [q, kT]), g.float(scale)]);
    if (softcap !== undefined) scores = g.op('Mul', [g.op('Tanh', [g.op('Div', [scores, g.float(softcap)])]), g.float(softcap)]);
    const probs = g.op('Softmax', [g.op('Add', [scores, mask])], { attrs: [attr.int('axis', -1)] });
    return this.keep(g.op('MatMul', [probs, v]), q);
  }

  pool(x: string, index: string): string {
    // Row r of the batch starts at r·T in the [N·T, H] layout: gather rows r·T + index[r].
    const g = this.g;
    const dim = (i: number) => g.op('Gather', [this.tokenShape, g.int64([i], true)], { attrs: [attr.int('axis', 0)] });
    const starts = g.op('Mul', [g.op('Range', [g.int64([0], true), dim(0), g.int64([1], true)]), dim(1)]);
    const rows = g.op('Add', [starts, g.op('Cast', [index], { attrs: [attr.int('to', DataType.INT64)] })]);
    return g.op('Gather', [x, rows], { attrs: [attr.int('axis', 0)] });
  }
}
