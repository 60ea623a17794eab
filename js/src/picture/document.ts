// The frame every picture starts from: an <svg> document the widget's size,
// in the widget root's font (which copied <svg>s inherit), with a <title>
// saying what it shows, the <defs> inlined styles share, and the background
// the widget is seen on.

import { SVG_NS, svg } from "../view/dom";
import type { Colour } from "./colours";
import type { InlineContext } from "./inline";
import { clean, px } from "./xml";

export interface PictureFrame {
  out: SVGSVGElement;
  ctx: InlineContext;
  font: { family: string; size: string };
}

/** `attrs` go on the <svg> (its class, the widget's data-* attributes); `title` is plain text. */
export function pictureDocument(
  size: { width: number; height: number },
  rootCs: CSSStyleDeclaration,
  background: Colour,
  attrs: Record<string, string | undefined>,
  title: string,
): PictureFrame {
  const { width, height } = size;
  const font = { family: rootCs.fontFamily, size: px(rootCs.fontSize) };
  const out = svg("svg", {
    xmlns: SVG_NS,
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    "font-family": font.family,
    "font-size": font.size,
    ...attrs,
  });
  svg("title", {}, out).textContent = clean(title);
  const ctx: InlineContext = { defs: svg("defs", {}, out), filters: new Map() };
  svg("rect", { width, height, fill: background.hex }, out);
  return { out, ctx, font };
}
