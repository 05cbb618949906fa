// The data model shared by every runtime (CLI, worker, extension host, webview).
// Pure types: no vscode, no tfjs, no DOM. Every record remembers where it came from (file + line)
// so that errors, Problems entries and "reveal row" clicks can point at the exact place.

/** Where a record (or a bad row) sits in its source file. Lines are 1-based. */
export interface SourceRef {
  /** Path as given by the user (not normalised), so messages echo what they typed. */
  readonly file: string;
  /** 1-based line of the record: the JSONL line, the CSV line, or the line where a JSON array element starts. Parquet: row index + 1. */
  readonly line: number;
  /** 0-based index of the record among the file's records (rows), for formats without meaningful lines. */
  readonly row: number;
}

/** One chat message, as in TRL's conversational format. */
export interface ChatMessage {
  readonly role: string;
  readonly content: string;
}

/** The preference file formats Reward Lens can detect. */
export type DatasetFormat =
  | 'trl-pairwise' // prompt?, chosen, rejected as strings or message lists; optional margin
  | 'hh-rlhf' // chosen/rejected full transcripts with \n\nHuman: / \n\nAssistant:
  | 'ultrafeedback' // prompt, chosen[], rejected[], score_chosen, score_rejected (also Argilla's hyphenated fields)
  | 'skywork' // chosen[], rejected[], source
  | 'rewardbench' // prompt, chosen, rejected, subset, id, chosen_model, rejected_model
  | 'rm-bench' // prompt, chosen[3], rejected[3], domain/subset -> 3x3 style pairs
  | 'multi-wide' // instruction, response_k_text, all_scores
  | 'multi-long' // one row per response: prompt, generator/model, output, score
  | 'llmbar' // input, output_1, output_2, label
  | 'responses' // single labelled responses, no pair structure (e.g. XSTest completions): rows counted, no pairs
  | 'prompts' // prompts only (e.g. XSTest prompts): rows counted, no pairs
  | 'custom' // explicit field mapping from the user
  | 'pku-saferlhf' // prompt, response_0, response_1, better_response_id (safer_response_id as a second label)
  | 'chatbot-arena' // conversation_a/conversation_b message lists, model_a/model_b, winner (ties counted)
  | 'helpsteer2-preference' // prompt, response_1, response_2, signed preference_strength (< 0: response_1 wins)
  | 'helpsteer3' // context (messages), response1, response2, signed overall_preference (−3…3; 0 a tie)
  | 'ppe-human' // PPE human preference: prompt, response_1, response_2, winner
  | 'ab-label' // generic A/B: a prompt, two responses (response_a/b, answer_a/b, output_1/2, …) and a winner label
  | 'rewardbench-2' // id, prompt, chosen[] (≥1), rejected[] (≥1, usually 3), num_correct, subset
  | 'ppe-correctness' // PPE best-of-K: prompt, response_1…response_K, scores[] (correct or not) per response
  | 'ultrafeedback-raw' // instruction, completions[] with annotations / fine-grained_score / overall_score
  | 'nectar' // prompt, answers[] with answer, model, rank (lower is better)
  | 'helpsteer2'; // one row per response: prompt, response, helpfulness, correctness, coherence, complexity, verbosity

/** A single preference pair: the unit of training and of accuracy. */
export interface PreferencePair {
  /** Stable id: the dataset's own id when it has one, else `${basename}:${line}` (plus `#k` when one row yields several pairs). */
  readonly id: string;
  /** The prompt as plain text (message lists are rendered with renderMessages()). May be '' when the data has no prompt. */
  readonly prompt: string;
  readonly chosen: string;
  readonly rejected: string;
  /** Grouping keys found in the data: subset, source, domain, chosen_model, rejected_model, generator, style (RM-Bench hard/normal/easy), split… */
  readonly groups: Readonly<Record<string, string>>;
  /** Optional per-pair margin from the data (TRL `margin`, or score_chosen - score_rejected). */
  readonly margin?: number;
  /**
   * The turns, when the data gave message lists (TRL conversational, UltraFeedback, Skywork): a chat template then
   * sees the real conversation rather than the rendered text. `chosen`/`rejected` are the messages after the prompt.
   */
  readonly messages?: {
    readonly prompt: readonly ChatMessage[];
    readonly chosen: readonly ChatMessage[];
    readonly rejected: readonly ChatMessage[];
  };
  /**
   * The cell of a multi-completion benchmark row this pair is (RewardBench 2: chosen[chosen] vs rejected[rejected] of
   * row `row`), so the benchmark's own per-row score can be rebuilt from the pairs' rewards.
   */
  readonly item?: BenchmarkItem;
  readonly source: SourceRef;
}

/** Where a pair sits in a benchmark row with several correct and incorrect completions. */
export interface BenchmarkItem {
  readonly bench: 'rewardbench-2';
  /** The row's id (RewardBench 2 Ties rows: "ref:N" or "tied:N"). */
  readonly row: string;
  readonly chosen: number;
  readonly rejected: number;
}

/** One response with a gold score, for ranking metrics (Kendall's tau) and for building pairs. */
export interface ScoredResponse {
  readonly text: string;
  /** Gold score (higher is better). NaN when unknown. */
  readonly gold: number;
  /** The model that generated the response, when known (response-OOD splits need it). */
  readonly model?: string;
  /** Per-response flags from the data, e.g. AlpacaEval's `is_adversarial` ('true' for NullModel), so it can be excluded or probed. */
  readonly groups?: Readonly<Record<string, string>>;
  /** The field the gold score was read from ('win_prob_vs_baseline', 'all_scores', …), so reports can say which. */
  readonly goldField?: string;
  readonly source: SourceRef;
}

/** A prompt with several scored responses (AlpacaEval-style long rows, or wide rows with all_scores). */
export interface MultiResponseGroup {
  /** Stable id of the prompt: the dataset's prompt id when present, else a hash of the normalised prompt. */
  readonly id: string;
  readonly prompt: string;
  readonly responses: readonly ScoredResponse[];
  readonly groups: Readonly<Record<string, string>>;
  readonly source: SourceRef;
}

/** A row that was not used, and why. Nothing is dropped without one of these. */
export interface SkippedRow {
  readonly file: string;
  readonly line: number;
  /** The field at fault, when one is ('chosen', 'rejected', 'prompt', …). Absent for whole-row problems such as malformed JSON. */
  readonly field?: string;
  readonly reason: SkipReason;
  /** Human-readable detail, e.g. the JSON parse error or the offending type. */
  readonly detail: string;
}

export type SkipReason =
  | 'malformed' // not parseable (JSON syntax, CSV quoting)
  | 'missing-field'
  | 'empty-field'
  | 'not-a-string' // content is not text (number, object, …)
  | 'identical' // chosen == rejected
  | 'too-long' // over maxChars
  | 'bad-label' // e.g. LLMBar label not 1/2, or non-numeric score
  | 'unrecognised'; // row does not match the detected schema

/** How many texts were truncated while loading (over-long texts are cut to maxChars when policy is 'truncate'). */
export interface TruncationReport {
  readonly prompt: number;
  readonly chosen: number;
  readonly rejected: number;
  readonly response: number;
}

/**
 * Overrides for schema detection (CLI --prompt-key/--chosen-key/--rejected-key, --a-key/--b-key/--label-key,
 * --a-wins/--b-wins; settings rewardLens.data.fieldMapping and rewardLens.data.fieldMappings). Every key may be a dotted
 * path into nested objects ("output.text", "conversations.0.value").
 *
 * With chosen/rejected the file is read as pairs of those fields. With a/b the file is two responses and a label that
 * names the winner. With only label (and a-wins/b-wins) detection still runs and the detected labelled family reads its
 * winner from that field instead (PKU-SafeRLHF: label "safer_response_id").
 */
export interface FieldMapping {
  readonly prompt?: string;
  readonly chosen?: string;
  readonly rejected?: string;
  /** The first response of an A/B row. */
  readonly a?: string;
  /** The second response of an A/B row. */
  readonly b?: string;
  /** The field naming the winner. */
  readonly label?: string;
  /** Label values that mean "a wins" (compared as trimmed strings, case-insensitively); default: the usual spellings. */
  readonly aWins?: readonly string[];
  /** Label values that mean "b wins". */
  readonly bWins?: readonly string[];
  /** Label values that mean a tie (counted, never paired); default: tie, tie (bothbad), A=B, … */
  readonly ties?: readonly string[];
}

export interface LoadOptions {
  readonly mapping?: FieldMapping;
  /**
   * Editor text only: the document line the text starts at (a window of a big JSON Lines file; default 1), so rows,
   * skipped lines and line-based ids keep the document's numbers. JSON Lines only.
   */
  readonly firstLine?: number;
  /** Texts longer than this many characters are skipped ('skip') or cut ('truncate'). Default 100_000, 'skip'. */
  readonly maxChars?: number;
  readonly overLong?: 'skip' | 'truncate';
  /** Stop after this many records (for previews and tests). */
  readonly limit?: number;
  /**
   * The gold score of multi-attribute rows (HelpSteer2, UltraFeedback raw): an attribute name ("helpfulness",
   * "overall_score") or a weighted sum "helpfulness=0.65,correctness=0.8". Default: helpfulness (HelpSteer2),
   * fine-grained_score (UltraFeedback).
   */
  readonly gold?: string;
  /**
   * Streaming: each pair is handed here as it is read and not kept in `pairs` (a 1 GB file is inspected or scored
   * with bounded memory). Counts, groups, skipped rows and the accounting are as without it.
   */
  readonly onPair?: (pair: PreferencePair) => void;
  /**
   * Backpressure for onPair: the file readers await this between records (JSONL lines, text chunks, row groups,
   * record batches), so a consumer that scores pairs as they come keeps the reader from running ahead of it.
   */
  readonly waitForConsumer?: () => Promise<void> | void;
}

/** The result of loading one file. */
export interface LoadedDataset {
  readonly file: string;
  readonly format: DatasetFormat;
  /** Records read from the file (lines, array elements, CSV rows, parquet rows), including skipped ones. */
  readonly rows: number;
  readonly pairs: readonly PreferencePair[];
  /** Multi-response prompts (empty for pairwise formats). */
  readonly multi: readonly MultiResponseGroup[];
  readonly skipped: readonly SkippedRow[];
  readonly truncated: TruncationReport;
  /** Facts a user should know that are not errors ("no pairs: this file holds single responses; see derived_pairs.jsonl"). */
  readonly notes: readonly string[];
  /**
   * Group key -> value -> number of pairs. For multi-response data: number of prompts, except `generator`, which
   * counts responses. For responses-only and prompts-only files: number of rows (e.g. XSTest `type`, `final_label`).
   */
  readonly groups: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** What became of every row: rows = pairRows + skippedRows + the non-pair rows (checked whenever a file is read). */
  readonly accounting: RowAccounting;
  /** How the format was chosen, in words: the rule that matched and on how many sampled records, or the mapping used. */
  readonly detection?: string;
  /** The rows whose label is a tie (line and the label as spelled), so the editor can mark them; absent when none. */
  readonly tieRows?: readonly { readonly line: number; readonly label: string }[];
  /** Pairs handed to LoadOptions.onPair (then `pairs` is empty); absent when pairs are kept. */
  readonly streamedPairs?: number;
}

/** Rows that are not preference pairs by nature, by kind. */
export type NonPairRowKind = 'prompt-only' | 'response-only' | 'scored-response' | 'multi-response' | 'tie';

/**
 * Every row of a file is exactly one of: a pair row (it gave at least one pair; an RM-Bench row gives up to nine and
 * may have some of its elements skipped), a skipped row (it gave nothing, and has SkippedRow entries saying why), or a
 * non-pair row of a file that holds prompts, single responses or scored responses, or a labelled row whose label is a
 * tie (counted by kind, never silently, and never guessed into a pair).
 */
export interface RowAccounting {
  readonly pairRows: number;
  readonly skippedRows: number;
  readonly nonPairRows: Readonly<Partial<Record<NonPairRowKind, number>>>;
}
