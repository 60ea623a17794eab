// What a LazyViz widget shows, as one standalone SVG document: the header
// line, the graph exactly as panned and zoomed on screen, the details panel
// when a node is selected, and the step's caption. Computed styles are
// written as presentation attributes, so no stylesheet is needed. Buttons,
// the slider and the legend (the panel with nothing selected) are left out.
// Used in the notebook (the picture stored in the widget's output) and by
// the headless pictures of lazyviz/export/pictures.py, through lazyviz/export/snapshot.js.

import { svg } from "../view/dom";
import { colourOf, type Colour } from "./colours";
import { pictureDocument } from "./document";
import { drawBox, drawContents } from "./html";
import { copySvg } from "./inline";
import { baseline, textWidth } from "./measure";
import { textAttrs } from "./text-lines";
import { clean, fixSpaces, num, serialize, uniqueIds, wrapText } from "./xml";

const PAD_X = 12;

function fillOf(c: Colour): string | undefined {
  return c.a === 1 ? undefined : num(c.a);
}

/** The details panel, if it shows a node: where it is relative to the graph, and its full height. */
function openPanel(root: HTMLElement, g: DOMRect): { el: HTMLElement; x: number; y: number; width: number; height: number } | null {
  const el = root.querySelector<HTMLElement>(".lv-details");
  if (!el || el.classList.contains("lv-empty") || getComputedStyle(el).display === "none") return null;
  const r = el.getBoundingClientRect();
  if (r.width <= 0 || r.height <= 0) return null;
  // A picture cannot scroll: the panel is drawn whole, and the picture grows to hold it.
  const cs = getComputedStyle(el);
  const full = el.scrollHeight + parseFloat(cs.borderTopWidth) + parseFloat(cs.borderBottomWidth);
  return { el, x: r.left - g.left, y: r.top - g.top, width: r.width, height: Math.max(r.height, full) };
}

/** What the widget shows now, as a standalone SVG document (the text of an .svg file). */
export function widgetPicture(root: HTMLElement): string {
  const graph = root.querySelector<SVGSVGElement>("svg.lv-svg");
  if (!graph) throw new Error("lazyviz: the widget has not drawn its graph yet");
  const rootCs = getComputedStyle(root);
  const bg = colourOf(rootCs.backgroundColor) ?? { hex: "#ffffff", a: 1 };
  const g = graph.getBoundingClientRect();
  const panel = openPanel(root, g);
  const graphW = Math.max(1, Math.round(g.width));
  const graphH = Math.max(1, Math.round(g.height));
  const width = panel ? Math.max(graphW, Math.round(panel.x + panel.width)) : graphW;
  const bodyH = panel ? Math.max(graphH, Math.round(panel.y + panel.height)) : graphH;
  const header = root.querySelector<HTMLElement>(".lv-header");
  const headerH = header ? Math.round(header.getBoundingClientRect().height) : 0;
  const caption = root.querySelector<HTMLElement>(".lv-caption");
  const capCs = caption ? getComputedStyle(caption) : rootCs;
  const capText = clean(caption?.textContent ?? "");
  const lines = capText ? wrapText(capText, width - 2 * PAD_X, (s) => textWidth(s, capCs)) : [];
  const lineH = parseFloat(capCs.lineHeight) || parseFloat(capCs.fontSize) * 1.35;
  const capH = Math.ceil(Math.max(lines.length, 1) * lineH + 14);
  const height = headerH + bodyH + capH;

  const model = root.querySelector(".lv-model")?.textContent ?? "";
  const title = `${model} · step ${root.dataset.step} of ${root.dataset.steps}${capText ? ": " + capText : ""}`;
  const attrs = { class: "lazyviz-picture", "data-step": root.dataset.step, "data-steps": root.dataset.steps };
  const { out, ctx, font } = pictureDocument({ width, height }, rootCs, bg, attrs, title);

  // The graph: a deep copy of the widget's <svg>, styles written in.
  const copy = copySvg(graph, { x: 0, y: headerH, width: graphW, height: graphH }, font, ctx);
  copy.setAttribute("class", "lv-graph");
  copy.setAttribute("viewBox", `0 0 ${graphW} ${graphH}`);
  copy.setAttribute("overflow", "hidden");
  out.appendChild(copy);

  if (header) drawHeader(root, header, width, headerH, out);
  if (panel) {
    const pg = svg("g", { class: "lv-details", transform: `translate(${num(panel.x)},${num(headerH + panel.y)})` }, out);
    const pr = panel.el.getBoundingClientRect();
    drawBox(getComputedStyle(panel.el), { x: 0, y: 0, width: panel.width, height: panel.height }, pg);
    const origin = { x: pr.left - panel.el.scrollLeft, y: pr.top - panel.el.scrollTop };
    drawContents(panel.el, pg, { origin, ctx, font });
  }
  drawCaption(root, caption, capCs, lines, lineH, { y: headerH + bodyH, width, height: capH }, out);

  uniqueIds(out);
  fixSpaces(out);
  return serialize(out);
}

/** The header line, where the page draws it (items past the picture's width are left out), and the step counter. */
function drawHeader(root: HTMLElement, header: HTMLElement, width: number, headerH: number, out: SVGSVGElement): void {
  const hb = svg("g", { class: "lv-header" }, out);
  const hr = header.getBoundingClientRect();
  const hcs = getComputedStyle(header);
  const hbg = colourOf(hcs.backgroundColor);
  if (hbg && hbg.a > 0) svg("rect", { width, height: headerH, fill: hbg.hex, "fill-opacity": fillOf(hbg) }, hb);
  const line = colourOf(hcs.borderBottomColor);
  if (line) svg("rect", { y: headerH - 1, width, height: 1, fill: line.hex, "fill-opacity": fillOf(line) }, hb);
  for (const item of header.children) {
    const cs = getComputedStyle(item);
    if ((item as HTMLElement).hidden || cs.display === "none") continue;
    const text = clean(item instanceof HTMLSelectElement ? (item.selectedOptions[0]?.textContent ?? "") : (item.textContent ?? "")).trim();
    if (!text) continue;
    const r = item.getBoundingClientRect();
    const x = r.left - hr.left;
    if (x > width - 24) continue;
    const y = baseline(cs, r.top - hr.top, r.height);
    svg("text", { x: num(x), y: num(y), class: item.className, ...textAttrs(cs) }, hb).textContent = text;
  }
  const counter = root.querySelector(".lv-counter");
  if (counter && root.dataset.steps !== "0") {
    const cs = getComputedStyle(counter);
    const attrs = { x: width - PAD_X, y: num(baseline(cs, 0, headerH)), "text-anchor": "end", class: "lv-counter", ...textAttrs(cs) };
    svg("text", attrs, hb).textContent = `step ${root.dataset.step} / ${root.dataset.steps}`;
  }
}

/** The caption, wrapped to the picture's width; its lines rejoin into the caption's text. */
function drawCaption(
  root: HTMLElement,
  caption: HTMLElement | null,
  capCs: CSSStyleDeclaration,
  lines: string[],
  lineH: number,
  at: { y: number; width: number; height: number },
  out: SVGSVGElement,
): void {
  const cb = svg("g", { class: "lv-caption", transform: `translate(0,${at.y})` }, out);
  const cbg = caption ? colourOf(capCs.backgroundColor) : null;
  if (cbg && cbg.a > 0) svg("rect", { width: at.width, height: at.height, fill: cbg.hex, "fill-opacity": fillOf(cbg) }, cb);
  const sep = colourOf(getComputedStyle(root.querySelector(".lv-controls") ?? root).borderTopColor);
  if (sep) svg("rect", { width: at.width, height: 1, fill: sep.hex, "fill-opacity": fillOf(sep) }, cb);
  if (!lines.length) return;
  const t = svg("text", { class: "lv-caption-text", ...textAttrs(capCs) }, cb);
  lines.forEach((line, i) => {
    const s = svg("tspan", { x: PAD_X, y: num(baseline(capCs, 7 + i * lineH, lineH)) }, t);
    // A line ends with the space it was broken at: the text reads back as the caption.
    s.textContent = i < lines.length - 1 ? `${line} ` : line;
  });
}
