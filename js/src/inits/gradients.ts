// Gradients across depth: the std of each parameter's gradient after one
// backward pass of the stated loss, one line per initializer, in forward
// order. Vanishing gradients fall towards the input, exploding ones rise; a
// log axis when the values span a decade or more.

import Plotly from "plotly.js-basic-dist-min";
import type { PlotlyHTMLElement } from "plotly.js-basic-dist-min";
import type { InitsRecord } from "./model";
import { escapeLabel, gradLabel, gradLog, gradRows } from "./rows";
import { fmt } from "./stats";
import { axisStyle, baseLayout, colorOf, PLOT_CONFIG, type Theme } from "./theme";

export function drawGradients(
  div: HTMLElement,
  data: InitsRecord,
  types: Record<string, string>,
  theme: Theme,
  all: boolean,
  onPick: (path: string, param: string) => void,
): void {
  const perInit = data.inits.map((label) => gradRows(data, label, all));
  const log = gradLog(data, all);
  div.dataset.scale = log ? "log" : "linear";
  const traces = data.inits.map((label, i) => {
    const rows = perInit[i];
    return {
      type: "scatter",
      mode: "lines+markers",
      name: escapeLabel(label),
      x: rows.map((r) => escapeLabel(gradLabel(r, types))),
      // on a log axis a zero std is a gap, not a fall to -infinity
      y: rows.map((r) => (r.std === null || (log && r.std <= 0) ? null : r.std)),
      customdata: rows.map((r) => [
        fmt(r.std),
        fmt(r.mean),
        fmt(r.norm),
        r.no_grad ? ` · no gradient (${escapeLabel(r.no_grad)})` : "",
      ]),
      line: { color: colorOf(i), width: 2 },
      marker: { size: 5 },
      hovertemplate:
        `<b>${escapeLabel(label)}</b><br>%{x}<br>grad std %{customdata[0]} · mean %{customdata[1]}` +
        "<br>norm %{customdata[2]}%{customdata[3]}<extra></extra>",
    };
  });
  const layout = {
    ...baseLayout(theme),
    showlegend: true,
    legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 0, font: { size: 11, color: theme.font } },
    margin: { l: 56, r: 12, t: 30, b: 90 },
    height: 320,
    xaxis: { ...axisStyle(theme), type: "category", tickangle: -40, automargin: true },
    yaxis: {
      ...axisStyle(theme),
      type: log ? "log" : "linear",
      rangemode: log ? undefined : "tozero",
      title: { text: "gradient std" },
    },
  };
  void Plotly.react(div, traces, layout, PLOT_CONFIG).then((gd: PlotlyHTMLElement) => {
    gd.removeAllListeners?.("plotly_click");
    gd.on("plotly_click", (ev) => {
      const x = String(ev.points[0]?.x ?? "");
      const row = perInit.flat().find((r) => escapeLabel(gradLabel(r, types)) === x);
      if (row) onPick(row.path, row.param);
    });
  });
}

