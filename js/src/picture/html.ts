// HTML content of the widget (the details panel, the comparison's headings
// and notes) as plain SVG 1.1: each element's background and borders as
// rects, its text as <text> lines where the browser laid them out, an inner
// <svg> copied with its styles written in, form controls as what they show.
// No foreignObject: readers that draw no HTML (GitHub, nbconvert, Inkscape)
// draw all of it.

import type { Rect } from "../geometry";
import { svg } from "../view/dom";
import { colourOf, type Colour } from "./colours";
import { copySvg, type InlineContext } from "./inline";
import type { Clip } from "./lines";
import { baseline } from "./measure";
import { drawText, textAttrs, type Origin } from "./text-lines";
import { clean, num } from "./xml";

export interface HtmlPicture {
  /** Where the picture's (0, 0) is on screen. */
  origin: Origin;
  ctx: InlineContext;
  /** The picture root's font, which copied <svg>s inherit. */
  font: { family: string; size: string };
  /** Draws an element some other way (a plotly chart) and says so: then it is not walked. */
  other?: (el: Element, into: SVGGElement) => boolean;
}

/** Nothing a still picture can show: controls that act, and what is never drawn. */
const SKIP = new Set(["button", "option", "optgroup", "script", "style", "template", "datalist", "canvas", "img", "iframe", "object", "video", "audio"]);

function paint(c: Colour): Record<string, string | undefined> {
  return { fill: c.hex, "fill-opacity": c.a === 1 ? undefined : num(c.a) };
}

function radius(v: string, b: Rect): number {
  const r = v.endsWith("%") ? (parseFloat(v) / 100) * b.width : parseFloat(v) || 0;
  return Math.min(r, b.width / 2, b.height / 2);
}

const SIDES = ["Top", "Right", "Bottom", "Left"] as const;

/** An element's background and borders, `b` its border box in picture coordinates. */
export function drawBox(cs: CSSStyleDeclaration, b: Rect, into: Element): void {
  if (b.width <= 0 || b.height <= 0) return;
  const rx = radius(cs.borderTopLeftRadius, b);
  const round = rx > 0 ? num(rx) : undefined;
  const bg = colourOf(cs.backgroundColor);
  if (bg && bg.a > 0) svg("rect", { x: num(b.x), y: num(b.y), width: num(b.width), height: num(b.height), rx: round, ...paint(bg) }, into);
  const sides = SIDES.map((s) => {
    const style = cs.getPropertyValue(`border-${s.toLowerCase()}-style`);
    const width = style === "none" || style === "hidden" ? 0 : parseFloat(cs.getPropertyValue(`border-${s.toLowerCase()}-width`)) || 0;
    return { width, style, colour: colourOf(cs.getPropertyValue(`border-${s.toLowerCase()}-color`)) };
  });
  const [top] = sides;
  const same = sides.every((s) => s.width === top!.width && s.style === top!.style && s.colour?.hex === top!.colour?.hex && s.colour?.a === top!.colour?.a);
  if (same && top!.width > 0 && top!.colour && top!.colour.a > 0) {
    // One outline (it keeps the rounded corners of a badge); a stroke is centred on its path.
    const w = top!.width;
    const c = top!.colour;
    svg("rect", {
      x: num(b.x + w / 2), y: num(b.y + w / 2), width: num(b.width - w), height: num(b.height - w),
      rx: rx > 0 ? num(Math.max(0, rx - w / 2)) : undefined,
      fill: "none", stroke: c.hex, "stroke-opacity": c.a === 1 ? undefined : num(c.a), "stroke-width": num(w),
      "stroke-dasharray": top!.style === "dashed" ? `${num(3 * w)} ${num(2 * w)}` : top!.style === "dotted" ? `${num(w)} ${num(w)}` : undefined,
    }, into);
    return;
  }
  const [t, r, bo, l] = sides.map((s) => s.width);
  const edges: Rect[] = [
    { x: b.x, y: b.y, width: b.width, height: t! },
    { x: b.x + b.width - r!, y: b.y, width: r!, height: b.height },
    { x: b.x, y: b.y + b.height - bo!, width: b.width, height: bo! },
    { x: b.x, y: b.y, width: l!, height: b.height },
  ];
  sides.forEach((s, i) => {
    const e = edges[i]!;
    if (s.width > 0 && s.colour && s.colour.a > 0) {
      svg("rect", { x: num(e.x), y: num(e.y), width: num(e.width), height: num(e.height), ...paint(s.colour) }, into);
    }
  });
}

function boxOf(r: DOMRect, origin: Origin): Rect {
  return { x: r.left - origin.x, y: r.top - origin.y, width: r.width, height: r.height };
}

/** A <select> as its box and the option it shows, with a chevron. */
function drawSelect(el: HTMLSelectElement, cs: CSSStyleDeclaration, b: Rect, into: Element): void {
  drawBox(cs, b, into);
  const text = clean(el.selectedOptions[0]?.textContent ?? "").trim();
  const left = b.x + parseFloat(cs.borderLeftWidth) + parseFloat(cs.paddingLeft) + 4;
  if (text) svg("text", { x: num(left), y: num(baseline(cs, b.y, b.height)), ...textAttrs(cs) }, into).textContent = text;
  const c = colourOf(cs.color) ?? { hex: "#000000", a: 1 };
  const cx = b.x + b.width - 10;
  const cy = b.y + b.height / 2;
  svg("path", { d: `M${num(cx - 3.5)},${num(cy - 1.5)}l3.5,3.5l3.5,-3.5`, fill: "none", stroke: c.hex, "stroke-width": "1.2" }, into);
}

/** A checkbox as a box, filled with a tick when checked (what the reader needs to know). */
function drawCheckbox(el: HTMLInputElement, cs: CSSStyleDeclaration, b: Rect, into: Element): void {
  const accent = colourOf(cs.accentColor === "auto" ? "#1976d2" : cs.accentColor) ?? { hex: "#1976d2", a: 1 };
  const edge = colourOf(cs.color) ?? { hex: "#767676", a: 1 };
  const s = Math.min(b.width, b.height);
  const x = b.x + (b.width - s) / 2;
  const y = b.y + (b.height - s) / 2;
  if (el.checked) {
    svg("rect", { x: num(x), y: num(y), width: num(s), height: num(s), rx: "2", fill: accent.hex }, into);
    svg("path", { d: `M${num(x + s * 0.22)},${num(y + s * 0.5)}l${num(s * 0.2)},${num(s * 0.22)}l${num(s * 0.38)},${num(-s * 0.44)}`, fill: "none", stroke: "#ffffff", "stroke-width": "1.8" }, into);
  } else {
    svg("rect", { x: num(x + 0.5), y: num(y + 0.5), width: num(s - 1), height: num(s - 1), rx: "2", fill: "none", stroke: edge.hex, "stroke-opacity": "0.6" }, into);
  }
}

function clipOf(el: Element, cs: CSSStyleDeclaration, clip: Clip | null): Clip | null {
  if (cs.overflowX === "visible" && cs.overflowY === "visible") return clip;
  const r = el.getBoundingClientRect();
  const own: Clip = { left: r.left, right: r.right, top: r.top, bottom: r.bottom, ellipsis: cs.textOverflow === "ellipsis" };
  if (!clip) return own;
  return {
    left: Math.max(own.left, clip.left), right: Math.min(own.right, clip.right),
    top: Math.max(own.top, clip.top), bottom: Math.min(own.bottom, clip.bottom),
    ellipsis: own.ellipsis,
  };
}

function outside(r: DOMRect, clip: Clip | null): boolean {
  return clip !== null && (r.right <= clip.left || r.left >= clip.right || r.bottom <= clip.top || r.top >= clip.bottom);
}

/** Draws an element (its box, then what it holds) into `into`. */
export function drawHtml(el: Element, into: SVGGElement, p: HtmlPicture, clip: Clip | null = null): void {
  const tag = el.localName;
  if (SKIP.has(tag) || (el as HTMLElement).hidden) return;
  const cs = getComputedStyle(el);
  if (cs.display === "none" || cs.visibility === "hidden" || cs.visibility === "collapse") return;
  const r = el.getBoundingClientRect();
  if (outside(r, clip)) return;
  if (p.other?.(el, into)) return;
  const b = boxOf(r, p.origin);
  if (el instanceof HTMLSelectElement) return drawSelect(el, cs, b, into);
  if (el instanceof HTMLInputElement) {
    if (el.type === "checkbox" || el.type === "radio") drawCheckbox(el, cs, b, into);
    return;
  }
  if (el instanceof SVGSVGElement) {
    const copy = copySvg(el, b, p.font, p.ctx);
    if (cs.opacity !== "1") copy.setAttribute("opacity", num(cs.opacity));
    into.appendChild(copy);
    return;
  }
  if (cs.display === "inline") {
    for (const part of el.getClientRects()) drawBox(cs, boxOf(part, p.origin), into);
  } else drawBox(cs, b, into);
  drawContents(el, into, p, clipOf(el, cs, clip), cs);
}

/** What an element holds, without its own box: its text nodes and child elements, in order. */
export function drawContents(el: Element, into: SVGGElement, p: HtmlPicture, clip: Clip | null = null, cs = getComputedStyle(el)): void {
  for (const child of el.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) drawText(child as Text, cs, into, p.origin, clip);
    else if (child.nodeType === Node.ELEMENT_NODE) drawHtml(child as Element, into, p, clip);
  }
}
