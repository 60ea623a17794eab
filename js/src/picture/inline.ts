// An <svg> of the page copied with its computed styles written as
// presentation attributes, so it draws the same with no stylesheet. Only what
// differs from the parent is written (the picture stays small), hidden
// elements are dropped, CSS drop-shadow() filters become SVG 1.1 filters.

import type { Rect } from "../geometry";
import { svg } from "../view/dom";
import { colourOf } from "./colours";
import { clean, num, px } from "./xml";

/** The inherited properties a picture writes. */
export const INHERITED = [
  "fill", "fill-opacity", "stroke", "stroke-opacity", "stroke-width", "stroke-dasharray",
  "stroke-linejoin", "stroke-linecap", "font-family", "font-size", "font-weight", "font-style",
  "text-anchor", "dominant-baseline", "paint-order", "visibility",
] as const;

type Props = Record<string, string>;

/** SVG's initial values: what a reader assumes where the picture writes nothing. */
export const INITIAL: Props = {
  fill: "#000000", "fill-opacity": "1", stroke: "none", "stroke-opacity": "1",
  "stroke-width": "1", "stroke-dasharray": "none", "stroke-linejoin": "miter",
  "stroke-linecap": "butt", "font-weight": "400", "font-style": "normal",
  "text-anchor": "start", "dominant-baseline": "auto", "paint-order": "normal",
  visibility: "visible", opacity: "1", filter: "none",
};

// Never rendered, and display:none in the UA sheet: kept as they are.
const KEEP = new Set(["title", "desc", "defs", "marker", "clipPath", "linearGradient", "radialGradient", "stop", "pattern", "mask", "symbol"]);

/** Where the copies' shared definitions (filters) go. */
export interface InlineContext {
  defs: SVGDefsElement;
  /** CSS filter -> the id of its SVG filter (null: not expressible) */
  filters: Map<string, string | null>;
}

/** The values a standalone reader would need to draw an element as the page does. */
export function effective(cs: CSSStyleDeclaration): Props {
  const out: Props = {};
  for (const [paint, op] of [["fill", "fill-opacity"], ["stroke", "stroke-opacity"]] as const) {
    const v = cs.getPropertyValue(paint);
    const c = colourOf(v);
    const o = parseFloat(cs.getPropertyValue(op) || "1");
    if (c) {
      out[paint] = c.hex;
      out[op] = num(c.a * o);
    } else {
      out[paint] = v === "" ? INITIAL[paint]! : v;
      out[op] = num(o);
    }
  }
  out["stroke-width"] = px(cs.getPropertyValue("stroke-width") || "1");
  const dash = cs.getPropertyValue("stroke-dasharray");
  out["stroke-dasharray"] = !dash || dash === "none" ? "none" : dash.split(/[\s,]+/).filter(Boolean).map(px).join(" ");
  for (const p of ["stroke-linejoin", "stroke-linecap", "font-family", "font-weight", "font-style", "text-anchor", "dominant-baseline", "paint-order", "visibility"]) {
    out[p] = cs.getPropertyValue(p);
  }
  out["font-size"] = px(cs.getPropertyValue("font-size"));
  out.opacity = num(cs.getPropertyValue("opacity") || "1");
  out.filter = cs.getPropertyValue("filter") || "none";
  return out;
}

/** Writes `orig`'s computed style onto its deep copy `copy`, recursively. */
export function inlineStyles(orig: Node, copy: Node, inherited: Props, ctx: InlineContext): void {
  if (copy.nodeType === Node.TEXT_NODE) {
    (copy as Text).data = clean((copy as Text).data);
    return;
  }
  if (copy.nodeType !== Node.ELEMENT_NODE) {
    (copy as ChildNode).remove();
    return;
  }
  const from = orig as Element;
  const to = copy as Element;
  const tag = from.localName;
  if (tag === "title" || tag === "desc") {
    to.textContent = clean(to.textContent ?? "");
    return;
  }
  const kept = KEEP.has(tag) || from.closest("defs, marker");
  const cs = getComputedStyle(from);
  if (!kept && cs.display === "none") {
    // Hidden: dropped, except the empty element of a trace node (the DOM contract keeps one).
    if (from.hasAttribute("data-path")) {
      to.replaceChildren();
      to.setAttribute("display", "none");
    } else to.remove();
    return;
  }
  to.removeAttribute("style");
  const eff = effective(cs);
  const next = { ...inherited };
  for (const p of INHERITED) {
    if (eff[p] !== inherited[p]) to.setAttribute(p, eff[p]!);
    next[p] = eff[p]!;
  }
  if (eff.opacity !== "1") to.setAttribute("opacity", eff.opacity!);
  if (eff.filter !== "none") {
    const id = shadowFilter(eff.filter!, ctx);
    if (id) to.setAttribute("filter", `url(#${id})`);
  }
  inlineChildren(from, to, next, ctx);
}

function inlineChildren(orig: Node, copy: Node, inherited: Props, ctx: InlineContext): void {
  const origKids = [...orig.childNodes];
  const copyKids = [...copy.childNodes];
  for (let i = 0; i < copyKids.length; i++) inlineStyles(origKids[i]!, copyKids[i]!, inherited, ctx);
}

/** A CSS drop-shadow() as an SVG 1.1 filter in the document's defs; its id, or null. */
function shadowFilter(css: string, ctx: InlineContext): string | null {
  const known = ctx.filters.get(css);
  if (known !== undefined) return known;
  const m = /drop-shadow\((.*\))\s+(-?[\d.]+)px\s+(-?[\d.]+)px(?:\s+([\d.]+)px)?\)/.exec(css);
  const c = m ? colourOf(m[1]) : null;
  let id: string | null = null;
  if (m && c) {
    id = `lv-shadow-${ctx.filters.size}`;
    const f = svg("filter", { id, x: "-50%", y: "-50%", width: "200%", height: "200%" }, ctx.defs);
    svg("feGaussianBlur", { in: "SourceAlpha", stdDeviation: num(Number(m[4] ?? 0) / 2) }, f);
    svg("feOffset", { dx: num(m[2]!), dy: num(m[3]!), result: "offset" }, f);
    svg("feFlood", { "flood-color": c.hex, "flood-opacity": num(c.a) }, f);
    svg("feComposite", { in2: "offset", operator: "in" }, f);
    const merge = svg("feMerge", {}, f);
    svg("feMergeNode", {}, merge);
    svg("feMergeNode", { in: "SourceGraphic" }, merge);
  }
  ctx.filters.set(css, id);
  return id;
}

/**
 * A deep copy of an <svg> of the page, its descendants' styles written in,
 * placed at (x, y) with the size it has on screen. Inherited values start
 * from SVG's initial ones and the picture's font (what the copy's parent in
 * the picture gives it); an <svg> in a smaller font (a histogram in the
 * side panel) says its own once, not on every child.
 */
export function copySvg(
  orig: SVGSVGElement,
  at: Rect,
  font: { family: string; size: string },
  ctx: InlineContext,
): SVGSVGElement {
  const copy = orig.cloneNode(true) as SVGSVGElement;
  for (const a of ["width", "height", "style"]) copy.removeAttribute(a);
  copy.setAttribute("x", num(at.x));
  copy.setAttribute("y", num(at.y));
  copy.setAttribute("width", num(at.width));
  copy.setAttribute("height", num(at.height));
  const base: Props = {};
  const seed = effective(getComputedStyle(orig));
  for (const p of INHERITED) base[p] = INITIAL[p] ?? seed[p]!;
  base["font-family"] = font.family;
  base["font-size"] = font.size;
  for (const p of ["font-family", "font-size"] as const) {
    if (seed[p] !== base[p]) copy.setAttribute(p, (base[p] = seed[p]!));
  }
  inlineChildren(orig, copy, base, ctx);
  return copy;
}
