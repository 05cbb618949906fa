// The panel's DOM: toolbar, tabs and chart cards, built once; render() redraws charts and tables from the
// latest PanelState (a complete snapshot) and the UI state. Dataset text reaches the DOM through textContent only.
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import type { Chart } from 'chart.js';
import type { PanelState } from '../../src/protocol/panel';
import { applyThemeDefaults, uniqueLabels, type RunView, type SetView } from './chartBase';
import * as charts from './charts';
import { createCard, setCardEmpty, type Card } from './components/card';
import { custom, el, renderTable } from './components/dom';
import { createToolbar, type ToolbarHandlers } from './components/toolbar';
import { evalSetNames, findSet, latestEval, pickEvalSet, type CurveKey } from './series';
import { TABS, type TabId, type UiState } from './state';
import * as tables from './tables';
import * as bonCharts from './bonCharts';
import { bonCurve, bonGroupNames, bonSetNames, bonTable } from './bonSeries';
import { createBonCard, type BonCard } from './components/bonCard';
import { readTheme, type Theme } from './theme';

export interface ViewHandlers extends ToolbarHandlers {
  onTab(tab: TabId): void;
  onReveal(file: string, line: number): void;
  onBonSet(name: string): void;
  onBonGroup(name: string): void;
}

type CardId =
  | CurveKey
  | 'rewardHist'
  | 'groupAcc'
  | 'external'
  | 'hNormBox'
  | 'hDiffBand'
  | 'erankGap'
  | 'kendall'
  | 'lengthReward'
  | 'lengthBaseline';
type ChartId = CardId | 'bonGold' | 'bonLength' | 'bonProxy';

const CARD_SPECS: readonly { id: CardId; tab: TabId; title: string; desc: string }[] = [
  { id: 'loss', tab: 'training', title: 'Loss', desc: 'Training loss per logged step (BT term plus any regulariser).' },
  { id: 'accuracy', tab: 'training', title: 'Training accuracy', desc: 'Share of micro-batch pairs with r_w > r_l (ties count as wrong).' },
  {
    id: 'batchMean',
    tab: 'training',
    title: 'Batch reward mean m',
    desc: 'Mean of the 2b rewards in the micro-batch: the quantity BSR drives to 0.',
  },
  { id: 'reg', tab: 'training', title: 'Regulariser term', desc: 'BSR λ·b·m² (or the objective’s own penalty); 0 for plain BT.' },
  {
    id: 'wpNorm',
    tab: 'training',
    title: 'Projection head ‖W_p‖',
    desc: 'Norm of the reward head; the paper finds it stays near 1 (Figure 1).',
  },
  {
    id: 'rewardHist',
    tab: 'rewards',
    title: 'Chosen vs rejected rewards',
    desc: 'Reward histograms on the selected eval set at the latest checkpoint.',
  },
  {
    id: 'groupAcc',
    tab: 'rewards',
    title: 'Accuracy per group',
    desc: 'Pairwise accuracy per group value with 95% Wilson intervals. Click a bar to open the file.',
  },
  {
    id: 'external',
    tab: 'rewards',
    title: 'External scorer vs the active model',
    desc: 'Scores loaded with “Load External Scores…”: how often the two prefer the same response, and Kendall’s τ between their margins, per scored file.',
  },
  {
    id: 'hNormBox',
    tab: 'hidden',
    title: 'Hidden-state norm ‖h‖ per split',
    desc: 'Box plots per eval set (Figure 3). A stable range across splits means less over-optimisation.',
  },
  {
    id: 'hDiffBand',
    tab: 'hidden',
    title: '‖h_w − h_l‖ over training',
    desc: 'Mean ± 1 std over pairs of the selected set at each checkpoint (Figure 2).',
  },
  {
    id: 'erankGap',
    tab: 'hidden',
    title: 'Effective-rank gap',
    desc: 'erank(eval) − erank(training sample) per set (Table 1; BT grows, BSR stays near 0).',
  },
  {
    id: 'kendall',
    tab: 'robustness',
    title: "Kendall's τ vs gold",
    desc: 'Per-prompt rank agreement between gold scores and the model on the selected set.',
  },
  {
    id: 'lengthReward',
    tab: 'robustness',
    title: 'Reward vs response length',
    desc: 'Mean reward per length bin on the selected set (verbosity bias).',
  },
  {
    id: 'lengthBaseline',
    tab: 'robustness',
    title: 'Length baselines',
    desc: 'The model’s accuracy next to always picking the longer or the shorter response.',
  },
];

const CURVE_TITLES: Readonly<Record<CurveKey, string>> = {
  loss: 'loss',
  accuracy: 'accuracy',
  batchMean: 'm',
  reg: 'regulariser',
  wpNorm: '‖W_p‖₂',
};

export interface View {
  render(state: PanelState, ui: UiState): void;
  /** Re-reads the theme variables and redraws (VS Code switched theme). */
  retheme(): void;
  /** Every live chart, by card id (for tests). */
  charts(): Record<string, Chart>;
}

/** The chosen name when it exists, else the first. */
const pick = (names: readonly string[], wanted: string | undefined) => (wanted !== undefined && names.includes(wanted) ? wanted : names[0]);

/** What the render functions share: the handlers, the cards built once, the live charts and the current theme. */
interface Parts {
  readonly h: ViewHandlers;
  readonly cards: ReadonlyMap<CardId, Card>;
  readonly bon: BonCard;
  readonly live: Map<ChartId, Chart>;
  theme: Theme;
}

export function createView(app: HTMLElement, h: ViewHandlers): View {
  const toolbar = createToolbar(h);
  const cards = new Map<CardId, Card>();
  const bon = createBonCard(h.onBonSet, h.onBonGroup);
  const tabs = createTabs(h, cards, bon);
  const empty = el('p', { class: 'rl-empty', hidden: true });
  app.replaceChildren(toolbar.root, toolbar.status, empty, tabs);

  const parts: Parts = { h, cards, bon, live: new Map(), theme: readTheme() };
  applyThemeDefaults(parts.theme);
  let last: { state: PanelState; ui: UiState } | undefined;

  function render(state: PanelState, ui: UiState): void {
    last = { state, ui };
    const snapshots = [state.primary, ui.compare ? state.secondary : undefined].filter((r) => r !== undefined);
    const labels = uniqueLabels(snapshots);
    const runs: RunView[] = snapshots.map((run, i) => ({ run, label: labels[i]!, color: parts.theme.runs[i % 2]! }));
    const setNames = evalSetNames(snapshots);
    const setName = pickEvalSet(setNames, ui.evalSet);
    toolbar.update(state, ui, setNames, setName);
    tabs.selectedIndex = Math.max(
      0,
      TABS.findIndex((t) => t.id === ui.tab),
    );

    const noRun = runs.length === 0;
    empty.hidden = !noRun;
    empty.textContent =
      state.runs.length === 0
        ? 'No runs yet. Train a reward model ("Reward Lens: Train Reward Model…") to see its diagnostics here.'
        : 'Pick a run to see its diagnostics.';
    tabs.hidden = noRun;
    if (noRun) return;
    renderTraining(parts, runs);
    renderEvaluation(parts, state, runs, setName);
    renderBon(parts, runs, ui);
  }

  return {
    render,
    retheme() {
      parts.theme = readTheme();
      applyThemeDefaults(parts.theme);
      if (last) render(last.state, last.ui);
    },
    charts: () => Object.fromEntries(parts.live),
  };
}

/** The tab strip with every card in its tab (filling `cards`), the Best-of-N card in its own. */
function createTabs(h: ViewHandlers, cards: Map<CardId, Card>, bon: BonCard): HTMLElement & { selectedIndex: number } {
  const tabs = custom('vscode-tabs', { id: 'rl-tabs', 'aria-label': 'Diagnostics sections' }) as HTMLElement & { selectedIndex: number };
  for (const tab of TABS) {
    // vscode-tabs assigns its own ids to headers and panels (for aria-controls): ours are data attributes.
    const panel = custom('vscode-tab-panel', { 'data-panel': tab.id });
    const grid = el('div', { class: 'rl-grid' });
    for (const spec of CARD_SPECS.filter((s) => s.tab === tab.id)) {
      const card = createCard(
        spec.id,
        spec.title,
        spec.desc,
        `${spec.title} chart. ${spec.desc} The numbers are in the data table that follows.`,
      );
      cards.set(spec.id, card);
      grid.append(card.root);
    }
    if (tab.id === 'bon') grid.append(bon.root);
    panel.append(grid);
    tabs.append(custom('vscode-tab-header', { slot: 'header', 'data-tab': tab.id }, tab.title), panel);
  }
  tabs.addEventListener('vsc-tabs-select', (e) => {
    const tab = TABS[(e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex];
    if (tab) h.onTab(tab.id);
  });
  return tabs;
}

/** A card's data table; rows that point into a file get an Open button. */
function table(p: Parts, id: CardId, model: tables.TableModel): void {
  const card = p.cards.get(id)!;
  const rows = model.rows.map((r) => {
    const cells: (string | Node)[] = [...r.cells];
    if (r.reveal) {
      const { file, line } = r.reveal;
      const button = custom('vscode-button', { secondary: true, 'aria-label': `Open ${file} at line ${line}` }, 'Open');
      button.addEventListener('click', () => p.h.onReveal(file, line));
      cells.push(button);
    } else if (model.rows.some((x) => x.reveal)) cells.push('');
    return cells;
  });
  const headers = model.rows.some((x) => x.reveal) ? [...model.headers, 'File'] : model.headers;
  renderTable(card.table, model.caption, headers, rows);
}

/** A card's chart, or its empty message instead. */
function draw(p: Parts, id: CardId, emptyMessage: string | undefined, paint: (canvas: HTMLCanvasElement) => Chart): void {
  const card = p.cards.get(id)!;
  setCardEmpty(card, emptyMessage);
  if (emptyMessage === undefined) p.live.set(id, paint(card.canvas));
}

/** The Training tab: the logged curves. */
function renderTraining(p: Parts, runs: readonly RunView[]): void {
  const noMetrics = runs.every((v) => v.run.metrics.length === 0) ? 'No training steps logged yet.' : undefined;
  const noReg =
    noMetrics ??
    (runs.every((v) => v.run.metrics.every((m) => m.reg === 0))
      ? 'The regulariser term is 0 throughout: plain Bradley-Terry has none.'
      : undefined);
  for (const key of ['loss', 'accuracy', 'batchMean', 'reg'] as const) {
    draw(p, key, key === 'reg' ? noReg : noMetrics, (c) => charts.trainingCurveChart(c, runs, key, CURVE_TITLES[key], p.theme));
    table(p, key, tables.curveTable(runs, key, CURVE_TITLES[key]));
  }
  draw(p, 'wpNorm', noMetrics, (c) => charts.wpNormChart(c, runs, p.theme));
  table(p, 'wpNorm', tables.curveTable(runs, 'wpNorm', '‖W_p‖₂'));
}

/** The Rewards, Hidden states and Robustness tabs: the latest evaluation of the selected eval set. */
function renderEvaluation(p: Parts, state: PanelState, runs: readonly RunView[], setName: string | undefined): void {
  const { theme } = p;
  const sets: SetView[] = runs.map((view) => ({ view, set: findSet(latestEval(view.run), setName) }));
  const noEval =
    setName === undefined ? 'No evaluation yet: eval sets are scored every evalEvery steps and at the end of training.' : undefined;
  const reveal = p.h.onReveal;
  draw(p, 'rewardHist', noEval, (c) => charts.rewardHistogramChart(c, sets, theme, reveal));
  table(p, 'rewardHist', tables.rewardTable(sets));
  const noGroups =
    noEval ??
    (sets.every(({ set }) => Object.keys(set?.byGroup ?? {}).length === 0)
      ? 'This eval set has no group fields (subset, source, domain, …).'
      : undefined);
  draw(p, 'groupAcc', noGroups, (c) => charts.groupAccuracyChart(c, sets, theme, reveal));
  table(p, 'groupAcc', tables.groupTable(sets));
  renderExternal(p, state);
  draw(p, 'hNormBox', noEval, (c) => charts.hNormBoxChart(c, runs, theme, reveal));
  table(p, 'hNormBox', tables.boxTable(runs));
  draw(p, 'hDiffBand', noEval, (c) => charts.hDiffBandChart(c, runs, setName, theme));
  table(p, 'hDiffBand', tables.bandTable(runs, setName));
  draw(p, 'erankGap', noEval, (c) => charts.erankGapChart(c, runs, theme, reveal));
  table(p, 'erankGap', tables.erankTable(runs));
  const noGold =
    noEval ??
    (sets.every(({ set }) => !set?.kendall)
      ? 'This eval set has no gold scores: Kendall’s τ needs prompts with several gold-scored responses.'
      : undefined);
  draw(p, 'kendall', noGold, (c) => charts.kendallHistogramChart(c, sets, theme, reveal));
  table(p, 'kendall', tables.kendallTable(sets));
  draw(p, 'lengthReward', noEval, (c) => charts.lengthRewardChart(c, sets, theme));
  draw(p, 'lengthBaseline', noEval, (c) => charts.lengthBaselineChart(c, sets, theme, reveal));
  table(p, 'lengthReward', tables.lengthTable(sets));
  p.cards.get('lengthBaseline')!.table.replaceChildren(el('p', {}, 'See the table of “Reward vs response length”.'));
}

/** The Best-of-N card: the chosen set and group of each run's bon.json, or a note saying how to get one. */
function renderBon(p: Parts, runs: readonly RunView[], ui: UiState): void {
  const { bon, live, theme } = p;
  const snaps = runs.map((v) => v.run);
  const setNames = bonSetNames(snaps);
  const set = pick(setNames, ui.bonSet);
  const groupNames = bonGroupNames(snaps, set);
  const group = pick(groupNames, ui.bonGroup);
  bon.setOptions(setNames, set, groupNames, group);
  const views = runs
    .filter((v) => v.run.bon)
    .map((v) => ({ label: v.label, color: v.color, curve: bonCurve(v.run.bon, set, group), bon: v.run.bon! }));
  const message =
    views.length === 0
      ? 'No best-of-N results for this run. Run “reward-lens bon --model MODEL FILE --out DIR” (DIR becomes an evaluation shown here), or a scenario experiment, which writes bon.json for every run.'
      : undefined;
  bon.note.hidden = message === undefined;
  bon.note.textContent = message ?? '';
  bon.body.hidden = message !== undefined;
  if (message !== undefined) return;
  const first = views[0]!.bon;
  bon.meta.textContent = `Gold: ${first.gold.fields.join(', ') || '(unknown field)'} (${first.gold.higherIsBetter ? 'higher is better' : 'lower is better'}). Length in characters. ${first.method.kind === 'exact' ? 'Exact expectation over every N-subset.' : `${first.method.samples} seeded draws per prompt.`}${views.length < runs.length ? ' The other run has no best-of-N results.' : ''}`;
  live.set('bonGold', bonCharts.bonGoldChart(bon.canvases.gold, views, theme));
  live.set('bonLength', bonCharts.bonLengthChart(bon.canvases.length, views, theme));
  live.set('bonProxy', bonCharts.bonProxyChart(bon.canvases.proxy, views, theme));
  const model = bonTable(views, set, group);
  renderTable(
    bon.table,
    model.caption,
    model.headers,
    model.rows.map((r) => [...r.cells]),
  );
}

/** A table-only card: the headline in the note, the rows in the data table (opened). */
function renderExternal(p: Parts, state: PanelState): void {
  const card = p.cards.get('external')!;
  const ext = state.external;
  const docs = ext?.documents ?? [];
  setCardEmpty(
    card,
    ext
      ? undefined
      : 'No external scorer loaded: run “Reward Lens: Load External Scores…” with reward-lens score output or a RewardBench scores file.',
  );
  if (!ext) return;
  // A table-only card: no chart, so its space goes to the table.
  (card.canvas.parentElement as HTMLElement).style.display = 'none';
  card.note.hidden = false;
  card.note.textContent = `${ext.name} (${ext.pairs} pairs) vs ${ext.model ?? 'the active model'}: ${docs.length ? docs.map((d) => `${d.document}: ${d.matched} pairs, agreement ${(100 * d.agreement).toFixed(1)}%, τ ${Number.isFinite(d.tau) ? d.tau.toFixed(3) : 'n/a'}`).join('; ') : 'open and score a file these pairs come from'}`;
  table(p, 'external', tables.externalTable(ext));
  card.table.closest('details')?.setAttribute('open', '');
}
