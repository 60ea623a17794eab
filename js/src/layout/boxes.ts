// What each drawn node's box says, line by line, and so how big it is.
// Layout measures these lines; the view draws the same lines, so a box
// always fits its text. Parameter lines are sized for the widest text they
// will ever show (`(256, ?)` and `(256, 20)`), so the layout never changes
// while the animation runs.

import type { Shape, TraceNode } from "../model";
import { descendants, familyOf, isContainer, type Family, type Structure } from "../structure";
import { ellipsize, shapeSegments, shapeText, shortName, type Segment } from "../format";
import type { Font, Measurer } from "./measure";

/** `fold`: a run of repeated blocks drawn as one box (folds.ts). */
export type BoxKind = "leaf" | "op" | "io" | "collapsed" | "group" | "fold";

export interface Line {
  font: Font;
  segments: Segment[];
  /** Index into the node's params when the line shows a parameter's shape (redrawn per step). */
  param?: number;
}

export interface Box {
  id: string;
  kind: BoxKind;
  family: Family;
  lines: Line[];
  width: number;
  height: number;
}

export const PAD_X = 10;
export const PAD_Y = 6;
export const LINE_H = 15;
export const TITLE_H = 17;
export const GROUP_TITLE_H = 24;
export const MAX_PARAM_LINES = 4;
const MIN_W = 44;

/** The text of a parameter line at a given shape: `weight (256, ?)`. */
export function paramSegments(name: string, shape: Shape | null): Segment[] {
  return [{ text: `${name} ` }, ...shapeSegments(shape)];
}

function lineText(l: Line): string {
  return l.segments.map((s) => s.text).join("");
}

/** The name shown in a box: the last part of the path (`conv1`), or the type for the root. */
export function boxName(n: TraceNode): string {
  if (n.kind === "input" || n.kind === "output") return n.path;
  if (n.kind === "op") return n.type;
  return n.path === "" ? "" : shortName(n.path);
}

function titleLine(n: TraceNode): Line {
  const name = ellipsize(boxName(n), 28);
  const type = ellipsize(n.type, 32);
  if (n.kind === "op") return { font: "title", segments: [{ text: name }] };
  return { font: "title", segments: name ? [{ text: `${name}  ` }, { text: type }] : [{ text: type }] };
}

function ioShape(n: TraceNode): Shape | null {
  const shapes = n.kind === "input" ? n.output_shapes : n.input_shapes;
  return shapes[0] ?? null;
}

function summary(s: Structure, id: string, each = false): string {
  const all = descendants(s, id).map((d) => s.byId.get(d)!);
  const mods = all.filter((d) => d.kind === "module" && !isContainer(s, d.id)).length;
  const lazy = all.filter((d) => d.kind === "module" && d.params.some((p) => p.shape_before == null || p.shape_before.includes(null))).length;
  const parts = [`${mods} module${mods === 1 ? "" : "s"}${each ? " each" : ""}`];
  if (lazy) parts.push(`${lazy} lazy`);
  return `▸ ${parts.join(", ")}`;
}

/** The count a folded run shows: `×24`. */
export function foldCount(run: string[]): string {
  return `×${run.length}`;
}

/** `0 … 23  Layer  ×24`: first and last member names, their type, how many. */
function foldTitle(s: Structure, n: TraceNode, run: string[]): Line {
  const last = s.byId.get(run[run.length - 1]!)!;
  const name = ellipsize(`${boxName(n)} … ${boxName(last)}`, 28);
  return { font: "title", segments: [{ text: `${name}  ` }, { text: ellipsize(n.type, 28) }, { text: `  ${foldCount(run)}` }] };
}

export function boxLines(s: Structure, n: TraceNode, kind: BoxKind, run?: string[]): Line[] {
  if (kind === "fold" && run) return [foldTitle(s, n, run), { font: "body", segments: [{ text: summary(s, n.id, true) }] }];
  if (kind === "io") {
    const name = n.label ? `${n.path} · ${ellipsize(n.label, 28)}` : n.path; // a keyword input says its keyword
    return [{ font: "mono", segments: [{ text: `${name} ` }, ...shapeSegments(ioShape(n))] }];
  }
  if (kind === "op") return [titleLine(n)];
  if (kind === "group") return [titleLine(n)];
  const lines: Line[] = [titleLine(n)];
  if (kind === "collapsed") lines.push({ font: "body", segments: [{ text: summary(s, n.id) }] });
  n.params.slice(0, MAX_PARAM_LINES).forEach((p, i) => {
    lines.push({ font: "mono", segments: paramSegments(p.name, p.shape_before), param: i });
  });
  if (n.params.length > MAX_PARAM_LINES) {
    lines.push({ font: "body", segments: [{ text: `+ ${n.params.length - MAX_PARAM_LINES} more` }] });
  }
  return lines;
}

export function boxKind(s: Structure, n: TraceNode, collapsed: ReadonlySet<string>, run?: string[]): BoxKind {
  if (run) return "fold";
  if (n.kind === "input" || n.kind === "output") return "io";
  if (n.kind === "op") return "op";
  if (isContainer(s, n.id)) return collapsed.has(n.id) ? "collapsed" : "group";
  return "leaf";
}

function widestParamText(n: TraceNode, i: number): string {
  const p = n.params[i]!;
  const a = `${p.name} ${shapeText(p.shape_before)}`;
  const b = `${p.name} ${shapeText(p.shape)}`;
  return a.length >= b.length ? a : b;
}

/** `run`: the members when this node's box stands for a folded run of repeated blocks. */
export function makeBox(s: Structure, n: TraceNode, collapsed: ReadonlySet<string>, m: Measurer, run?: string[]): Box {
  const kind = boxKind(s, n, collapsed, run);
  const lines = boxLines(s, n, kind, run);
  let width = 0;
  for (const l of lines) {
    const text = l.param !== undefined ? widestParamText(n, l.param) : lineText(l);
    width = Math.max(width, m.width(text, l.font));
  }
  if (kind === "group" || kind === "collapsed" || kind === "fold") width += 18; // room for the ⊟/⊞ toggle
  width = Math.max(MIN_W, Math.ceil(width + 2 * PAD_X));
  let height: number;
  if (kind === "io" || kind === "op") height = TITLE_H + 2 * PAD_Y + 2;
  else if (kind === "group") height = GROUP_TITLE_H;
  else height = TITLE_H + (lines.length - 1) * LINE_H + 2 * PAD_Y;
  return { id: n.id, kind, family: familyOf(s, n), lines, width, height };
}
