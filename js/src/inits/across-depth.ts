// What the two charts across depth share (activations per layer, gradients
// per parameter): one line per initializer over the layers in forward order,
// the legend on top, and a click on a point that picks what it stands for.

import Plotly from "plotly.js-basic-dist-min";
import type { PlotlyHTMLElement } from "plotly.js-basic-dist-min";
import { escapeLabel } from "./rows";
import { axisStyle, baseLayout, colorOf, PLOT_CONFIG, type Theme } from "./theme";

/** One initializer's line. */
export interface Series {
  /** The initializer's label, as given (escaped here). */
  label: string;
  x: string[];
  y: Array<number | null>;
  customdata: unknown[][];
  /** The hover text below the initializer's name and the layer, in plotly's template syntax. */
  hover: string;
}

/** Draws the lines; `onPick` gets the x label of a clicked point. */
export function drawAcrossDepth(
  div: HTMLElement,
  series: Series[],
  yaxis: Record<string, unknown>,
  theme: Theme,
  onPick: (x: string) => void,
): void {
  const traces = series.map((s, i) => ({
    type: "scatter",
    mode: "lines+markers",
    name: escapeLabel(s.label),
    x: s.x,
    y: s.y,
    customdata: s.customdata,
    line: { color: colorOf(i), width: 2 },
    marker: { size: 5 },
    hovertemplate: `<b>${escapeLabel(s.label)}</b><br>%{x}<br>${s.hover}<extra></extra>`,
  }));
  const layout = {
    ...baseLayout(theme),
    showlegend: true,
    legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 0, font: { size: 11, color: theme.font } },
    margin: { l: 56, r: 12, t: 30, b: 90 },
    height: 320,
    xaxis: { ...axisStyle(theme), type: "category", tickangle: -40, automargin: true },
    yaxis: { ...axisStyle(theme), ...yaxis },
  };
  void Plotly.react(div, traces, layout, PLOT_CONFIG).then((gd: PlotlyHTMLElement) => {
    gd.removeAllListeners?.("plotly_click");
    gd.on("plotly_click", (ev) => onPick(String(ev.points[0]?.x ?? "")));
  });
}
