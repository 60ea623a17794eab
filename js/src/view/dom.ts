// Tiny DOM helpers. Model text only ever goes in through `textContent` or
// text nodes here; nothing in the front end parses a string as HTML.

import type { Segment } from "../format";

export const SVG_NS = "http://www.w3.org/2000/svg";

type Attrs = Record<string, string | number | undefined>;

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, parent?: Element): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, String(v));
  if (parent) parent.appendChild(el);
  return el;
}

export function html<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  parent?: Element,
  text?: string,
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  if (parent) parent.appendChild(el);
  return el;
}

/** Replaces an SVG text element's content with segments; `?` segments become italic tspans. */
export function setSegments(el: SVGTextElement | SVGTSpanElement, segs: Segment[], cls: Record<number, string> = {}): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  segs.forEach((s, i) => {
    const c = s.unknown ? "lv-q" : cls[i];
    if (c) {
      const t = document.createElementNS(SVG_NS, "tspan");
      t.setAttribute("class", c);
      t.textContent = s.text;
      el.appendChild(t);
    } else {
      el.appendChild(document.createTextNode(s.text));
    }
  });
}

/** The same for HTML: `?` in an italic span. */
export function setSegmentsHtml(el: HTMLElement, segs: Segment[]): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  for (const s of segs) {
    if (s.unknown) html("i", { class: "lv-q" }, el, s.text);
    else el.appendChild(document.createTextNode(s.text));
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Sets an attribute only when it changes (no style recalculation for nothing). */
export function setAttr(el: Element, name: string, value: string): void {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** Splits text into at most `maxLines` lines of about `width` characters. */
export function wrap(text: string, width: number, maxLines: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = "";
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
    if (lines.length === maxLines) break;
  }
  if (lines.length < maxLines && cur) lines.push(cur);
  if (lines.length === maxLines && words.join(" ").length > lines.join(" ").length) {
    lines[maxLines - 1] = `${lines[maxLines - 1]!.slice(0, Math.max(0, width - 1))}…`;
  }
  return lines.map((l) => (l.length > width + 8 ? `${l.slice(0, width)}…` : l));
}
