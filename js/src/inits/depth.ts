// Activations across depth: the std of each visited layer's output, one line
// per initializer, on a log scale (vanishing and exploding signals are
// straight lines going down or up).

import Plotly from "plotly.js-basic-dist-min";
import type { PlotlyHTMLElement } from "plotly.js-basic-dist-min";
import type { InitsRecord } from "./model";
import { escapeLabel, layerLabel } from "./rows";
import { fmt } from "./stats";
import { axisStyle, baseLayout, colorOf, PLOT_CONFIG, type Theme } from "./theme";

export function drawDepth(
  div: HTMLElement,
  data: InitsRecord,
  types: Record<string, string>,
  theme: Theme,
  onPick: (path: string) => void,
): void {
  const traces = data.inits.map((label, i) => {
    const rows = data.activations[label] ?? [];
    return {
      type: "scatter",
      mode: "lines+markers",
      name: escapeLabel(label),
      x: rows.map((r) => escapeLabel(layerLabel(r.path, types))),
      // a zero std has no place on a log axis: a gap, not a fall to -infinity
      y: rows.map((r) => (r.std !== null && r.std > 0 ? r.std : null)),
      customdata: rows.map((r) => [fmt(r.mean), fmt(r.std), fmt(r.zero_frac), r.path]),
      line: { color: colorOf(i), width: 2 },
      marker: { size: 5 },
      hovertemplate:
        `<b>${escapeLabel(label)}</b><br>%{x}<br>std %{customdata[1]} · mean %{customdata[0]}` +
        "<br>zeros %{customdata[2]}<extra></extra>",
    };
  });
  const layout = {
    ...baseLayout(theme),
    showlegend: true,
    legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 0, font: { size: 11, color: theme.font } },
    margin: { l: 56, r: 12, t: 30, b: 90 },
    height: 320,
    xaxis: { ...axisStyle(theme), type: "category", tickangle: -40, automargin: true },
    yaxis: { ...axisStyle(theme), type: "log", title: { text: "activation std" } },
  };
  void Plotly.react(div, traces, layout, PLOT_CONFIG).then((gd: PlotlyHTMLElement) => {
    gd.removeAllListeners?.("plotly_click");
    gd.on("plotly_click", (ev) => {
      const label = String(ev.points[0]?.x ?? "");
      const rows = data.activations[data.inits[0]] ?? [];
      const row = rows.find((r) => escapeLabel(layerLabel(r.path, types)) === label);
      if (row) onPick(row.path);
    });
  });
}
