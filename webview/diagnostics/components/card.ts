// A chart card: title, one-line explanation, the canvas (an image to assistive tech, described by its
// aria-label) and, next to it, the same numbers as a data table for screen readers and keyboard users.
import { el } from './dom';

export interface Card {
  readonly id: string;
  readonly root: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  readonly table: HTMLElement;
  readonly note: HTMLElement;
  readonly body: HTMLElement;
}

export function createCard(id: string, title: string, description: string, chartLabel: string): Card {
  const titleId = `rl-${id}-title`;
  const canvas = el('canvas', { role: 'img', 'aria-label': chartLabel, 'data-chart': id });
  const table = el('div', { class: 'rl-table-body' });
  const details = el('details', { class: 'rl-table' }, el('summary', {}, 'Data table'), table);
  const body = el('div', { class: 'rl-card-body' }, el('div', { class: 'rl-chart-wrap' }, canvas), details);
  const note = el('p', { class: 'rl-note', hidden: true });
  const root = el(
    'section',
    { class: 'rl-card', id: `rl-card-${id}`, 'aria-labelledby': titleId },
    el('h3', { id: titleId }, title),
    el('p', { class: 'rl-desc' }, description),
    note,
    body,
  );
  return { id, root, canvas, table, note, body };
}

/** Shows the chart, or hides it behind a message when there is nothing to plot. */
export function setCardEmpty(card: Card, message: string | undefined): void {
  card.note.hidden = message === undefined;
  card.note.textContent = message ?? '';
  card.body.hidden = message !== undefined;
}
