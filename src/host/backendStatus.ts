// What the compute-backend status bar item says: the backend inline scoring runs on, as the worker reported it, or
// before the worker has scored, what rewardLens.scoring.backend will give (the doctor's pick for 'auto'). Training
// runs choose their own backend and never change this one. Pure (no runtime vscode import): tested in plain Node.
import type { BackendName } from '../core/config';
import { escapeMarkdown } from '../core/markdown';
import type { ScoringBackendInfo } from '../protocol/backendState';
import type { DoctorReport } from '../protocol/trainer';

export interface BackendStatus {
  readonly text: string;
  /** Markdown; every string from the worker is escaped. */
  readonly tooltip: string;
  /** For screen readers (and the e2e test): says what the item is. */
  readonly label: string;
}

const CLICK = 'Click for the Compute Doctor.';
const paragraphs = (title: string, why: string) => [title, why, TRAINING, CLICK].join('\n\n');
const TRAINING = 'Training runs use the backend chosen for them (Train Reward Model…) and never change this one.';

/** `setting` is rewardLens.scoring.backend now; `scoring` is the worker's last report, `doctor` its last probe. */
export function backendStatus(
  setting: BackendName,
  scoring: ScoringBackendInfo | undefined,
  doctor: DoctorReport | undefined,
): BackendStatus {
  // A report for an older setting says nothing about the next request: the worker switches when it next scores.
  if (scoring && scoring.requested === setting) {
    const asked = setting === 'auto' ? 'rewardLens.scoring.backend: auto' : `set by rewardLens.scoring.backend`;
    return {
      text: `$(chip) ${scoring.backend}`,
      tooltip: paragraphs(`**Reward Lens scores on ${scoring.backend}** (${escapeMarkdown(asked)})`, escapeMarkdown(scoring.why)),
      label: `Reward Lens scoring backend: ${scoring.backend}`,
    };
  }
  const predicted = setting !== 'auto' ? setting : doctor?.chosen;
  const name = predicted ?? 'auto';
  const why =
    predicted && setting === 'auto' && doctor ? `'auto' picks ${predicted}: ${doctor.why}` : `rewardLens.scoring.backend: ${setting}`;
  return {
    text: `$(chip) ${name}`,
    tooltip: paragraphs(
      `**Reward Lens will score on ${escapeMarkdown(name)}** (nothing scored with this setting yet)`,
      escapeMarkdown(why),
    ),
    label: `Reward Lens scoring backend: ${name} (not used yet)`,
  };
}
