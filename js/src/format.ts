// Plain-text formatting of shapes and counts. Text is returned as data
// (strings and segments), never as markup: the view puts it in text nodes.

import type { Shape } from "./model";

/** A run of text; `unknown` marks a `?` the view draws in italics. */
export interface Segment {
  text: string;
  unknown?: boolean;
}

/** `(256, ?)` as segments, so the `?` can be styled. `null` shape -> `?`. */
export function shapeSegments(shape: Shape | null | undefined): Segment[] {
  if (shape == null) return [{ text: "?", unknown: true }];
  const out: Segment[] = [{ text: "(" }];
  shape.forEach((d, i) => {
    if (i > 0) out.push({ text: ", " });
    if (d == null) out.push({ text: "?", unknown: true });
    else out.push({ text: String(d) });
  });
  out.push({ text: ")" }); // (256), as docs/trace-schema.md and print(trace) write it
  return mergeSegments(out);
}

/** `(256, ?)` as a plain string. */
export function shapeText(shape: Shape | null | undefined): string {
  return shapeSegments(shape)
    .map((s) => s.text)
    .join("");
}

/** Several shapes: `(2, 8), (2, 8)`. */
export function shapesText(shapes: Shape[] | null | undefined): string {
  if (!shapes || shapes.length === 0) return "—";
  return shapes.map((s) => shapeText(s)).join(", ");
}

function mergeSegments(segs: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segs) {
    const last = out[out.length - 1];
    if (last && !last.unknown && !s.unknown) last.text += s.text;
    else out.push({ ...s });
  }
  return out;
}

export function isKnown(shape: Shape | null | undefined): shape is number[] {
  return shape != null && shape.every((d) => d != null);
}

export function numel(shape: Shape | null | undefined): number | null {
  if (!isKnown(shape)) return null;
  return shape.reduce((a, b) => a * b, 1);
}

/** 5386 -> `5,386` (fixed grouping so captions do not depend on the browser's locale). */
export function groupDigits(n: number): string {
  const s = String(Math.round(Math.abs(n)));
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return n < 0 ? `-${grouped}` : grouped;
}

/**
 * The last segment of a module path, `layer1.0.conv1` -> `conv1`; root -> "".
 * Only op paths (`layer1.0/add#0`) split at `/`: a module's own name may hold one.
 */
export function shortName(path: string, op = false): string {
  const slash = op ? path.lastIndexOf("/") : -1;
  if (slash >= 0) return path.slice(slash + 1);
  const dot = path.lastIndexOf(".");
  return dot >= 0 ? path.slice(dot + 1) : path;
}

/**
 * A parameter's qualified name as `named_parameters()` writes it (`0.weight`,
 * `layer1.0.conv1.weight`); on the root module just its own name.
 */
export function qualifiedName(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** Shortens long text for a box; the full text goes to the details panel. */
export function ellipsize(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
