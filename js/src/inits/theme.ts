// Colours that follow the notebook's light/dark theme, for plotly, which needs
// concrete colours: read from the widget root's computed style, whose --lv-*
// palette ../theme.ts derives from the host (what it paints, then its
// variables). Axes, ticks, legends and annotations all take the root's text
// colour; the widget redraws its charts when that palette changes.

export interface Theme {
  font: string;
  muted: string;
  grid: string;
  family: string;
}

export function readTheme(el: HTMLElement): Theme {
  const css = getComputedStyle(el);
  const font = css.color || "#222";
  return {
    font,
    muted: css.getPropertyValue("--lazyviz-inits-muted").trim() || "#888",
    grid: "rgba(128, 128, 128, 0.22)",
    family: css.fontFamily || "sans-serif",
  };
}

/** One colour per initializer, in the order they were given (Tableau 10). */
const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#59a14f",
  "#e15759",
  "#b07aa1",
  "#76b7b2",
  "#edc948",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
];

export function colorOf(index: number): string {
  // An index from a list's map (never negative) modulo the length is inside the palette.
  return PALETTE[index % PALETTE.length]!;
}

/** The parts of a plotly layout every chart here shares. */
export function baseLayout(theme: Theme): Record<string, unknown> {
  return {
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { color: theme.font, family: theme.family, size: 11 },
    legend: { font: { color: theme.font } },
    hoverlabel: { font: { family: theme.family } },
    showlegend: false,
  };
}

/** An axis in the theme's colours, with outside ticks and a base line. */
export function axisStyle(theme: Theme): Record<string, unknown> {
  return {
    color: theme.font, // plotly's default for line, tick and label colours at once
    gridcolor: theme.grid,
    linecolor: theme.muted,
    tickcolor: theme.muted,
    zerolinecolor: theme.grid,
    tickfont: { color: theme.font },
    ticks: "outside",
    ticklen: 4,
    showline: true,
    showticklabels: true,
    exponentformat: "power",
  };
}

export const PLOT_CONFIG = { displayModeBar: false, responsive: true, staticPlot: false };
