// onnxruntime-node, loaded lazily: it is an optional dependency (a native addon of ~45 MB), so nothing may import it
// at module load. Everything this engine uses of it is typed here, which also keeps type-checking independent of
// whether the package is installed. The doctor's probe builds a one-node model with our own ONNX writer and runs it,
// so "available" means the whole path (writer → session → run) works, not just that the addon loads.
import os from 'node:os';
import { GraphBuilder, attr } from '../../core/onnx/graphBuilder';
import { DataType, encodeModel } from '../../core/onnx/proto';
import { errorText, loadPackage, packageVersion } from '../backends/load';

export type OrtData = Float32Array | Int32Array;

export interface OrtTensor {
  readonly data: OrtData;
  readonly dims: readonly number[];
  readonly type: string;
  dispose?(): void;
}

export interface OrtSessionOptions {
  readonly intraOpNumThreads?: number;
  readonly interOpNumThreads?: number;
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  readonly executionMode?: 'sequential' | 'parallel';
  readonly executionProviders?: readonly string[];
  readonly optimizedModelFilePath?: string;
  readonly logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  /** Session config entries (onnxruntime_session_options_config_keys.h), e.g. { session: { disable_prepacking: '1' } }. */
  readonly extra?: Record<string, Record<string, string>>;
}

export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

export interface OrtModule {
  readonly env: { readonly versions?: Readonly<Record<string, string>> };
  readonly Tensor: new (type: 'float32' | 'int32', data: OrtData, dims: readonly number[]) => OrtTensor;
  readonly InferenceSession: { create(model: string | Uint8Array, options?: OrtSessionOptions): Promise<OrtSession> };
  readonly listSupportedBackends?: () => readonly { readonly name: string; readonly bundled: boolean }[];
}

export const ORT_PACKAGE = 'onnxruntime-node';
/** The install command: the package's postinstall (a CUDA download on Linux) is not needed for CPU scoring. */
export const ORT_FIX = 'ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node';

/** onnxruntime-node could not be loaded; the message is one line, `fix` a command that fixes it. */
export class OrtUnavailable extends Error {
  readonly fix = ORT_FIX;
  constructor(reason: string) {
    super(`onnxruntime-node is not usable: ${reason} (fix: ${ORT_FIX})`);
    this.name = 'OrtUnavailable';
  }
}

const loaded = new Map<string, Promise<OrtModule>>();

/**
 * The module, loaded once. Rejects with OrtUnavailable (one line + fix) when the package or its binary is missing.
 * `packageName` exists for tests of the missing-package path.
 */
export function loadOnnxRuntime(packageName = ORT_PACKAGE): Promise<OrtModule> {
  let p = loaded.get(packageName);
  if (p) return p;
  p = loadPackage<OrtModule>(packageName).then(
    (m) => {
      if (typeof m?.InferenceSession?.create !== 'function') throw new OrtUnavailable(`${packageName} loaded but has no InferenceSession`);
      return m;
    },
    (e: unknown) => {
      const missing = (e as { code?: string }).code === 'MODULE_NOT_FOUND' && packageVersion(packageName) === null;
      throw new OrtUnavailable(missing ? `${packageName} is not installed` : errorText(e));
    },
  );
  loaded.set(packageName, p);
  p.catch(() => loaded.delete(packageName)); // a later install is picked up by the next call
  return p;
}

export interface OrtProbe {
  readonly available: boolean;
  readonly reason: string;
  readonly fix?: string;
  readonly details: Readonly<Record<string, string | number | boolean>>;
}

export interface ProbeOptions {
  /** Threads the smoke test runs with (default: onnxruntime's choice). */
  readonly threads?: number;
  readonly packageName?: string;
}

const probes = new Map<string, Promise<OrtProbe>>();

/**
 * For the doctor and the engine choice: loads onnxruntime-node and runs a one-Gemm model built by src/core/onnx
 * (x·Wᵀ + b). A successful probe is remembered (engine choice asks on every model open); a failed one is retried.
 */
export function probeOnnxRuntime(o: ProbeOptions = {}): Promise<OrtProbe> {
  const key = `${o.packageName ?? ORT_PACKAGE}:${o.threads ?? ''}`;
  let p = probes.get(key);
  if (!p) {
    p = probe(o.packageName ?? ORT_PACKAGE, o.threads);
    probes.set(key, p);
    void p.then((r) => {
      if (!r.available) probes.delete(key);
    });
  }
  return p;
}

async function probe(packageName: string, threads: number | undefined): Promise<OrtProbe> {
  const details: Record<string, string | number | boolean> = { package: packageVersion(packageName) ?? 'not installed' };
  let ort: OrtModule;
  try {
    ort = await loadOnnxRuntime(packageName);
  } catch (e) {
    return { available: false, reason: errorText(e).replace(/ \(fix: .*\)$/, ''), fix: ORT_FIX, details };
  }
  details.version = ort.env.versions?.node ?? ort.env.versions?.common ?? 'unknown';
  details.executionProviders = (ort.listSupportedBackends?.() ?? []).map((b) => `${b.name}${b.bundled ? '' : ' (not bundled)'}`).join(', ');
  details.threads = threads ?? `onnxruntime default (one per physical core; ${os.availableParallelism()} logical CPUs here)`;
  try {
    const got = await smokeRun(ort, threads);
    const want = [1 * 1 + 2 * 2 + 0.5, 1 * 3 + 2 * 4 - 0.5];
    if (got.some((v, i) => Math.abs(v - want[i]!) > 1e-6))
      return { available: false, reason: `smoke test computed [${got}], expected [${want}]`, details };
  } catch (e) {
    return { available: false, reason: `smoke test failed: ${errorText(e)}`, fix: ORT_FIX, details };
  }
  return { available: true, reason: `onnxruntime ${details.version} (CPU) ran a generated model`, details };
}

async function smokeRun(ort: OrtModule, threads?: number): Promise<number[]> {
  const g = new GraphBuilder();
  const x = g.input('x', DataType.FLOAT, [1, 2]);
  const w = g.initializer({
    name: 'w',
    dataType: DataType.FLOAT,
    dims: [2, 2],
    raw: new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer),
  });
  const b = g.initializer({ name: 'b', dataType: DataType.FLOAT, dims: [2], raw: new Uint8Array(new Float32Array([0.5, -0.5]).buffer) });
  g.output('y', g.op('Gemm', [x, w, b], { attrs: [attr.int('transB', 1)] }), DataType.FLOAT, [1, 2]);
  const session = await ort.InferenceSession.create(encodeModel(g.toModel('smoke')), threads ? { intraOpNumThreads: threads } : {});
  try {
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array([1, 2]), [1, 2]) });
    return Array.from(out.y!.data);
  } finally {
    await session.release();
  }
}
