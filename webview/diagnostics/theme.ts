// Chart colours and fonts come from VS Code's theme variables, read at render time and again whenever
// VS Code swaps the theme (it changes the body class and the --vscode-* variables on <html>).

export interface Theme {
  readonly foreground: string;
  readonly muted: string;
  readonly grid: string;
  readonly fontFamily: string;
  readonly fontSize: number;
  /** Run colours: run 0 is blue and run 1 green, as BT and BSR in the paper's Figure 3. */
  readonly runs: readonly [string, string];
  readonly chosen: string;
  readonly rejected: string;
  readonly reference: string;
  readonly accent: string;
}

/** Used only when a variable is missing (outside VS Code); inside VS Code every one of these is defined. */
const FALLBACK = {
  foreground: '#cccccc',
  muted: '#9d9d9d',
  grid: 'rgba(128,128,128,0.35)',
  blue: '#3794ff',
  green: '#89d185',
  red: '#f14c4c',
  orange: '#d18616',
  purple: '#b180d7',
  yellow: '#cca700',
};

export function readTheme(el: Element = document.body): Theme {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const fontSize = Number.parseFloat(v('--vscode-font-size', '13'));
  return {
    foreground: v('--vscode-foreground', FALLBACK.foreground),
    muted: v('--vscode-descriptionForeground', FALLBACK.muted),
    grid: v('--vscode-charts-lines', FALLBACK.grid),
    fontFamily: v('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: Number.isFinite(fontSize) ? fontSize : 13,
    runs: [v('--vscode-charts-blue', FALLBACK.blue), v('--vscode-charts-green', FALLBACK.green)],
    chosen: v('--vscode-charts-green', FALLBACK.green),
    rejected: v('--vscode-charts-red', FALLBACK.red),
    reference: v('--vscode-charts-yellow', FALLBACK.yellow),
    accent: v('--vscode-charts-purple', FALLBACK.purple),
  };
}

/**
 * The colour with an alpha channel, for fills and bands. Accepts #rgb, #rrggbb, #rrggbbaa and rgb()/rgba();
 * anything else is returned unchanged (opaque is readable, just heavier).
 */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(color.trim());
  if (hex) {
    let h = hex[1]!;
    if (h.length === 3) h = [...h].map((c) => c + c).join('');
    const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(h.slice(i, i + 2), 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(color.trim());
  if (rgb) return `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${alpha})`;
  return color;
}

/** Calls onChange when VS Code switches theme (body class or <html> style changes). Returns a disposer. */
export function watchTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(() => onChange());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => observer.disconnect();
}
