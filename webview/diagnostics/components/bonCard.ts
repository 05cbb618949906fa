// The Best-of-N card: set and prompt-group pickers, three charts (gold vs N, length vs N, proxy vs gold) and the
// data table under them. Set, group and file names are data: option labels and texts go in through textContent.
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { custom, el } from './dom';

interface SelectLike extends HTMLElement {
  value: string;
  disabled: boolean;
}

export interface BonCard {
  readonly root: HTMLElement;
  readonly canvases: { readonly gold: HTMLCanvasElement; readonly length: HTMLCanvasElement; readonly proxy: HTMLCanvasElement };
  readonly table: HTMLElement;
  readonly note: HTMLElement;
  readonly meta: HTMLElement;
  readonly body: HTMLElement;
  setOptions(sets: readonly string[], set: string | undefined, groups: readonly string[], group: string | undefined): void;
}

/** Replaces a select's options only when the list changed (rebuilding would reset keyboard focus). */
function fill(select: SelectLike, values: readonly string[], value: string | undefined): void {
  const key = JSON.stringify(values);
  if (select.dataset['options'] !== key) {
    select.dataset['options'] = key;
    select.replaceChildren(...values.map((v) => custom('vscode-option', { value: v, selected: v === value }, v)));
  }
  if (value !== undefined && select.value !== value) select.value = value;
  select.disabled = values.length < 2;
}

function chart(id: string, title: string, label: string): { box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = el('canvas', { role: 'img', 'aria-label': label, 'data-chart': id });
  return {
    canvas,
    box: el('figure', { class: 'rl-bon-chart' }, el('figcaption', {}, title), el('div', { class: 'rl-chart-wrap' }, canvas)),
  };
}

/** The card's three charts: gold, length and proxy of the pick. */
function bonCharts(): Record<'gold' | 'length' | 'proxy', { box: HTMLElement; canvas: HTMLCanvasElement }> {
  const gold = chart(
    'bonGold',
    'Gold of the pick vs N',
    'Best-of-N: gold score of the proxy’s pick against N, with the oracle (best by gold) and a random pick. The numbers are in the data table that follows.',
  );
  const length = chart(
    'bonLength',
    'Length of the pick vs N',
    'Best-of-N: length in characters of the proxy’s pick against N, with the oracle’s and a random pick’s length. The numbers are in the data table that follows.',
  );
  const proxy = chart(
    'bonProxy',
    'Proxy vs gold of the pick',
    'Best-of-N: the proxy score of the pick against its gold score, one point per N. The numbers are in the data table that follows.',
  );
  return { gold, length, proxy };
}

export function createBonCard(onSet: (name: string) => void, onGroup: (name: string) => void): BonCard {
  const setSelect = custom('vscode-single-select', {
    id: 'rl-bonset',
    'aria-label': 'Best-of-N set',
    label: 'Best-of-N set',
  }) as SelectLike;
  const groupSelect = custom('vscode-single-select', {
    id: 'rl-bongroup',
    'aria-label': 'Prompt group',
    label: 'Prompt group',
  }) as SelectLike;
  setSelect.addEventListener('change', () => onSet(setSelect.value));
  groupSelect.addEventListener('change', () => onGroup(groupSelect.value));
  const field = (text: string, control: HTMLElement) =>
    el('div', { class: 'rl-field' }, el('span', { class: 'rl-field-label', 'aria-hidden': 'true' }, text), control);
  const { gold, length, proxy } = bonCharts();
  const table = el('div', { class: 'rl-table-body' });
  const details = el('details', { class: 'rl-table' }, el('summary', {}, 'Data table'), table);
  const meta = el('p', { class: 'rl-desc rl-bon-meta' });
  const body = el('div', { class: 'rl-card-body' }, meta, el('div', { class: 'rl-bon-charts' }, gold.box, length.box, proxy.box), details);
  const note = el('p', { class: 'rl-note', hidden: true });
  const desc =
    'For each prompt, N responses are drawn and the reward model picks its favourite: a robust reward model keeps buying gold as N grows; an over-optimized one plateaus and buys length.';
  const root = el(
    'section',
    { class: 'rl-card rl-card-wide', id: 'rl-card-bon', 'aria-labelledby': 'rl-bon-title' },
    el('h3', { id: 'rl-bon-title' }, 'Best-of-N'),
    el('p', { class: 'rl-desc' }, desc),
    el('div', { class: 'rl-bon-controls' }, field('Set', setSelect), field('Prompts', groupSelect)),
    note,
    body,
  );
  return {
    root,
    canvases: { gold: gold.canvas, length: length.canvas, proxy: proxy.canvas },
    table,
    note,
    meta,
    body,
    setOptions(sets, set, groups, group) {
      fill(setSelect, sets, set);
      fill(groupSelect, groups, group);
    },
  };
}
