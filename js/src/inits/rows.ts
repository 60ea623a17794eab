// Pure text and row selection for the depth charts: labels, which gradient
// rows are drawn, and the loss line. No DOM and no plotly, so it is unit-testable.

import type { GradientRow, InitsRecord } from "./model";
import { fmt, wantsLog } from "./stats";

/** Tick label of a layer: its index and type ("3 · Dense"). */
export function layerLabel(path: string, types: Record<string, string>): string {
  const type = types[path];
  const name = path === "" ? "(root)" : path;
  return type ? `${name} · ${type}` : name;
}

/** Plotly reads names, ticks and hover text as its own mini-HTML: entities keep a label literal. */
export function escapeLabel(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Tick label of a gradient row: the layer, and the parameter unless it is `weight`. */
export function gradLabel(row: GradientRow, types: Record<string, string>): string {
  const layer = layerLabel(row.path, types);
  return row.param === "weight" ? layer : `${layer} · ${row.param}`;
}

/** Rows to plot: weights (2-D and up) unless `all`, or everything when there are none. */
export function gradRows(data: InitsRecord, label: string, all: boolean): GradientRow[] {
  const rows = data.gradients?.[label] ?? [];
  if (all) return rows;
  const dims = new Map(data.params.map((p) => [`${p.path}\u0000${p.param}`, p.shape.length]));
  const weights = rows.filter((r) => (dims.get(`${r.path}\u0000${r.param}`) ?? 0) >= 2);
  return weights.length ? weights : rows;
}

/** Whether the chart uses a log axis: when the plotted stds span a decade or more. */
export function gradLog(data: InitsRecord, all: boolean): boolean {
  return wantsLog(data.inits.flatMap((label) => gradRows(data, label, all).map((r) => r.std)));
}

/** Initializers with no point on the chart: every plotted std zero (on a log axis) or missing. */
export function undrawn(data: InitsRecord, all: boolean, log: boolean): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const label of data.inits) {
    const stds = gradRows(data, label, all).map((r) => r.std);
    if (stds.length === 0 || stds.some((v) => v !== null && (v > 0 || !log))) continue;
    const why = stds.every((v) => v === 0)
      ? "every gradient is 0"
      : stds.every((v) => v === null)
        ? "no gradient"
        : "zero or no gradient";
    out.push([label, why]);
  }
  return out;
}

/** The line under the chart: which loss, its value by initializer, and any failure. */
export function lossText(data: InitsRecord): string {
  const values = data.inits
    .filter((label) => data.losses && label in data.losses)
    .map((label) => `${label} ${fmt(data.losses?.[label])}`);
  const failed = Object.entries(data.grad_errors ?? {}).map(
    ([label, msg]) => `backward failed for ${label}: ${msg}`,
  );
  const head = `loss = ${data.loss ?? "?"}` + (values.length ? `; by init: ${values.join(" · ")}` : "");
  return [head, ...failed].join(". ");
}
