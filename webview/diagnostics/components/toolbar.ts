// The panel's controls: run picker, Compare switch with the second run's picker, eval-set picker and Cancel.
// All @vscode-elements controls (keyboard accessible, themed; the selects' `label` becomes the combobox's aria-label); option labels are run labels and set names,
// which are data: they go in through textContent only.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { PanelState, RunSnapshot } from '../../../src/protocol/panel';
import type { UiState } from '../state';
import { custom, el } from './dom';

export interface ToolbarHandlers {
  onPrimary(runId: string): void;
  onCompare(on: boolean): void;
  onSecondary(runId: string): void;
  onEvalSet(name: string): void;
  onCancel(runId: string): void;
}

interface SelectLike extends HTMLElement {
  value: string;
  disabled: boolean;
}

export interface Toolbar {
  readonly root: HTMLElement;
  readonly status: HTMLElement;
  update(state: PanelState, ui: UiState, evalSets: readonly string[], evalSet: string | undefined): void;
}

/** Replaces a select's options only when the list changed (rebuilding would reset keyboard focus). */
function setOptions(select: SelectLike, options: readonly { value: string; label: string }[], value: string | undefined): void {
  const key = JSON.stringify(options);
  if (select.dataset['options'] !== key) {
    select.dataset['options'] = key;
    select.replaceChildren(...options.map((o) => custom('vscode-option', { value: o.value, selected: o.value === value }, o.label)));
  }
  if (value !== undefined && select.value !== value) select.value = value;
  select.disabled = options.length === 0;
}

function labelled(text: string, control: HTMLElement): HTMLElement {
  return el('div', { class: 'rl-field' }, el('span', { class: 'rl-field-label', 'aria-hidden': 'true' }, text), control);
}

function statusText(run: RunSnapshot | undefined): string {
  if (!run) return 'No run selected.';
  const progress = run.totalSteps > 0 ? `step ${run.step} / ${run.totalSteps}` : `step ${run.step}`;
  const parts = [run.label, run.status, progress, `objective ${run.config.objective}`, `backend ${run.backend}`];
  return parts.join(' · ') + (run.error ? ` — error: ${run.error}` : '');
}

/** The toolbar's controls, not yet wired. */
function toolbarControls() {
  const primary = custom('vscode-single-select', { id: 'rl-primary', 'aria-label': 'Run', label: 'Run' }) as SelectLike;
  const compare = custom('vscode-checkbox', { id: 'rl-compare', label: 'Compare' }) as HTMLElement & {
    checked: boolean;
    disabled: boolean;
  };
  const secondary = custom('vscode-single-select', {
    id: 'rl-secondary',
    'aria-label': 'Compare with run',
    label: 'Compare with run',
  }) as SelectLike;
  const evalSet = custom('vscode-single-select', { id: 'rl-evalset', 'aria-label': 'Eval set', label: 'Eval set' }) as SelectLike;
  const cancel = custom('vscode-button', { id: 'rl-cancel', secondary: true, hidden: true }, 'Cancel training');
  return { primary, compare, secondary, evalSet, cancel };
}

export function createToolbar(h: ToolbarHandlers): Toolbar {
  const { primary, compare, secondary, evalSet, cancel } = toolbarControls();
  const status = el('p', { class: 'rl-status', role: 'status', 'aria-live': 'polite' });
  const secondaryField = labelled('with', secondary);

  let cancelRunId: string | undefined;
  primary.addEventListener('change', () => h.onPrimary(primary.value));
  secondary.addEventListener('change', () => h.onSecondary(secondary.value));
  evalSet.addEventListener('change', () => h.onEvalSet(evalSet.value));
  compare.addEventListener('change', () => h.onCompare(compare.checked));
  cancel.addEventListener('click', () => cancelRunId && h.onCancel(cancelRunId));

  const root = el(
    'header',
    { class: 'rl-toolbar', role: 'toolbar', 'aria-label': 'Diagnostics controls' },
    labelled('Run', primary),
    compare,
    secondaryField,
    labelled('Eval set', evalSet),
    cancel,
  );

  return {
    root,
    status,
    update(state, ui, evalSets, chosenSet) {
      const runs = state.runs.map((r) => ({ value: r.runId, label: `${r.label} (${r.status})` }));
      setOptions(primary, runs, state.primary?.runId);
      const others = runs.filter((r) => r.value !== state.primary?.runId);
      setOptions(secondary, others, state.secondary?.runId ?? ui.secondaryRunId ?? others[0]?.value);
      compare.checked = ui.compare;
      compare.disabled = others.length === 0;
      secondaryField.hidden = !ui.compare;
      setOptions(
        evalSet,
        evalSets.map((s) => ({ value: s, label: s })),
        chosenSet,
      );
      cancelRunId = state.primary?.status === 'running' ? state.primary.runId : undefined;
      cancel.hidden = cancelRunId === undefined;
      status.textContent = statusText(state.primary);
    },
  };
}
