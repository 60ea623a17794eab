// Small per-initializer histograms in the details panel, from the
// `histograms` trait: bars from Python's bins, the theoretical density as a
// line, axes with values (hist-geometry.ts; a point mass is one labelled
// spike), mean/std against their expected values. Python fills a node's entry
// only once the node is selected, or says why not in `histogram_notes`.

import { isKnown } from "../format";
import type { InitHistogram, TraceNode } from "../model";
import { clear, html, svg } from "./dom";
import { HIST_H, HIST_W, PLOT, histogramGeometry, type HistGeometry } from "./hist-geometry";

/** One parameter under one initializer, as Python's `histogram()` sends it (lazyviz/schema.json). */
export type HistogramData = InitHistogram;

/** param name -> init label -> histogram */
export type ParamHistograms = Record<string, Record<string, HistogramData>>;

function isHist(v: unknown): v is HistogramData {
  const h = v as HistogramData;
  return !!h && Array.isArray(h.edges) && Array.isArray(h.counts) && h.edges.length === h.counts.length + 1;
}

/** Picks the node's entry out of the trait, ignoring anything malformed. */
export function histogramsFor(trait: Record<string, unknown> | undefined, node: string): ParamHistograms | undefined {
  const raw = trait?.[node];
  if (!raw || typeof raw !== "object") return undefined;
  const out: ParamHistograms = {};
  for (const [param, per] of Object.entries(raw as Record<string, unknown>)) {
    if (!per || typeof per !== "object") continue;
    const inits: Record<string, HistogramData> = {};
    for (const [label, h] of Object.entries(per as Record<string, unknown>)) if (isHist(h)) inits[label] = h;
    if (Object.keys(inits).length) out[param] = inits;
  }
  return Object.keys(out).length ? out : undefined;
}

/** What the details panel shows under a node's parameters. */
export type HistogramPanel =
  | { kind: "none" }
  | { kind: "histograms"; data: ParamHistograms }
  | { kind: "note"; text: string }
  | { kind: "pending" };

export const PENDING_TEXT = "Computing histograms…";

/**
 * A node without parameters (or with none known) has no histogram section.
 * Otherwise Python's note for the node wins (it says why there are none),
 * then its histograms, then the note for every node without them (key `"*"`:
 * a page that left them out); with none of these the node waits for Python.
 */
export function histogramPanel(
  trait: Record<string, unknown> | undefined,
  notes: Record<string, unknown> | undefined,
  node: TraceNode,
): HistogramPanel {
  const note = (key: string): string | null => {
    const v = notes?.[key];
    return typeof v === "string" && v !== "" ? v : null;
  };
  const own = note(node.id);
  if (own !== null) return { kind: "note", text: own };
  const data = histogramsFor(trait, node.id);
  if (data) return { kind: "histograms", data };
  if (!node.params.some((p) => isKnown(p.shape))) return { kind: "none" };
  const all = note("*");
  return all !== null ? { kind: "note", text: all } : { kind: "pending" };
}

export function drawHistogramPanel(parent: HTMLElement, panel: HistogramPanel): void {
  if (panel.kind === "histograms") drawHistograms(parent, panel.data);
  else if (panel.kind === "note") html("p", { class: "lv-hint lv-hist-note" }, parent, panel.text);
  else if (panel.kind === "pending") html("p", { class: "lv-hint lv-hist-pending", role: "status" }, parent, PENDING_TEXT);
}

/** ` mean 0.0012 std 0.0861 (expected 0.0863)`; a value Python sent as null reads "n/a". */
export function statsText(h: Partial<Pick<HistogramData, "mean" | "std" | "expected_std">>): string {
  const fmt = (v: number | null | undefined): string => (typeof v === "number" && Number.isFinite(v) ? v.toFixed(4) : "n/a");
  const mean = h.mean !== undefined ? ` mean ${fmt(h.mean)}` : "";
  const std = h.std !== undefined ? ` std ${fmt(h.std)}` : "";
  const exp = h.expected_std !== undefined ? ` (expected ${fmt(h.expected_std)})` : "";
  return `${mean}${std}${exp}`;
}

/** The initializer picked last: UI-only, kept while the reader clicks from node to node. */
let picked: string | undefined;

export function drawHistograms(parent: HTMLElement, data: ParamHistograms): void {
  const box = html("div", { class: "lv-hists" }, parent);
  const labels = [...new Set(Object.values(data).flatMap((inits) => Object.keys(inits)))];
  const head = html("label", { class: "lv-d-section lv-hist-head" }, box, "values with ");
  const select = html("select", { class: "lv-hist-pick", "aria-label": "initializer" }, head);
  for (const label of labels) html("option", { value: label }, select, label);
  if (!picked || !labels.includes(picked)) picked = labels[0];
  select.value = picked ?? "";
  const figures = html("div", {}, box);
  const draw = (): void => {
    clear(figures);
    for (const [param, inits] of Object.entries(data)) {
      const h = picked !== undefined ? inits[picked] : undefined;
      if (h) drawOne(figures, param, h);
    }
  };
  select.addEventListener("change", () => {
    picked = select.value;
    draw();
  });
  draw();
}

function drawOne(box: HTMLElement, label: string, h: HistogramData): void {
  const fig = html("figure", { class: "lv-hist" }, box);
  const geo = histogramGeometry(h);
  const g = svg("svg", { width: HIST_W, height: HIST_H, viewBox: `0 0 ${HIST_W} ${HIST_H}`, class: "lv-hist-svg" }, fig);
  for (const b of geo.bars) svg("rect", { x: f1(b.x), y: f1(b.y), width: f1(b.width), height: f1(b.height), class: "lv-bar-h" }, g);
  if (geo.pdf) svg("path", { d: geo.pdf, class: "lv-pdf" }, g);
  drawAxes(g, geo);
  if (geo.spike) {
    // One line at the value with a dot on top: every value is this one number.
    const { x, top, value, label: text } = geo.spike;
    const sg = svg("g", { class: "lv-hist-spike", "data-value": String(value) }, g);
    svg("line", { x1: f1(x), x2: f1(x), y1: PLOT.y1, y2: f1(top), class: "lv-hist-spike-line" }, sg);
    svg("circle", { cx: f1(x), cy: f1(top), r: 2.5, class: "lv-hist-spike-dot" }, sg);
    const t = svg("text", { x: f1(x + 6), y: f1(top + 4), class: "lv-hist-spike-label" }, sg);
    t.textContent = text;
  }
  if (geo.theoryPoint) {
    const tg = svg("g", { class: "lv-hist-theory-point" }, g);
    svg("line", { x1: f1(geo.theoryPoint.x), x2: f1(geo.theoryPoint.x), y1: PLOT.y1, y2: PLOT.y0, class: "lv-pdf" }, tg);
    svg("title", {}, tg).textContent = geo.theoryPoint.label;
  }
  const cap = html("figcaption", {}, fig);
  html("b", {}, cap, label);
  cap.appendChild(document.createTextNode(statsText(h)));
}

/** Axis lines, tick marks and their values: x below the plot, counts on the left. */
function drawAxes(g: SVGSVGElement, geo: HistGeometry): void {
  const axes = svg("g", { class: "lv-hist-axes" }, g);
  svg("path", { d: `M${PLOT.x0},${PLOT.y0}V${PLOT.y1}H${PLOT.x1}`, class: "lv-hist-axis" }, axes);
  for (const t of geo.xTicks) {
    svg("path", { d: `M${f1(t.at)},${PLOT.y1}v3`, class: "lv-hist-axis" }, axes);
    const text = svg("text", { x: f1(t.at), y: PLOT.y1 + 13, "text-anchor": "middle", class: "lv-hist-tick lv-hist-xtick" }, axes);
    text.textContent = t.label;
  }
  for (const t of geo.yTicks) {
    svg("path", { d: `M${PLOT.x0},${f1(t.at)}h-3`, class: "lv-hist-axis" }, axes);
    const text = svg("text", { x: PLOT.x0 - 5, y: f1(t.at + 3), "text-anchor": "end", class: "lv-hist-tick lv-hist-ytick" }, axes);
    text.textContent = t.label;
  }
}

function f1(v: number): string {
  return v.toFixed(1);
}
