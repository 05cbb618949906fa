// What identities a loaded dataset offers the scenario split builder: prompt-group fields, response models, and
// how many responses lack a model. The worker computes it (src/train/scenarioData.ts) for the scenarios quick input.
import type { LoadedDataset } from '../types';

export interface Count {
  readonly value: string;
  readonly count: number;
}

export interface DatasetIdentities {
  /** Prompt-group fields present on every multi-response prompt with ≥ 2 values (e.g. 'dataset'), most values first. */
  readonly promptGroupKeys: readonly string[];
  /** Values of each such key with their prompt counts, largest first. */
  readonly promptGroups: Readonly<Record<string, readonly Count[]>>;
  /** Response models with their response counts, largest first (adversarial responses not counted). */
  readonly models: readonly Count[];
  readonly prompts: number;
  readonly responses: number;
  /** Responses with no model id (response-OOD needs every response's model). */
  readonly modelless: number;
  /** Responses flagged is_adversarial (dropped by default, as the CLI does). */
  readonly adversarial: number;
}

const byCount = (m: Map<string, number>): Count[] =>
  [...m].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));

/** The identities the split builder can use. Pairwise files (no multi-response prompts) give zero prompts. */
export function datasetIdentities(ds: Pick<LoadedDataset, 'multi'>): DatasetIdentities {
  const perKey = new Map<string, Map<string, number>>();
  const models = new Map<string, number>();
  let responses = 0;
  let modelless = 0;
  let adversarial = 0;
  for (const g of ds.multi) {
    for (const [k, v] of Object.entries(g.groups)) {
      if (!v) continue;
      const m = perKey.get(k) ?? new Map<string, number>();
      m.set(v, (m.get(v) ?? 0) + 1);
      perKey.set(k, m);
    }
    for (const r of g.responses) {
      responses++;
      if (r.groups?.['is_adversarial'] === 'true') {
        adversarial++;
        continue;
      }
      if (!r.model) modelless++;
      else models.set(r.model, (models.get(r.model) ?? 0) + 1);
    }
  }
  const promptGroups: Record<string, Count[]> = {};
  for (const [k, m] of perKey) {
    const covered = [...m.values()].reduce((a, b) => a + b, 0);
    // A usable prompt-source field names the group of every prompt and has at least two groups.
    if (covered === ds.multi.length && m.size >= 2 && m.size < ds.multi.length) promptGroups[k] = byCount(m);
  }
  const promptGroupKeys = Object.keys(promptGroups).sort((a, b) =>
    a === 'dataset' ? -1 : b === 'dataset' ? 1 : promptGroups[b]!.length - promptGroups[a]!.length || a.localeCompare(b),
  );
  return { promptGroupKeys, promptGroups, models: byCount(models), prompts: ds.multi.length, responses, modelless, adversarial };
}
