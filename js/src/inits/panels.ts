// One panel per initializer for the selected parameter: the histogram as bars
// (plotly.js-basic has no histogram trace; Python binned it), the theoretical
// density over it, and mean/std against their expected values.

import Plotly from "plotly.js-basic-dist-min";
import type { InitHistogram } from "./model";
import { densityBars, fmt, relDiff, theoryMean, theorySpan } from "./stats";
import { baseLayout, PLOT_CONFIG, type Theme } from "./theme";

/** Draw one parameter's histogram under one init into `div` (also usable by LazyViz). */
export function drawHistogram(
  div: HTMLElement,
  h: InitHistogram,
  color: string,
  theme: Theme,
): void {
  const bars = densityBars(h);
  const traces: object[] = [
    {
      type: "bar",
      x: bars.x,
      y: bars.y,
      width: bars.width,
      marker: { color, opacity: 0.75, line: { width: 0 } },
      customdata: h.counts,
      hovertemplate: "%{x:.3g}<br>count %{customdata}<extra></extra>",
    },
  ];
  const peak = Math.max(0, ...bars.y);
  const t = h.theory;
  if (t !== null && "x" in t) {
    traces.push({
      type: "scatter",
      mode: "lines",
      x: t.x,
      y: t.pdf,
      line: { color: theme.font, width: 1.5 },
      hoverinfo: "skip",
    });
  } else if (t !== null) {
    traces.push({
      type: "scatter",
      mode: "lines+markers",
      x: [t.point, t.point],
      y: [0, peak],
      line: { color: theme.font, width: 1.5, dash: "dot" },
      marker: { size: [0, 7], color: theme.font },
      hoverinfo: "skip",
    });
  }
  const span = theorySpan(t);
  const lo = Math.min(h.edges[0], span ? span[0] : Infinity);
  const hi = Math.max(h.edges[h.edges.length - 1], span ? span[1] : -Infinity);
  const pad = (hi - lo) * 0.04 || 1e-3;
  const layout = {
    ...baseLayout(theme),
    margin: { l: 38, r: 8, t: 6, b: 26 },
    height: 170,
    bargap: 0,
    xaxis: { range: [lo - pad, hi + pad], gridcolor: theme.grid, zeroline: false, nticks: 5 },
    yaxis: { gridcolor: theme.grid, zeroline: false, nticks: 4, rangemode: "tozero" },
  };
  void Plotly.react(div, traces, layout, PLOT_CONFIG);
}

/** The text lines under a panel: moments against theory, and how much was binned. */
export function statsLines(h: InitHistogram, numel: number): Array<[string, string]> {
  const expMean = theoryMean(h.theory);
  const lines: Array<[string, string]> = [];
  lines.push([
    "mean",
    `mean ${fmt(h.mean)}` + (h.theory === null ? "" : `  ·  expected ${fmt(expMean)}`),
  ]);
  lines.push([
    "std",
    `std ${fmt(h.std)}` +
      (h.expected_std === null
        ? "  ·  no closed form"
        : `  ·  expected ${fmt(h.expected_std)} ${relDiff(h.std, h.expected_std)}`),
  ]);
  if (h.sampled !== undefined) {
    lines.push(["sampled", `binned ${h.sampled.toLocaleString("en")} of ${numel.toLocaleString("en")} values`]);
  }
  return lines;
}
