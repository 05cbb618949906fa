// The model summary of a folder on this machine (reads headers and the tokenizer only; no weights).
import os from 'node:os';
import { HfTokenizer } from '../../core/hf/tokenizer';
import { backboneTensors } from '../../core/hf/tensors';
import { summariseModel, type ModelSummary } from '../../core/hf/summary';
import { openHfFolder } from './modelFolder';

export function describeHfFolder(dir: string, maxTokens: number): ModelSummary {
  const f = openHfFolder(dir);
  const tok = new HfTokenizer(f.tokenizer);
  const headShape = f.layout.head.tensor ? f.weights.tensors.get(f.layout.head.tensor)!.shape : [1, f.spec.hiddenSize];
  return summariseModel({
    spec: f.spec,
    head: f.layout.head,
    headParameters: headShape.reduce((a, b) => a * b, 1),
    backboneParameters: backboneTensors(f.spec).reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0),
    dtypes: f.weights.dtypes as Record<string, number>,
    bytesOnDisk: f.weights.files.reduce((a, x) => a + x.bytes, 0),
    shards: f.weights.files.length,
    tokenizerKind: tok.kind,
    tokenizerVocab: tok.vocabSize(),
    ...(tok.chatTemplate ? { chatTemplateFrom: tok.chatTemplate.from } : {}),
    tokenOf: (id) => tok.decode([id]),
    maxTokens: Math.min(maxTokens, f.spec.maxPositions),
    freeMemoryBytes: os.freemem(),
  });
}
