// Cheap content detection: is this open document preference data? Used so that activating on every
// .json/.csv file (package.json, tsconfig.json, …) costs one regex over the first few KB and nothing more.

/** Keys that only preference/ranking datasets carry (the formats of src/core/types.ts DatasetFormat). */
const PAIR_KEYS = /["']?(chosen|rejected|output_1|output_2|all_scores|response_\d+_text|completions|better_response_id|safer_response_id|conversation_a|preference_strength|overall_preference|response_[ab]|answer_a|answers)["']?\s*[:,]/i;
/** HelpSteer2 attribute rows: a response with its helpfulness rating. */
const ATTRIBUTE_KEYS = [/["']?response["']?\s*[:,]/i, /["']?helpfulness["']?\s*[:,]/i] as const;
/** Single-response-with-score rows (AlpacaEval-style long format): both keys must appear. */
const LONG_KEYS = [/["']?output["']?\s*[:,]/i, /["']?(score|win_prob_vs_baseline|preference_vs_baseline|gold|rank)["']?\s*[:,]/i] as const;
const CSV_HEADER = /(^|,)\s*"?(chosen|rejected|output_1|all_scores|response_\d+_text|response_[01ab]|answer_a|better_response_id|preference_strength|helpfulness)"?\s*(,|$)/i;

/** How many characters of a file the sniff looks at. */
export const SNIFF_CHARS = 8192;

/**
 * True when the start of a document looks like preference data Reward Lens can score.
 * `extraKeys` are the user's field mapping (rewardLens.data.fieldMapping), which may use any key names.
 * @example looksLikePreferenceData('a.jsonl', '{"prompt":"hi","chosen":"a","rejected":"b"}') // true
 * @example looksLikePreferenceData('package.json', '{"name":"x","version":"1.0.0"}') // false
 */
export function looksLikePreferenceData(fileName: string, head: string, extraKeys: readonly string[] = []): boolean {
  const text = head.slice(0, SNIFF_CHARS);
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.parquet')) return true; // binary: the worker decides; the custom editor shows its verdict
  if (lower.endsWith('.csv') || lower.endsWith('.tsv')) {
    const header = text.split(/\r?\n/, 1)[0] ?? '';
    return CSV_HEADER.test(header.replace(/\t/g, ',')) || hasAllKeys(header, extraKeys);
  }
  if (PAIR_KEYS.test(text)) return true;
  if (LONG_KEYS.every((re) => re.test(text))) return true;
  if (ATTRIBUTE_KEYS.every((re) => re.test(text))) return true;
  return hasAllKeys(text, extraKeys);
}

function hasAllKeys(text: string, keys: readonly string[]): boolean {
  const usable = keys.filter((k) => k.length > 0);
  return usable.length >= 2 && usable.every((k) => text.includes(k));
}
