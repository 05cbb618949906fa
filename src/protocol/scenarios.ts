// Host → worker: what a file offers the over-optimization scenarios. Loading the whole dataset and building the
// splits is heavy, so the scenarios quick input asks the worker (src/train/scenarioData.ts) instead of doing it on
// the extension-host thread.
import { request } from './rpc';
import type { DatasetIdentities } from '../core/scenarios/identities';
import type { MultiSplitOptions } from '../core/scenarios/multiSplit';
import type { Refusal } from '../core/scenarios/splitTypes';
import type { FieldMapping } from '../core/types';

export interface ScenarioDataParams {
  readonly file: string;
  /** The user's field mapping for the file, when one is set. */
  readonly mapping?: FieldMapping;
  /** Split options without the prompt-group key: the worker tries the data's first usable key ('dataset' if none). */
  readonly split: Omit<MultiSplitOptions, 'promptGroupKey'>;
}

export interface ScenarioDataReport {
  readonly identities: DatasetIdentities;
  /** Scenarios the split builder refuses for this data, with its reasons; [] when every scenario can be built. */
  readonly refused: readonly Refusal[];
  /** The split builder's one-line reason when no scenario can be built at all (e.g. no multi-response prompts). */
  readonly unbuildable?: string;
}

export const InspectScenarioData = request<ScenarioDataParams, ScenarioDataReport>('scenarios/inspectData');
