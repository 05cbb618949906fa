// The fingerprint of a training run: everything that fixes its trajectory (the data files' bytes, the objective and
// its coefficients, the optimiser's hyper-parameters, the preset, the seed, the number of steps). Written into the
// run's config.json at the start; `--resume` recomputes it and refuses to continue when any entry differs, naming
// each one. Entries are flat and named, so a new input (a pretrained backbone: its path, config hash and shard
// sha256s) is one more entry, `backbone`, and an older run without it reads as "backbone: was (none), now …".
import type { Objective, TrainConfig } from './config';
import type { FieldMapping } from './types';

/** A file's identity: its bytes. `path` is how the user named it, shown in messages but not compared. */
export interface FileDigest {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

export type FingerprintValue = string | number | boolean | null | FileDigest | readonly FileDigest[] | Readonly<Record<string, unknown>>;

export interface RunFingerprint {
  readonly version: 1;
  readonly entries: Readonly<Record<string, FingerprintValue>>;
}

/** The loss coefficients each objective reads (the others do not change its trajectory). */
const LOSS_KEYS: Readonly<Record<Objective, readonly (keyof TrainConfig)[]>> = {
  bt: [],
  bsr: ['lambda'],
  margin: ['margin'],
  hinge: ['margin'],
  norm: ['normEps'],
  dr: [],
  center: ['centerCoef'],
};

/** Hyper-parameters that change the weights (logging, evaluation and checkpoint schedules do not). */
const TRAJECTORY_KEYS: readonly (keyof TrainConfig)[] = [
  'preset',
  'seed',
  'batchSize',
  'epochs',
  'steps',
  'lr',
  'warmupFrac',
  'beta1',
  'beta2',
  'adamEps',
  'gradClip',
  'holdoutFrac',
];

export interface FingerprintInput {
  readonly config: TrainConfig;
  readonly totalSteps: number;
  readonly trainFiles: readonly FileDigest[];
  readonly evalFiles: readonly FileDigest[];
  readonly mapping?: FieldMapping;
  /** More inputs that define the trajectory (e.g. `backbone`), added as they are. */
  readonly extra?: Readonly<Record<string, FingerprintValue>>;
}

export function trainingFingerprint(input: FingerprintInput): RunFingerprint {
  const c = input.config;
  const entries: Record<string, FingerprintValue> = { objective: c.objective };
  for (const k of [...LOSS_KEYS[c.objective], ...TRAJECTORY_KEYS]) entries[k] = c[k] as string | number;
  // Added after fingerprints existed: recorded only when not the default, so earlier runs still resume.
  if ((c.gradAccum ?? 1) > 1) entries['gradAccum'] = c.gradAccum;
  entries['totalSteps'] = input.totalSteps;
  entries['trainFiles'] = input.trainFiles;
  entries['evalFiles'] = input.evalFiles;
  entries['fieldMapping'] = input.mapping ? { ...input.mapping } : null;
  return { version: 1, entries: { ...entries, ...(input.extra ?? {}) } };
}

const isDigest = (v: unknown): v is FileDigest => typeof v === 'object' && v !== null && 'sha256' in v && 'bytes' in v;
/** What is compared: a digest by its bytes and hash (a moved or renamed file with the same content is the same input). */
const comparable = (v: unknown): unknown => (Array.isArray(v) ? v.map(comparable) : isDigest(v) ? { bytes: v.bytes, sha256: v.sha256 } : v);
const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));

function fileListDiff(name: string, a: readonly FileDigest[], b: readonly FileDigest[]): string[] {
  if (a.length !== b.length)
    return [
      `${name}: was ${a.length} (${a.map((f) => f.path).join(', ') || 'none'}), now ${b.length} (${b.map((f) => f.path).join(', ') || 'none'})`,
    ];
  return a.flatMap((x, i) => {
    const y = b[i]!;
    if (x.sha256 === y.sha256 && x.bytes === y.bytes) return [];
    return [
      `${name}[${i}] ${y.path}: content differs from ${x.path} (${x.bytes} → ${y.bytes} bytes, sha256 ${x.sha256.slice(0, 12)}… → ${y.sha256.slice(0, 12)}…)`,
    ];
  });
}

/**
 * One line per entry that differs between the run's recorded fingerprint and the one of this resume:
 * `lr: was 0.001, now 0.003`, `trainFiles[0] b.jsonl: content differs from a.jsonl (…)`. Empty when they agree.
 */
export function fingerprintDiff(prior: RunFingerprint, now: RunFingerprint): string[] {
  const keys = [...new Set([...Object.keys(prior.entries), ...Object.keys(now.entries)])];
  return keys.flatMap((k) => {
    const a = prior.entries[k];
    const b = now.entries[k];
    if (JSON.stringify(comparable(a)) === JSON.stringify(comparable(b))) return [];
    if (Array.isArray(a) && Array.isArray(b) && a.every(isDigest) && b.every(isDigest)) return fileListDiff(k, a, b);
    return [`${k}: was ${show(a)}, now ${show(b)}`];
  });
}
