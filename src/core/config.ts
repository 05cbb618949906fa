// Training and model configuration: one commented block of defaults (nanoGPT style), presets, and
// validate() that returns problems instead of throwing, so the CLI, the quick input and the panel
// can all show them.

/** The objectives of paper-spec §2. 'bsr' is the paper's method, in the code's form. */
export const OBJECTIVES = ['bt', 'bsr', 'margin', 'hinge', 'norm', 'dr', 'center'] as const;

export type Objective = (typeof OBJECTIVES)[number];

/** Short names, for pickers: "BT + BSR (the paper’s method)". */
export const OBJECTIVE_NAMES: Readonly<Record<Objective, string>> = {
  bt: 'Bradley-Terry (BT)',
  bsr: 'BT + BSR (the paper’s method)',
  margin: 'BT with margin',
  hinge: 'Hinge',
  norm: 'BT-Norm',
  dr: 'BT-DR (Eurus)',
  center: 'BT + TRL centering',
};

/** One-line descriptions, for the CLI help and the quick input. */
export const OBJECTIVE_LABELS: Readonly<Record<Objective, string>> = {
  bt: 'Bradley-Terry: mean -log σ(r_w - r_l)',
  bsr: 'BT + BSR: mean BT + λ·b·mean(r)² over the 2b rewards of the micro-batch (Hong et al. 2025)',
  margin: 'BT with a constant margin m: mean -log σ(r_w - r_l - m)',
  hinge: 'Hinge: mean max(0, m - (r_w - r_l))',
  norm: 'BT-Norm: mean -log σ((r_w - r_l) / (sqrt(r_w² + r_l²) + ε))',
  dr: 'BT-DR (Eurus): mean[-log σ(Δr) - log σ(r_w) - log σ(-r_l)]',
  center: 'BT + TRL centering: mean BT + c·mean((r_w + r_l)²)',
};

/**
 * The objective as run labels and legends show it: "BSR λ=0.001", "BT", "HINGE".
 * @example objectiveTag({ objective: 'bsr', lambda: 1e-3 }) // 'BSR λ=0.001'
 */
export function objectiveTag(config: Pick<TrainConfig, 'objective' | 'lambda'>): string {
  return config.objective === 'bsr' ? `BSR λ=${config.lambda}` : config.objective.toUpperCase();
}

/** Model sizes, in the order pickers and messages list them (PRESETS gives each one's shape). */
export const PRESET_NAMES = ['tiny', 'small', 'base', 'reference'] as const;

export type PresetName = (typeof PRESET_NAMES)[number];

/** The transformer's shape. A pre-LN decoder; h is the final-LayerNorm state at the last real token. */
export interface ModelConfig {
  /** Compacted vocabulary size, including the special ids below. Set from the training data. */
  readonly vocabSize: number;
  /** Hidden size H. */
  readonly dModel: number;
  readonly nLayers: number;
  readonly nHeads: number;
  /** MLP hidden size, usually 4·dModel. */
  readonly dFF: number;
  /** Max tokens per sequence (prompt + separator + response). */
  readonly maxLen: number;
}

/** Size presets. 'tiny' trains in minutes on a 2-core CPU; 'reference' is the benchmark workload of shared/reference. */
export const PRESETS: Readonly<Record<PresetName, Omit<ModelConfig, 'vocabSize'> & { readonly maxVocab: number }>> = {
  tiny: { dModel: 64, nLayers: 2, nHeads: 2, dFF: 256, maxLen: 128, maxVocab: 8192 },
  small: { dModel: 128, nLayers: 4, nHeads: 4, dFF: 512, maxLen: 256, maxVocab: 16384 },
  base: { dModel: 256, nLayers: 6, nHeads: 8, dFF: 1024, maxLen: 512, maxVocab: 32768 },
  reference: { dModel: 256, nLayers: 2, nHeads: 4, dFF: 1024, maxLen: 128, maxVocab: 8192 },
};

/**
 * A preset's shape in one line, for the pickers.
 * @example presetSummary('tiny') // '2 layers · d=64 · 128 tokens'
 */
export function presetSummary(p: PresetName): string {
  const s = PRESETS[p];
  return `${s.nLayers} layers · d=${s.dModel} · ${s.maxLen} tokens`;
}

/**
 * Compute backends, declared once: 'auto', then the concrete backends in the order 'auto' tries them (fastest first).
 * The CLI flags, the setting's enum (package.json, checked by the manifest test), the pickers and the probe all use it.
 */
export const BACKEND_NAMES = ['auto', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;

export type BackendName = (typeof BACKEND_NAMES)[number];

/** How Hugging Face models are scored: 'onnx' (onnxruntime, fast on CPU), 'tfjs' (the training backends) or 'auto'. */
export const SCORING_ENGINES = ['auto', 'onnx', 'tfjs'] as const;

export type ScoringEngine = (typeof SCORING_ENGINES)[number];

/**
 * Is `v` one of a declared list (BACKEND_NAMES, OBJECTIVES, …)? A type guard, so CLI flags and settings are checked
 * against the one declaration.
 * @example isOneOf(BACKEND_NAMES, 'wasm') // true
 */
export const isOneOf = <T extends string>(list: readonly T[], v: string): v is T => (list as readonly string[]).includes(v);

export interface TrainConfig {
  /** Which loss (paper-spec §2). */
  readonly objective: Objective;
  /** BSR weight λ; the penalty is λ·b·mean(r)², so dL/dr_j = λ·mean(r). Paper default 1e-3. */
  readonly lambda: number;
  /** Constant margin m for 'margin' and 'hinge'. The paper gives none; 1.0 for hinge is our default. */
  readonly margin: number;
  /** TRL centering coefficient c for 'center'. TRL recommends 0.01. */
  readonly centerCoef: number;
  /** ε in BT-Norm's denominator, so two zero rewards do not give NaN. */
  readonly normEps: number;
  readonly preset: PresetName;
  /** Pairs per optimizer step (2·batchSize sequences). BSR acts on each micro-batch (batchSize / gradAccum pairs). */
  readonly batchSize: number;
  /**
   * Micro-batches per optimizer step: the step's pairs are cut into gradAccum micro-batches whose gradients are
   * averaged. Each micro-batch has its own loss, so BSR's λ·b·mean(r)² is per micro-batch, as in the paper's code.
   */
  readonly gradAccum: number;
  /** Train for this many epochs over the training pairs, unless `steps` is set. */
  readonly epochs: number;
  /** If > 0, train exactly this many optimizer steps (overrides epochs). */
  readonly steps: number;
  /** Peak learning rate for Adam. */
  readonly lr: number;
  /** Fraction of steps spent in linear warmup (paper: 5%), then linear decay to 0. */
  readonly warmupFrac: number;
  /** Adam β1, β2, ε. */
  readonly beta1: number;
  readonly beta2: number;
  readonly adamEps: number;
  /** Clip the global gradient norm to this value (0 = off). */
  readonly gradClip: number;
  /** Seed for initialisation, shuffling and held-out splits. Same seed + data + backend = same run. */
  readonly seed: number;
  /** Log metrics (the only GPU→CPU read of the loop) every N steps. */
  readonly logEvery: number;
  /** Evaluate on the eval sets every N steps (0 = only at the end). */
  readonly evalEvery: number;
  /**
   * Also save a checkpoint every N steps (0 = no step schedule). Checkpoints are where resume restarts; one is saved
   * at every evaluation (evalEvery), every `checkpointMinutes` and at the end in any case, and the last two are kept.
   */
  readonly checkpointEvery: number;
  /** Save a checkpoint when this many minutes passed since the last one (0 = no time schedule), so a crash loses at most that. */
  readonly checkpointMinutes: number;
  /** Fraction of the training file held out as an in-domain eval set when no eval file is given (0 = none). */
  readonly holdoutFrac: number;
  /** Compute backend; 'auto' picks the best that actually works (see the doctor). */
  readonly backend: BackendName;
}

export const DEFAULTS: TrainConfig = {
  objective: 'bt',
  lambda: 1e-3,
  margin: 1.0,
  centerCoef: 0.01,
  normEps: 1e-8,
  preset: 'tiny',
  batchSize: 16,
  gradAccum: 1,
  epochs: 1,
  steps: 0,
  lr: 1e-3,
  warmupFrac: 0.05,
  beta1: 0.9,
  beta2: 0.999,
  adamEps: 1e-8,
  gradClip: 1.0,
  seed: 1,
  logEvery: 10,
  evalEvery: 0,
  checkpointEvery: 0,
  checkpointMinutes: 5,
  holdoutFrac: 0,
  backend: 'auto',
};

/** Returns one message per problem ("batchSize must be an integer ≥ 1, got 0"); empty when valid. */
export function validateTrainConfig(cfg: TrainConfig): string[] {
  const problems: string[] = [];
  const intAtLeast = (name: keyof TrainConfig, min: number) => {
    const v = cfg[name] as number;
    if (!Number.isInteger(v) || v < min) problems.push(`${name} must be an integer ≥ ${min}, got ${v}`);
  };
  const positive = (name: keyof TrainConfig) => {
    const v = cfg[name] as number;
    if (!(Number.isFinite(v) && v > 0)) problems.push(`${name} must be a positive number, got ${v}`);
  };
  const nonNegative = (name: keyof TrainConfig) => {
    const v = cfg[name] as number;
    if (!(Number.isFinite(v) && v >= 0)) problems.push(`${name} must be a number ≥ 0, got ${v}`);
  };
  if (!OBJECTIVES.includes(cfg.objective)) problems.push(`objective must be one of ${OBJECTIVES.join(', ')}, got ${cfg.objective}`);
  if (!(cfg.preset in PRESETS)) problems.push(`preset must be one of ${PRESET_NAMES.join(', ')}, got ${cfg.preset}`);
  intAtLeast('batchSize', 1);
  intAtLeast('gradAccum', 1);
  if (Number.isInteger(cfg.gradAccum) && Number.isInteger(cfg.batchSize) && cfg.batchSize >= 1 && cfg.gradAccum > cfg.batchSize)
    problems.push(`gradAccum (${cfg.gradAccum}) must not exceed batchSize (${cfg.batchSize}): each micro-batch needs at least one pair`);
  intAtLeast('epochs', 1);
  intAtLeast('steps', 0);
  intAtLeast('seed', 0);
  intAtLeast('logEvery', 1);
  intAtLeast('evalEvery', 0);
  intAtLeast('checkpointEvery', 0);
  positive('lr');
  nonNegative('lambda');
  nonNegative('margin');
  nonNegative('centerCoef');
  positive('normEps');
  nonNegative('gradClip');
  nonNegative('checkpointMinutes');
  if (!(cfg.warmupFrac >= 0 && cfg.warmupFrac < 1)) problems.push(`warmupFrac must be in [0, 1), got ${cfg.warmupFrac}`);
  if (!(cfg.holdoutFrac >= 0 && cfg.holdoutFrac < 1)) problems.push(`holdoutFrac must be in [0, 1), got ${cfg.holdoutFrac}`);
  for (const b of ['beta1', 'beta2'] as const) if (!(cfg[b] >= 0 && cfg[b] < 1)) problems.push(`${b} must be in [0, 1), got ${cfg[b]}`);
  return problems;
}

/**
 * Learning rate at a step: linear warmup over warmupFrac·totalSteps, then linear decay to 0 (Tulu 3 / paper App. A).
 * @example lrAt(0, 100, { lr: 1e-3, warmupFrac: 0.1 }) // 1e-4: the first warmup step
 */
export function lrAt(step: number, totalSteps: number, cfg: Pick<TrainConfig, 'lr' | 'warmupFrac'>): number {
  const warmup = Math.max(1, Math.round(cfg.warmupFrac * totalSteps));
  // 1) Linear warmup: step 0 gets lr/warmup, so the very first update is already non-zero.
  if (step < warmup) return (cfg.lr * (step + 1)) / warmup;
  // 2) Linear decay from lr at the end of warmup to 0 at totalSteps.
  const rest = Math.max(1, totalSteps - warmup);
  return cfg.lr * Math.max(0, 1 - (step - warmup) / rest);
}
