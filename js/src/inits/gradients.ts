// Gradients across depth: the std of each parameter's gradient after one
// backward pass of the stated loss, one line per initializer, in forward
// order. Vanishing gradients fall towards the input, exploding ones rise; a
// log axis when the values span a decade or more.

import { drawAcrossDepth } from "./across-depth";
import type { InitsRecord } from "./model";
import { escapeLabel, gradLabel, gradLog, gradRows } from "./rows";
import { fmt } from "./stats";
import type { Theme } from "./theme";

export function drawGradients(
  div: HTMLElement,
  data: InitsRecord,
  types: Record<string, string>,
  theme: Theme,
  all: boolean,
  onPick: (path: string, param: string) => void,
): void {
  const perInit = data.inits.map((label) => ({ label, rows: gradRows(data, label, all) }));
  const log = gradLog(data, all);
  div.dataset.scale = log ? "log" : "linear";
  const series = perInit.map(({ label, rows }) => ({
    label,
    x: rows.map((r) => escapeLabel(gradLabel(r, types))),
    // on a log axis a zero std is a gap, not a fall to -infinity
    y: rows.map((r) => (r.std === null || (log && r.std <= 0) ? null : r.std)),
    customdata: rows.map((r) => [
      fmt(r.std),
      fmt(r.mean),
      fmt(r.norm),
      r.no_grad ? ` · no gradient (${escapeLabel(r.no_grad)})` : "",
    ]),
    hover: "grad std %{customdata[0]} · mean %{customdata[1]}<br>norm %{customdata[2]}%{customdata[3]}",
  }));
  const yaxis = { type: log ? "log" : "linear", rangemode: log ? undefined : "tozero", title: { text: "gradient std" } };
  drawAcrossDepth(div, series, yaxis, theme, (x) => {
    const row = perInit.flatMap((p) => p.rows).find((r) => escapeLabel(gradLabel(r, types)) === x);
    if (row) onPick(row.path, row.param);
  });
}
