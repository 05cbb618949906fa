// How the decoder's weights enter an ONNX graph (GraphWeights for graphOps.ts). Two ways, both without a second
// fp32 copy of the checkpoint in memory:
//   external  initializers whose bytes stay in the user's safetensors files (TensorProto external data: file,
//             offset, length), in the file's own dtype; BF16/F16 matrices get a Cast to float that onnxruntime folds
//             into a constant (then pre-packs) when the session is created, while embedding tables stay in their
//             dtype and only the gathered rows are cast. Nothing is copied next to the model folder.
//   inputs    each weight is a graph input, fed from a JS Float32Array on every run (onnxruntime reads it in place).
// docs/onnx-engine.md has the measurements behind the engine's default.
import { attr, type GraphBuilder } from './graphBuilder';
import type { GraphWeights } from './graphOps';
import { DataType, type DataTypeCode } from './proto';
import type { HfDtype } from '../hf/safetensorsHeader';

/** One checkpoint tensor as the graph needs it: its dtype, shape, and where its bytes are. */
export interface ExternalTensor {
  readonly dtype: HfDtype;
  readonly shape: readonly number[];
  /** The shard's file name, relative to the folder onnxruntime resolves external data against. */
  readonly location: string;
  /** Absolute byte offset of the tensor in the file, and its length. */
  readonly offset: number;
  readonly length: number;
}

const ONNX_DTYPE: Partial<Record<HfDtype, DataTypeCode>> = { F32: DataType.FLOAT, F16: DataType.FLOAT16, BF16: DataType.BFLOAT16 };

/** Weights as external-data initializers; `tensors` maps canonical names to checkpoint locations. */
export function externalWeights(g: GraphBuilder, tensors: ReadonlyMap<string, ExternalTensor>): GraphWeights {
  const stored = new Map<string, { value: string; cast: boolean }>();
  const asFloat = new Map<string, string>();
  const table = (name: string) => {
    const hit = stored.get(name);
    if (hit) return hit;
    const t = tensors.get(name);
    if (!t) throw new Error(`ONNX graph: no checkpoint tensor for weight "${name}"`);
    const dataType = ONNX_DTYPE[t.dtype];
    if (dataType === undefined)
      throw new Error(`${t.location}: tensor "${name}" has dtype ${t.dtype}; only F32, F16 and BF16 weights are supported`);
    const value = g.initializer({
      name: `w.${name}`,
      dataType,
      dims: t.shape,
      external: { location: t.location, offset: t.offset, length: t.length },
    });
    const entry = { value, cast: dataType !== DataType.FLOAT };
    stored.set(name, entry);
    return entry;
  };
  return {
    table,
    weight(name) {
      const hit = asFloat.get(name);
      if (hit) return hit;
      const t = table(name);
      const value = t.cast ? g.op('Cast', [t.value], { attrs: [attr.int('to', DataType.FLOAT)] }) : t.value;
      asFloat.set(name, value);
      return value;
    },
  };
}

/** Weights as fp32 graph inputs named `w.<canonical name>`; `fed` lists them in the order they were declared. */
export function inputWeights(
  g: GraphBuilder,
  shapes: ReadonlyMap<string, readonly number[]>,
): GraphWeights & { readonly fed: readonly string[] } {
  const fed: string[] = [];
  const made = new Map<string, string>();
  return {
    fed,
    weight(name) {
      const hit = made.get(name);
      if (hit) return hit;
      const shape = shapes.get(name);
      if (!shape) throw new Error(`ONNX graph: no checkpoint tensor for weight "${name}"`);
      const value = g.input(`w.${name}`, DataType.FLOAT, shape);
      fed.push(name);
      made.set(name, value);
      return value;
    },
  };
}
