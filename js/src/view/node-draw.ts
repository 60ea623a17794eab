// One drawn box of the graph: frame, title, parameter lines, toggle, and
// (only once it fails) the error callout. The element itself (`g`, with its
// data-path/data-state) is made by GraphView; this fills it in.

import { LINE_H, PAD_X, PAD_Y, TITLE_H, GROUP_TITLE_H, type Box } from "../layout/boxes";
import type { PlacedNode } from "../layout/placed";
import type { TraceNode } from "../model";
import { setSegments, svg, wrap } from "./dom";

export interface NodeParts {
  /** Text of each parameter line, by index into the node's params (redrawn per step). */
  params: Map<number, SVGTextElement>;
  io: SVGTextElement | null;
  callout: { box: SVGRectElement; text: SVGTextElement } | null;
}

/** Offsets of the cards drawn behind a folded run's box, so it reads as a stack. */
const STACK = [6, 3];

export function drawBox(g: SVGGElement, p: PlacedNode, n: TraceNode): NodeParts {
  const box: Box = p.box;
  const title = svg("title", {}, g);
  title.textContent = n.kind === "op" || n.path === "" ? `${n.type} (${n.path || "root"})` : `${n.path} · ${n.type}`;
  const parts: NodeParts = { params: new Map(), io: null, callout: null };
  const rx = box.kind === "io" ? p.height / 2 : box.kind === "op" ? 8 : 6;
  if (box.kind === "fold") {
    for (const d of STACK) svg("rect", { class: "lv-fold-back", x: d, y: d, width: r(p.width), height: r(p.height), rx }, g);
  }
  svg("rect", { class: "lv-box", width: r(p.width), height: r(p.height), rx }, g);

  if (box.kind === "group") {
    svg("rect", { class: "lv-bar", width: r(p.width), height: GROUP_TITLE_H, rx }, g);
    const t = svg("text", { class: "lv-title", x: PAD_X, y: GROUP_TITLE_H / 2 + 4 }, g);
    setSegments(t, box.lines[0]!.segments, { 0: "lv-name", 1: "lv-type" });
    toggle(g, p.width, GROUP_TITLE_H / 2, "−");
    return parts;
  }
  let y = PAD_Y + 12;
  const centred = box.kind === "op" || box.kind === "io";
  box.lines.forEach((line, i) => {
    const cls = i === 0 ? (box.kind === "io" ? "lv-io" : "lv-title") : line.param !== undefined ? "lv-param" : "lv-sub";
    const t = svg("text", { class: cls, x: centred ? r(p.width / 2) : PAD_X, y: centred ? r(p.height / 2 + 4) : y }, g);
    if (centred) t.setAttribute("text-anchor", "middle");
    setSegments(t, line.segments, i === 0 && box.kind !== "io" ? { 0: "lv-name", 1: "lv-type", 2: "lv-fold-count" } : {});
    if (line.param !== undefined) parts.params.set(line.param, t);
    if (box.kind === "io") parts.io = t;
    y += i === 0 ? TITLE_H : LINE_H;
  });
  if (box.kind === "collapsed" || box.kind === "fold") toggle(g, p.width, PAD_Y + 8, "+");
  return parts;
}

/** Shows a failing node's message to the right of its box (made on first use: most nodes never fail). */
export function setCallout(g: SVGGElement, parts: NodeParts, width: number, error: string | null): void {
  if (!parts.callout) {
    if (!error) return;
    const cg = svg("g", { class: "lv-callout", transform: `translate(${r(width + 10)},0)` }, g);
    parts.callout = { box: svg("rect", { class: "lv-callout-box", rx: 4 }, cg), text: svg("text", { class: "lv-callout-text", x: 8, y: 16 }, cg) };
  }
  const { box, text } = parts.callout;
  while (text.firstChild) text.removeChild(text.firstChild);
  if (!error) return;
  const lines = wrap(error, 40, 5);
  lines.forEach((line, i) => {
    const ts = svg("tspan", { x: 8, dy: i === 0 ? 0 : 14 }, text);
    ts.textContent = line;
  });
  const w = Math.max(...lines.map((l) => l.length)) * 7 + 16;
  box.setAttribute("width", String(r(w)));
  box.setAttribute("height", String(lines.length * 14 + 10));
}

function toggle(g: SVGGElement, width: number, cy: number, sign: string): void {
  const t = svg("g", { class: "lv-toggle", transform: `translate(${r(width - 16)},${r(cy)})` }, g);
  svg("circle", { r: 7 }, t);
  const s = svg("text", { y: 4, "text-anchor": "middle" }, t);
  s.textContent = sign;
}

export function r(x: number): number {
  return Math.round(x * 10) / 10;
}

/**
 * The handle beside an opened run of repeated blocks: a bracket along the
 * members' right side labelled "×24"; clicking it folds them again (the
 * view finds it by `data-run`, the run's id).
 */
export function drawRunHandle(parent: SVGGElement, run: string, count: number, at: { x: number; y0: number; y1: number }): SVGGElement {
  const h = Math.max(1, at.y1 - at.y0);
  const g = svg("g", { class: "lv-run", "data-run": run, transform: `translate(${r(at.x)},${r(at.y0)})` }, parent);
  const title = svg("title", {}, g);
  title.textContent = `${count} identical blocks: click to fold them into one box`;
  svg("rect", { class: "lv-run-hit", x: -2, y: 0, width: 20, height: r(h) }, g);
  svg("path", { class: "lv-run-line", d: `M0,0h5V${r(h)}h-5` }, g);
  const t = svg("text", { class: "lv-run-count", "text-anchor": "middle", transform: `translate(13,${r(Math.min(h / 2, 60))}) rotate(90)` }, g);
  t.textContent = `×${count} ⊟`;
  return g;
}
