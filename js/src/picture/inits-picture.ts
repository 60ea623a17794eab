// What a compare_inits widget shows, as one standalone SVG document: its
// headings, notes and stats as text, each plotly chart as plotly's own SVG
// export, embedded where the chart is on screen. Lives apart from index.ts so
// the graph widget's bundle does not carry plotly.

import Plotly from "plotly.js-basic-dist-min";
import { svg } from "../view/dom";
import { colourOf, type Colour } from "./colours";
import { pictureDocument } from "./document";
import { drawContents } from "./html";
import { base64Utf8, fixSpaces, num, serialize, uniqueIds } from "./xml";

const XLINK_NS = "http://www.w3.org/1999/xlink";

/** The first opaque background from the element up: what the widget is seen on. */
function backgroundOf(el: Element | null): Colour {
  for (let e = el; e; e = e.parentElement) {
    const c = colourOf(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0) return c;
  }
  return { hex: "#ffffff", a: 1 };
}

/**
 * One chart at its place on screen: plotly re-plots it at that size and
 * exports it as one SVG document (its layers merged), embedded as an image.
 * Embedded, not parsed into the picture: model text (labels, layer names)
 * is never parsed here (js/test/text-safety.test.ts), and the chart's ids
 * and inline styles stay in a document of their own.
 */
async function drawChart(gd: HTMLElement, slot: SVGGElement, origin: { x: number; y: number }): Promise<void> {
  const r = gd.getBoundingClientRect();
  const width = Math.max(1, Math.round(r.width));
  const height = Math.max(1, Math.round(r.height));
  const text = await Plotly.toImage(gd, { format: "svg", width, height, imageDataOnly: true });
  const image = svg("image", { x: num(r.left - origin.x), y: num(r.top - origin.y), width, height }, slot);
  // xlink:href: SVG 1.1 readers know no plain href.
  image.setAttributeNS(XLINK_NS, "xlink:href", `data:image/svg+xml;base64,${base64Utf8(text)}`);
}

/** What the comparison widget shows now (`root` is its `.lazyviz-inits` element), as SVG text. */
export async function initsPicture(root: HTMLElement): Promise<string> {
  const cs = getComputedStyle(root);
  const r = root.getBoundingClientRect();
  const width = Math.max(1, Math.round(r.width));
  const height = Math.max(1, Math.round(r.height));
  const title = root.querySelector(".lazyviz-inits-title")?.textContent ?? "Initializers";
  const selected = root.dataset.selected ? ` · ${root.dataset.selected}` : "";
  const attrs = { class: "lazyviz-inits-picture", "data-selected": root.dataset.selected };
  const { out, ctx, font } = pictureDocument({ width, height }, cs, backgroundOf(root), attrs, title + selected);

  const origin = { x: r.left, y: r.top };
  const body = svg("g", {}, out);
  const charts: Array<Promise<void>> = [];
  const other = (el: Element, into: SVGGElement): boolean => {
    if (!el.classList.contains("js-plotly-plot")) return false;
    // A slot keeps the chart's place in the drawing order while plotly exports it.
    const slot = svg("g", { class: "lazyviz-inits-chart", "data-kind": (el as HTMLElement).dataset.kind }, into);
    charts.push(drawChart(el as HTMLElement, slot, origin));
    return true;
  };
  drawContents(root, body, { origin, ctx, font, other });
  await Promise.all(charts);

  uniqueIds(out);
  fixSpaces(out);
  return serialize(out);
}
