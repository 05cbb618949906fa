// The onnxruntime scoring engine for Hugging Face reward models. Import this module lazily (await import): it loads
// nothing heavy itself, but everything behind it is only useful once onnxruntime-node is there.
export { openOrtScorer, type OrtScorerOptions } from './ortScorer';
export { probeOnnxRuntime, loadOnnxRuntime, OrtUnavailable, ORT_FIX, type OrtProbe } from './ortRuntime';
export {
  createHfSession,
  defaultCacheDir,
  graphKey,
  writeGraphFile,
  GRAPH_FORMAT,
  type WeightPassing,
  type OrtSessionConfig,
} from './ortModel';
