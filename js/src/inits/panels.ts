// One panel per initializer for the selected parameter: the histogram as bars
// (plotly.js-basic has no histogram trace; Python binned it), the theoretical
// density over it, and mean/std against their expected values. A point mass
// (zeros, ones, a constant) is a spike at its value, labelled with it, not a
// block of bars. Axes carry ticks; with "same scale" every panel of a
// parameter gets one x range from the caller.

import Plotly from "plotly.js-basic-dist-min";
import type { InitHistogram } from "./model";
import { dataSpan, densityBars, fmt, padRange, pointMass, relDiff, theoryMean } from "./stats";
import { axisStyle, baseLayout, PLOT_CONFIG, type Theme } from "./theme";

/**
 * Draw one parameter's histogram under one init into `div` (also usable by LazyViz).
 * `range` is the x range to use (the panels' shared one); by default the histogram's own.
 */
export function drawHistogram(
  div: HTMLElement,
  h: InitHistogram,
  color: string,
  theme: Theme,
  range: [number, number] | null = null,
): void {
  const xrange = range ?? padRange(dataSpan(h));
  const point = pointMass(h);
  div.dataset.kind = point === null ? "bars" : "spike";
  if (point === null) delete div.dataset.point;
  else div.dataset.point = String(point);
  const { traces, yaxis, annotations } =
    point === null ? barTraces(h, color, theme) : spikeTraces(h, point, color, theme);
  const layout = {
    ...baseLayout(theme),
    margin: { l: 46, r: 10, t: point === null ? 6 : 10, b: 28 },
    height: 170,
    bargap: 0,
    annotations,
    xaxis: { ...axisStyle(theme), range: xrange, zeroline: false, nticks: 6 },
    yaxis: { ...axisStyle(theme), zeroline: false, nticks: 4, rangemode: "tozero", ...yaxis },
  };
  void Plotly.react(div, traces, layout, PLOT_CONFIG);
}

interface Drawing {
  traces: object[];
  yaxis: Record<string, unknown>;
  annotations: object[];
}

function barTraces(h: InitHistogram, color: string, theme: Theme): Drawing {
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
    // a point law the drawn values do not follow (they are not all equal)
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
  return { traces, yaxis: { title: { text: "density", font: { size: 10 } } }, annotations: [] };
}

/** Every entry equal to `value`: a vertical line of height 1 (all of the mass), its value on top. */
function spikeTraces(h: InitHistogram, value: number, color: string, theme: Theme): Drawing {
  const total = h.counts.reduce((a, b) => a + b, 0);
  const traces: object[] = [
    {
      type: "scatter",
      mode: "lines+markers",
      x: [value, value],
      y: [0, 1],
      line: { color, width: 3 },
      marker: { size: [0, 9], color },
      hovertemplate: `every value = ${fmt(value)}<br>count ${total}<extra></extra>`,
    },
  ];
  const annotations = [
    {
      x: value,
      y: 1,
      xref: "x",
      yref: "y",
      yanchor: "bottom",
      yshift: 4,
      showarrow: false,
      text: `all = ${fmt(value)}`,
      font: { color: theme.font, size: 11 },
    },
  ];
  const yaxis = {
    range: [0, 1.35],
    tickvals: [0, 1],
    ticktext: ["0", "all"],
    title: { text: "share", font: { size: 10 } },
  };
  return { traces, yaxis, annotations };
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
