// Activations across depth: the std of each visited layer's output, one line
// per initializer, on a log scale (vanishing and exploding signals are
// straight lines going down or up).

import { drawAcrossDepth } from "./across-depth";
import type { InitsRecord } from "./model";
import { escapeLabel, layerLabel } from "./rows";
import { fmt } from "./stats";
import type { Theme } from "./theme";

export function drawDepth(
  div: HTMLElement,
  data: InitsRecord,
  types: Record<string, string>,
  theme: Theme,
  onPick: (path: string) => void,
): void {
  const xOf = (path: string): string => escapeLabel(layerLabel(path, types));
  const series = data.inits.map((label) => {
    const rows = data.activations[label] ?? [];
    return {
      label,
      x: rows.map((r) => xOf(r.path)),
      // a zero std has no place on a log axis: a gap, not a fall to -infinity
      y: rows.map((r) => (r.std !== null && r.std > 0 ? r.std : null)),
      customdata: rows.map((r) => [fmt(r.mean), fmt(r.std), fmt(r.zero_frac), r.path]),
      hover: "std %{customdata[1]} · mean %{customdata[0]}<br>zeros %{customdata[2]}",
    };
  });
  const yaxis = { type: "log", title: { text: "activation std" } };
  drawAcrossDepth(div, series, yaxis, theme, (x) => {
    const first = data.inits[0];
    const rows = first === undefined ? [] : (data.activations[first] ?? []);
    const row = rows.find((r) => xOf(r.path) === x);
    if (row) onPick(row.path);
  });
}
