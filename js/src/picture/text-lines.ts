// An HTML text node as SVG <text>, one per line the browser laid out, where
// the page shows it: the boxes of its words come from DOM Ranges.

import { svg } from "../view/dom";
import { colourOf } from "./colours";
import { clipLine, groupLines, mergeAdjacent, transformText, withEllipsis, words, type Clip, type Piece } from "./lines";
import { baseline, textWidth } from "./measure";
import { clean, num, px } from "./xml";

/** Where the picture's (0, 0) is on screen. */
export interface Origin {
  x: number;
  y: number;
}

/** The font and colour of an element as SVG text attributes. */
export function textAttrs(cs: CSSStyleDeclaration): Record<string, string | undefined> {
  const c = colourOf(cs.color) ?? { hex: "#000000", a: 1 };
  const attrs: Record<string, string | undefined> = {
    "font-family": cs.fontFamily,
    "font-size": px(cs.fontSize),
    fill: c.hex,
  };
  if (c.a !== 1) attrs["fill-opacity"] = num(c.a);
  if (cs.fontWeight !== "400") attrs["font-weight"] = cs.fontWeight;
  if (cs.fontStyle !== "normal") attrs["font-style"] = cs.fontStyle;
  return attrs;
}

function box(r: DOMRect, text: string, start: number, end: number): Piece {
  return { text, start, end, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
}

/** The node's words with their boxes; a word the browser broke, or a clip cuts, comes as characters. */
function pieces(node: Text, clip: Clip | null): Piece[] {
  const range = node.ownerDocument.createRange();
  const out: Piece[] = [];
  const at = (start: number, end: number): DOMRectList => {
    range.setStart(node, start);
    range.setEnd(node, end);
    return range.getClientRects();
  };
  for (const { start, end } of words(node.data)) {
    const rects = at(start, end);
    if (rects.length === 0) continue;
    const r = rects[0]!;
    const crossesClip = clip !== null && (r.left < clip.left || r.right > clip.right);
    if (rects.length === 1 && !crossesClip) {
      out.push(box(r, node.data.slice(start, end), start, end));
      continue;
    }
    for (let i = start; i < end; i++) {
      const c = at(i, i + 1)[0];
      if (c && c.width > 0) out.push(box(c, node.data[i]!, i, i + 1));
    }
  }
  return out;
}

/**
 * Draws a text node into `into`, one <text> per line. With `white-space: pre`
 * or `pre-wrap` each word is placed on its own, so the page's spacing
 * survives readers that collapse whitespace.
 */
export function drawText(node: Text, cs: CSSStyleDeclaration, into: Element, origin: Origin, clip: Clip | null): void {
  if (!/\S/.test(node.data)) return;
  const pre = cs.whiteSpace.startsWith("pre") || cs.whiteSpace === "break-spaces";
  const attrs = textAttrs(cs);
  if (cs.letterSpacing !== "normal" && parseFloat(cs.letterSpacing)) attrs["letter-spacing"] = px(cs.letterSpacing);
  for (const line of groupLines(pieces(node, clip))) {
    let { kept, cut } = clipLine(line, clip);
    if (cut && clip?.ellipsis) kept = withEllipsis(kept, clip.right, textWidth("…", cs));
    const runs = mergeAdjacent(kept);
    const first = runs[0];
    if (!first) continue;
    const top = Math.min(...runs.map((p) => p.top));
    const height = Math.max(...runs.map((p) => p.bottom)) - top;
    const y = num(baseline(cs, top - origin.y, height));
    const say = (p: Piece): string => clean(transformText(p.text, cs.textTransform));
    const t = svg("text", { x: num(first.left - origin.x), y, ...attrs }, into);
    if (!pre) {
      t.textContent = runs.map(say).join(" ");
      continue;
    }
    // Each word where the page has it; the space after it only makes the text read back whole.
    runs.forEach((p, i) => {
      svg("tspan", { x: num(p.left - origin.x) }, t).textContent = i < runs.length - 1 ? `${say(p)} ` : say(p);
    });
  }
}
