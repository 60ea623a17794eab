// Where the picture sits in the canvas: pure arithmetic on the graph's
// bounds and the canvas size, so it is tested without a browser.

import type { Rect } from "../geometry";

export interface View {
  x: number;
  y: number;
  /** Scale: screen pixels per graph unit. */
  k: number;
}

/** Margin around the graph when it is fitted, in screen pixels. */
export const FIT_PAD = 12;
/** Fit never magnifies a small graph past this (a 3-node MLP stays a diagram, not a poster). */
export const FIT_MAX = 1.25;
/**
 * Below this scale a graph opened on screen would be a texture, not a
 * diagram (boxes a few pixels tall): a page then opens at a legible scale at
 * the top instead, with the overview map for the rest. Above it a graph
 * opens whole (the demo ResNet and transformer, ~45 boxes, open at about
 * 0.2 in a 650 px canvas). Fit (the button) goes as low as it takes.
 */
export const OPEN_MIN = 0.12;
/** The legible scale a graph too large to open whole starts at. */
export const LEGIBLE = 0.85;

/** The whole graph in the canvas, centred, at whatever scale that takes (never above FIT_MAX). */
export function fitView(c: Rect, width: number, height: number, pad: number = FIT_PAD): View {
  const w = Math.max(1, c.width);
  const h = Math.max(1, c.height);
  const sx = Math.max(1, width - 2 * pad) / w;
  const sy = Math.max(1, height - 2 * pad) / h;
  const k = Math.min(sx, sy, FIT_MAX);
  return { k, x: (width - w * k) / 2 - c.x * k, y: (height - h * k) / 2 - c.y * k };
}

/**
 * The view a graph opens with: the whole of it when that is still legible
 * (OPEN_MIN), else the full width at no more than LEGIBLE, from the top.
 */
export function openView(c: Rect, width: number, height: number, pad: number = FIT_PAD): View {
  const whole = fitView(c, width, height, pad);
  if (whole.k >= OPEN_MIN) return whole;
  const k = Math.min(Math.max(1, width - 2 * pad) / Math.max(1, c.width), LEGIBLE);
  if (k <= whole.k) return whole;
  return { k, x: (width - c.width * k) / 2 - c.x * k, y: pad - c.y * k };
}

/** Whether every point of `inner` lies within `outer` (both in the same units), with `slack`. */
export function contains(outer: Rect, inner: Rect, slack = 0.5): boolean {
  return (
    inner.x >= outer.x - slack &&
    inner.y >= outer.y - slack &&
    inner.x + inner.width <= outer.x + outer.width + slack &&
    inner.y + inner.height <= outer.y + outer.height + slack
  );
}
