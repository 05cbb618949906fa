// The generated ONNX graph, checked without onnxruntime (so this runs everywhere): well-formed (every input defined
// before use, names unique), the graph inputs each family's batch feeds, external weights in their stored dtype with
// the right byte ranges, and the probe's answer when onnxruntime-node is absent.
import test from 'node:test';
import assert from 'node:assert/strict';
import { buildBatch } from '../../../src/core/hf/batch';
import { parseHfConfig, type HfModelSpec } from '../../../src/core/hf/spec';
import { backboneTensors } from '../../../src/core/hf/tensors';
import { batchFeeds, buildHfModel, INPUT, OUTPUT } from '../../../src/core/onnx/hfGraph';
import { DataType, encodeModel, type ModelInit } from '../../../src/core/onnx/proto';
import { externalWeights, inputWeights, type ExternalTensor } from '../../../src/core/onnx/weights';
import { ORT_FIX, probeOnnxRuntime } from '../../../src/train/ort/ortRuntime';
import { RANDOM_MODELS } from './hfTestModels';

function externalModel(spec: HfModelSpec, dtype: 'F32' | 'BF16'): { model: ModelInit; tensors: Map<string, ExternalTensor> } {
  const tensors = new Map<string, ExternalTensor>();
  let offset = 8 + 1000;
  for (const t of backboneTensors(spec)) {
    const length = t.shape.reduce((a, b) => a * b, 1) * (dtype === 'F32' ? 4 : 2);
    tensors.set(t.name, { dtype, shape: t.shape, location: 'model-00001-of-00002.safetensors', offset, length });
    offset += length;
  }
  return { model: buildHfModel(spec, (g) => externalWeights(g, tensors)), tensors };
}

/** Every node input is a graph input, an initializer or an earlier node's output; every value is defined once. */
function assertWellFormed(m: ModelInit): void {
  const defined = new Set<string>([...m.graph.inputs.map((i) => i.name), ...m.graph.initializers.map((i) => i.name)]);
  assert.equal(defined.size, m.graph.inputs.length + m.graph.initializers.length, 'input and initializer names are unique');
  for (const n of m.graph.nodes) {
    for (const i of n.inputs) assert.ok(defined.has(i), `${n.opType} reads "${i}" before it is defined`);
    for (const o of n.outputs) {
      assert.ok(!defined.has(o), `"${o}" is defined twice`);
      defined.add(o);
    }
  }
  for (const o of m.graph.outputs) assert.ok(defined.has(o.name), `output "${o.name}" is never computed`);
}

test('every family builds a well-formed graph with the inputs its batch feeds', () => {
  for (const r of RANDOM_MODELS) {
    const spec = parseHfConfig(r.config, r.name);
    const { model } = externalModel(spec, 'F32');
    assertWellFormed(model);
    const inputs = model.graph.inputs.map((i) => i.name).sort();
    const batch = buildBatch(
      spec,
      [
        [1, 2, 3],
        [4, 5],
      ],
      { padId: 0, side: 'left', pooling: 'last-token' },
    );
    const feeds = batchFeeds(spec, batch);
    assert.deepEqual(inputs, [...Object.keys(feeds), INPUT.head].sort(), `${r.name}: graph inputs = batch feeds + head`);
    for (const vi of model.graph.inputs.filter((i) => i.name !== INPUT.head)) {
      const f = feeds[vi.name]!;
      assert.equal(f.dims.length, vi.dims.length, `${r.name}: rank of ${vi.name}`);
      assert.equal(
        f.data.length,
        f.dims.reduce((a, b) => a * b, 1),
        `${r.name}: size of ${vi.name}`,
      );
      assert.equal(vi.elemType, f.type === 'int32' ? DataType.INT32 : DataType.FLOAT);
    }
    assert.deepEqual(
      model.graph.outputs.map((o) => o.name),
      [OUTPUT.rewards, OUTPUT.hidden],
    );
    assert.ok(encodeModel(model).length < 200_000, `${r.name}: the graph carries no weights`);
  }
});

test('external weights point at the checkpoint bytes; BF16 matrices are cast, embedding rows are cast after the Gather', () => {
  const spec = parseHfConfig(RANDOM_MODELS.find((r) => r.name.startsWith('qwen2'))!.config, 'qwen2');
  const { model, tensors } = externalModel(spec, 'BF16');
  const inits = new Map(model.graph.initializers.map((i) => [i.name, i]));
  for (const [name, t] of tensors) {
    const init = inits.get(`w.${name}`);
    assert.ok(init, `initializer for ${name}`);
    assert.equal(init.dataType, DataType.BFLOAT16);
    assert.deepEqual(init.external, { location: t.location, offset: t.offset, length: t.length });
    assert.equal(init.raw, undefined);
  }
  const readers = (v: string) => model.graph.nodes.filter((n) => n.inputs.includes(v)).map((n) => n.opType);
  assert.deepEqual(readers('w.embed_tokens.weight'), ['Gather']);
  assert.deepEqual(readers('w.layers.0.mlp.up_proj.weight'), ['Cast']);
  const gather = model.graph.nodes.find((n) => n.inputs[0] === 'w.embed_tokens.weight')!;
  assert.deepEqual(readers(gather.outputs[0]!), ['Cast']);
  const linears = model.graph.nodes.filter((n) => n.opType === 'Gemm');
  assert.equal(linears.length, spec.numLayers * 7, 'one Gemm per projection, no MatMul + Transpose');
  assert.ok(
    linears.every((n) => n.attributes?.some((a) => a.name === 'transB' && a.value === 1)),
    'HF [out, in] weights use transB = 1',
  );
});

test('input weights: one fp32 graph input per backbone tensor, GPT-2 Conv1D weights without transB', () => {
  const spec = parseHfConfig(RANDOM_MODELS.find((r) => r.name.startsWith('gpt2'))!.config, 'gpt2');
  let fed: readonly string[] = [];
  const model = buildHfModel(spec, (g) => {
    const w = inputWeights(g, new Map(backboneTensors(spec).map((t) => [t.name, t.shape])));
    fed = w.fed;
    return w;
  });
  assertWellFormed(model);
  assert.deepEqual(
    [...fed].sort(),
    backboneTensors(spec)
      .map((t) => t.name)
      .sort(),
  );
  assert.ok(
    model.graph.nodes.filter((n) => n.opType === 'Gemm').every((n) => n.attributes?.some((a) => a.name === 'transB' && a.value === 0)),
  );
  assert.equal(model.graph.initializers.filter((i) => i.name.startsWith('w.')).length, 0);
});

test('probe: a missing onnxruntime-node is one line with the install command', async () => {
  const p = await probeOnnxRuntime({ packageName: 'onnxruntime-node-absent-for-test' });
  assert.equal(p.available, false);
  assert.equal(p.reason, 'onnxruntime-node is not usable: onnxruntime-node-absent-for-test is not installed');
  assert.equal(p.fix, ORT_FIX);
  assert.equal(ORT_FIX, 'ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node');
  assert.ok(!p.reason.includes('\n'));
});
