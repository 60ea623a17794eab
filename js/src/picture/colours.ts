// Colours as SVG 1.1 readers understand them. Computed styles come as rgb(),
// rgba() or, for color-mix(), `color(srgb r g b / a)`: the last is not SVG
// 1.1, so every colour is written as an opaque #rrggbb plus an opacity.

import { parseColor } from "../theme";

export interface Colour {
  /** `#rrggbb` */
  hex: string;
  /** 0..1, rounded to 3 decimals */
  a: number;
}

const SRGB = /^color\(srgb\s+([-\d.e]+)\s+([-\d.e]+)\s+([-\d.e]+)(?:\s*\/\s*([\d.]+%?))?\s*\)$/;

/** An alpha written as `0.5` or `50%`; absent means opaque. */
export function alphaOf(v: string | undefined): number {
  if (v === undefined) return 1;
  return v.endsWith("%") ? Number(v.slice(0, -1)) / 100 : Number(v);
}

function colour(r: number, g: number, b: number, a: number): Colour {
  const hex = "#" + [r, g, b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  return { hex, a: Math.round(a * 1000) / 1000 };
}

/** `color(srgb 0.2 0.4 1 / 0.5)` (what Chrome computes for color-mix()), or undefined if it is not that. */
export function srgbColour(text: string): Colour | undefined {
  const m = SRGB.exec(text);
  if (!m) return undefined;
  const [r, g, b] = [m[1], m[2], m[3]].map((v) => Math.min(1, Math.max(0, Number(v))) * 255);
  return colour(r!, g!, b!, alphaOf(m[4]));
}

/** Not a paint a colour can stand for: no paint, or a gradient/pattern reference. */
export function isNoColour(text: string): boolean {
  return !text || text === "none" || text.startsWith("url(");
}

const cache = new Map<string, Colour | null>();

/**
 * A computed colour as `#rrggbb` + opacity; null for `none` and `url(...)`.
 * Any other syntax (oklab(), a named colour) is painted on a canvas and read
 * back (theme.ts); what is no colour at all counts as transparent.
 */
export function colourOf(text: string | null | undefined): Colour | null {
  if (!text || isNoColour(text)) return null;
  let hit = cache.get(text);
  if (hit !== undefined) return hit;
  hit = srgbColour(text) ?? null;
  if (!hit) {
    const rgba = parseColor(text);
    hit = rgba ? colour(rgba[0], rgba[1], rgba[2], rgba[3]) : colour(0, 0, 0, 0);
  }
  cache.set(text, hit);
  return hit;
}
