// An ONNX graph under construction: nodes appended in topological order (every op's inputs exist when it is
// added), fresh value names, de-duplicated constants, graph inputs and outputs. The result is a ModelInit for
// proto.ts. Opset 17 is the target: it has LayerNormalization, and it is the opset onnxruntime's graph fusions
// (SimplifiedLayerNormalization, Gelu, FusedMatMul) are all registered for.
import { DataType, type Attribute, type DataTypeCode, type ModelInit, type NodeInit, type TensorInit, type ValueInfo } from './proto';

export const OPSET = 17;
/** IR version 8 is the one paired with opset 17 (onnx/docs/Versioning.md). */
export const IR_VERSION = 8;

export const attr = {
  int: (name: string, value: number): Attribute => ({ name, type: 'int', value }),
  float: (name: string, value: number): Attribute => ({ name, type: 'float', value }),
  ints: (name: string, value: readonly number[]): Attribute => ({ name, type: 'ints', value }),
  string: (name: string, value: string): Attribute => ({ name, type: 'string', value }),
};

export interface OpOptions {
  readonly attrs?: readonly Attribute[];
  /** Output name (default: a fresh name from the op type). */
  readonly out?: string;
  readonly domain?: string;
}

export class GraphBuilder {
  readonly nodes: NodeInit[] = [];
  readonly initializers: TensorInit[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  private readonly names = new Set<string>();
  private readonly constants = new Map<string, string>();
  private readonly domains = new Set<string>();
  private counter = 0;

  /** A value name not used yet: `${hint}_${n}`. */
  fresh(hint: string): string {
    let name: string;
    do name = `${hint}_${this.counter++}`;
    while (this.names.has(name));
    this.names.add(name);
    return name;
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`ONNX graph: value "${name}" is defined twice`);
    this.names.add(name);
    return name;
  }

  /** Appends a single-output node and returns its output's name. */
  op(opType: string, inputs: readonly string[], o: OpOptions = {}): string {
    const out = o.out !== undefined ? this.claim(o.out) : this.fresh(opType.toLowerCase());
    this.nodes.push({
      opType,
      inputs,
      outputs: [out],
      ...(o.attrs?.length ? { attributes: o.attrs } : {}),
      ...(o.domain ? { domain: o.domain } : {}),
    });
    if (o.domain) this.domains.add(o.domain);
    return out;
  }

  input(name: string, elemType: DataTypeCode, dims: readonly (number | string)[]): string {
    this.inputs.push({ name: this.claim(name), elemType, dims });
    return name;
  }

  /** Declares `from` as a graph output called `name` (through an Identity, which onnxruntime removes). */
  output(name: string, from: string, elemType: DataTypeCode, dims: readonly (number | string)[]): void {
    this.op('Identity', [from], { out: name });
    this.outputs.push({ name, elemType, dims });
  }

  initializer(t: TensorInit): string {
    this.initializers.push({ ...t, name: this.claim(t.name) });
    return t.name;
  }

  /** An int64 constant (a 1-D tensor, or a scalar when `scalar`), shared by every op that needs the same values. */
  int64(values: readonly number[], scalar = false): string {
    const key = `i64:${scalar ? 's' : 'v'}:${values.join(',')}`;
    return this.constant(key, () => ({
      dataType: DataType.INT64,
      dims: scalar ? [] : [values.length],
      raw: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer),
    }));
  }

  /** A float32 constant: a scalar by default (broadcasts against anything). */
  float(value: number, dims: readonly number[] = []): string {
    const key = `f32:${dims.join('x')}:${value}`;
    return this.constant(key, () => ({
      dataType: DataType.FLOAT,
      dims,
      raw: new Uint8Array(new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(value).buffer),
    }));
  }

  private constant(key: string, make: () => Omit<TensorInit, 'name'>): string {
    const hit = this.constants.get(key);
    if (hit) return hit;
    const name = this.fresh('const');
    this.initializers.push({ ...make(), name });
    this.constants.set(key, name);
    return name;
  }

  toModel(name: string, metadata: Readonly<Record<string, string>> = {}): ModelInit {
    return {
      irVersion: IR_VERSION,
      opsetImports: [{ domain: '', version: OPSET }, ...[...this.domains].map((domain) => ({ domain, version: 1 }))],
      producerName: 'reward-lens',
      graph: { name, nodes: this.nodes, initializers: this.initializers, inputs: this.inputs, outputs: this.outputs },
      metadata,
    };
  }
}
