// Draws a Layout as SVG once, then only changes attributes and text as the
// timeline moves (never re-lays out). Keeps id -> element maps so a step
// touches only the nodes and edges it changed.
//
// DOM contract (SPEC §3): every graph node is a `<g>` with `data-path` and
// `data-state`. Nodes hidden inside a collapsed container keep a childless
// stub `<g>` with the same attributes, so every node of the trace is in the
// DOM with its state whatever is folded.

import type { Layout, PlacedEdge, PlacedNode } from "../layout/elk";
import { LINE_H, PAD_X, PAD_Y, TITLE_H, GROUP_TITLE_H, paramSegments, type Box } from "../layout/boxes";
import { shapeSegments } from "../format";
import type { Structure } from "../structure";
import type { Cursor, NodeFrame, Touched } from "../timeline";
import { setAttr, setSegments, svg, wrap } from "./dom";

interface NodeEls {
  g: SVGGElement;
  placed: PlacedNode | null;
  params: Map<number, SVGTextElement>;
  io: SVGTextElement | null;
  callout: SVGTextElement | null;
  calloutBox: SVGRectElement | null;
  last: NodeFrame | null;
}

/** Past this many drawn boxes, what is far off screen leaves the render tree (paint cost grows with it). */
export const CULL_ABOVE = 300;

interface Cullable {
  els: SVGElement[];
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  off: boolean;
}

interface EdgeEls {
  edge: PlacedEdge;
  path: SVGPathElement;
  label: SVGTextElement | null;
  alwaysKnown: boolean;
  flowed: boolean | null;
}

export class GraphView {
  readonly content: SVGGElement;
  private readonly nodes = new Map<string, NodeEls>();
  private readonly edges = new Map<string, EdgeEls>();
  private readonly placed = new Map<string, PlacedNode>();
  private readonly cullables: Cullable[] = [];
  private active: string | null = null;
  private selected: string | null = null;

  constructor(
    private readonly layout: Layout,
    private readonly s: Structure,
    private readonly animated: boolean,
  ) {
    this.content = svg("g", { class: "lv-content" });
    const groups = svg("g", { class: "lv-groups" }, this.content);
    const edgeLayer = svg("g", { class: "lv-edges" }, this.content);
    const labels = svg("g", { class: "lv-edge-labels" }, this.content);
    const boxes = svg("g", { class: "lv-boxes" }, this.content);
    const stubs = svg("g", { class: "lv-stubs", display: "none" }, this.content);
    for (const p of layout.nodes) this.placed.set(p.id, p);

    // Groups first, outermost first, so inner frames paint over outer ones.
    const order = [...layout.nodes].sort((a, b) => (this.s.depth.get(a.id) ?? 0) - (this.s.depth.get(b.id) ?? 0));
    for (const p of order) this.drawNode(p, p.box.kind === "group" ? groups : boxes);
    for (const n of s.nodes) if (!this.nodes.has(n.id)) this.drawStub(n.id, stubs);
    for (const e of layout.edges) this.drawEdge(e, edgeLayer, labels);
    if (layout.nodes.length > CULL_ABOVE) this.collectCullables();
  }

  private collectCullables(): void {
    for (const p of this.layout.nodes) {
      const g = this.nodes.get(p.id)?.g;
      if (g && p.box.kind !== "group") this.cullables.push({ els: [g], x0: p.x, y0: p.y, x1: p.x + p.width + 300, y1: p.y + p.height, off: false });
    }
    for (const e of this.edges.values()) {
      const xs = e.edge.points.map((q) => q.x);
      const ys = e.edge.points.map((q) => q.y);
      const els: SVGElement[] = [e.path];
      if (e.label) els.push(e.label);
      this.cullables.push({ els, x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs) + 80, y1: Math.max(...ys) + 16, off: false });
    }
  }

  /**
   * Takes what lies far outside the view out of the render tree (big graphs
   * only). Elements keep their attributes and keep being updated while off.
   */
  cull(view: { x: number; y: number; width: number; height: number } | null): void {
    if (!this.cullables.length || !view) return;
    const mx = view.width;
    const my = view.height;
    const x0 = view.x - mx;
    const x1 = view.x + view.width + mx;
    const y0 = view.y - my;
    const y1 = view.y + view.height + my;
    for (const c of this.cullables) {
      const off = c.x1 < x0 || c.x0 > x1 || c.y1 < y0 || c.y0 > y1;
      if (off === c.off) continue;
      c.off = off;
      for (const el of c.els) {
        if (off) el.setAttribute("display", "none");
        else el.removeAttribute("display");
      }
    }
  }

  private baseAttrs(id: string): Record<string, string> {
    const n = this.s.byId.get(id)!;
    return { "data-id": id, "data-path": n.path, "data-state": "resolved", "data-visit": "idle" };
  }

  private drawStub(id: string, parent: SVGGElement): void {
    const g = svg("g", { class: "lv-stub", ...this.baseAttrs(id) }, parent);
    this.nodes.set(id, { g, placed: null, params: new Map(), io: null, callout: null, calloutBox: null, last: null });
  }

  private drawNode(p: PlacedNode, parent: SVGGElement): void {
    const n = this.s.byId.get(p.id)!;
    const box: Box = p.box;
    const g = svg(
      "g",
      { class: `lv-node lv-${box.kind}`, "data-family": box.family, transform: `translate(${r(p.x)},${r(p.y)})`, ...this.baseAttrs(p.id) },
      parent,
    );
    const title = svg("title", {}, g);
    title.textContent = n.kind === "op" || n.path === "" ? `${n.type} (${n.path || "root"})` : `${n.path} · ${n.type}`;
    const els: NodeEls = { g, placed: p, params: new Map(), io: null, callout: null, calloutBox: null, last: null };
    const rx = box.kind === "io" ? p.height / 2 : box.kind === "op" ? 8 : 6;
    svg("rect", { class: "lv-box", width: r(p.width), height: r(p.height), rx }, g);

    if (box.kind === "group") {
      svg("rect", { class: "lv-bar", width: r(p.width), height: GROUP_TITLE_H, rx }, g);
      const t = svg("text", { class: "lv-title", x: PAD_X, y: GROUP_TITLE_H / 2 + 4 }, g);
      setSegments(t, box.lines[0]!.segments, { 0: "lv-name", 1: "lv-type" });
      this.toggle(g, p.width, GROUP_TITLE_H / 2, "−");
    } else {
      let y = PAD_Y + 12;
      box.lines.forEach((line, i) => {
        const cls = i === 0 ? (box.kind === "io" ? "lv-io" : "lv-title") : line.param !== undefined ? "lv-param" : "lv-sub";
        const cx = box.kind === "op" || box.kind === "io";
        const t = svg("text", { class: cls, x: cx ? r(p.width / 2) : PAD_X, y: box.kind === "io" || box.kind === "op" ? r(p.height / 2 + 4) : y }, g);
        if (cx) t.setAttribute("text-anchor", "middle");
        setSegments(t, line.segments, i === 0 && box.kind !== "io" ? { 0: "lv-name", 1: "lv-type" } : {});
        if (line.param !== undefined) els.params.set(line.param, t);
        if (box.kind === "io") els.io = t;
        y += i === 0 ? TITLE_H : LINE_H;
      });
      if (box.kind === "collapsed") this.toggle(g, p.width, PAD_Y + 8, "+");
    }
    if (n.kind !== "input" && n.kind !== "output") {
      const cg = svg("g", { class: "lv-callout", transform: `translate(${r(p.width + 10)},0)` }, g);
      els.calloutBox = svg("rect", { class: "lv-callout-box", rx: 4 }, cg);
      els.callout = svg("text", { class: "lv-callout-text", x: 8, y: 16 }, cg);
    }
    this.nodes.set(p.id, els);
  }

  private toggle(g: SVGGElement, width: number, cy: number, sign: string): void {
    const t = svg("g", { class: "lv-toggle", transform: `translate(${r(width - 16)},${r(cy)})` }, g);
    svg("circle", { r: 7 }, t);
    const s = svg("text", { y: 4, "text-anchor": "middle" }, t);
    s.textContent = sign;
  }

  private drawEdge(e: PlacedEdge, layer: SVGGElement, labels: SVGGElement): void {
    if (e.points.length < 2) return;
    const d = e.points.map((pt, i) => `${i === 0 ? "M" : "L"}${r(pt.x)},${r(pt.y)}`).join("");
    const path = svg("path", { class: "lv-edge", d, "marker-end": "url(#lv-arrow)", "data-edge": e.id }, layer);
    let label: SVGTextElement | null = null;
    if (e.label && e.labelAt) {
      label = svg("text", { class: "lv-edge-label", x: r(e.labelAt.x), y: r(e.labelAt.y + e.labelAt.height - 3) }, labels);
    }
    const srcKind = this.s.byId.get(e.src)?.kind;
    this.edges.set(e.id, { edge: e, path, label, alwaysKnown: !this.animated || srcKind === "input", flowed: null });
  }

  /** Brings every node and edge to the cursor's frame (after drawing or a big jump). */
  applyAll(c: Cursor): void {
    for (const id of this.nodes.keys()) this.applyNode(id, c);
    for (const id of this.edges.keys()) this.applyEdge(id, c);
  }

  /** Updates only what a seek touched. */
  apply(c: Cursor, t: Touched): void {
    for (const id of t.nodes) this.applyNode(id, c);
    const drawn = new Set<string>();
    for (const i of t.edges) {
      const id = this.layout.edgeOf.get(i);
      if (id !== undefined) drawn.add(id);
    }
    for (const id of drawn) this.applyEdge(id, c);
  }

  private applyNode(id: string, c: Cursor): void {
    const els = this.nodes.get(id);
    const f = c.node(id);
    if (!els || !f || els.last === f) return;
    const prev = els.last;
    els.last = f;
    setAttr(els.g, "data-state", f.state);
    setAttr(els.g, "data-visit", f.visit);
    if (!els.placed) return;
    const n = this.s.byId.get(id)!;
    if (!prev || prev.params !== f.params || prev.inits !== f.inits) {
      for (const [i, t] of els.params) {
        const segs = paramSegments(n.params[i]!.name, f.params[i] ?? null);
        setSegments(t, segs);
        t.classList.toggle("lv-unknown", segs.some((x) => x.unknown));
      }
    }
    if (els.io && (!prev || prev.outShapes !== f.outShapes)) {
      const shape = n.kind === "input" ? (f.outShapes?.[0] ?? n.output_shapes[0] ?? null) : (f.outShapes?.[0] ?? (this.animated ? null : n.input_shapes[0] ?? null));
      setSegments(els.io, [{ text: `${n.path} ` }, ...shapeSegments(shape)]);
    }
    if (els.callout && els.calloutBox && (!prev || prev.error !== f.error)) {
      while (els.callout.firstChild) els.callout.removeChild(els.callout.firstChild);
      if (f.error) {
        const lines = wrap(f.error, 40, 5);
        lines.forEach((line, i) => {
          const ts = svg("tspan", { x: 8, dy: i === 0 ? 0 : 14 }, els.callout!);
          ts.textContent = line;
        });
        const w = Math.max(...lines.map((l) => l.length)) * 7 + 16;
        els.calloutBox.setAttribute("width", String(r(w)));
        els.calloutBox.setAttribute("height", String(lines.length * 14 + 10));
      }
    }
  }

  private applyEdge(id: string, c: Cursor): void {
    const els = this.edges.get(id);
    if (!els) return;
    const flowed = els.edge.traceEdges.some((i) => c.edges[i]) || (els.label !== null && this.siblingFlowed(els, c));
    if (els.flowed === flowed) return;
    els.flowed = flowed;
    els.path.classList.toggle("lv-flowed", flowed);
    if (els.label) {
      const known = flowed || els.alwaysKnown;
      setSegments(els.label, known ? [{ text: els.edge.label }] : [{ text: "?", unknown: true }]);
      els.label.classList.toggle("lv-flowed", flowed);
    }
  }

  /** A shared label (one per source and shape) shows the shape once any of its edges has carried it. */
  private siblingFlowed(els: EdgeEls, c: Cursor): boolean {
    for (const other of this.edges.values()) {
      if (other !== els && other.edge.src === els.edge.src && other.edge.label === els.edge.label && other.edge.traceEdges.some((i) => c.edges[i])) return true;
    }
    return false;
  }

  /** The drawing's extent, including room for the failing node's message to its right. */
  bounds(): { x: number; y: number; width: number; height: number } {
    let width = this.layout.width;
    const err = this.s.trace.error;
    const at = err ? this.rectOf(err.node) : null;
    if (at) width = Math.max(width, at.x + at.width + 10 + 300);
    return { x: 0, y: 0, width, height: this.layout.height };
  }

  /** Whether a trace node is folded inside a collapsed box (its events show on that box). */
  hidden(id: string): boolean {
    const drawn = this.standIn(id);
    return drawn !== null && drawn !== id;
  }

  /** The drawn node that shows a trace node (itself, or the collapsed box around it). */
  standIn(id: string): string | null {
    return this.layout.vis.standIn.get(id) ?? null;
  }

  setActive(id: string | null): void {
    const drawn = id === null ? null : this.standIn(id);
    if (drawn === this.active) return;
    if (this.active) this.nodes.get(this.active)?.g.classList.remove("lv-active");
    this.active = drawn;
    if (drawn) this.nodes.get(drawn)?.g.classList.add("lv-active");
  }

  setSelected(id: string | null): void {
    const drawn = id ? this.standIn(id) : null;
    if (this.selected) this.nodes.get(this.selected)?.g.classList.remove("lv-selected");
    this.selected = drawn;
    if (drawn) this.nodes.get(drawn)?.g.classList.add("lv-selected");
  }

  /** Where a node is drawn (its stand-in's box), for following the batch. */
  rectOf(id: string): PlacedNode | null {
    const drawn = this.standIn(id);
    return drawn ? (this.placed.get(drawn) ?? null) : null;
  }

  /** The drawn edges (deduplicated) that carry these trace edges. */
  drawnEdges(traceEdges: number[]): PlacedEdge[] {
    const out = new Map<string, PlacedEdge>();
    for (const i of traceEdges) {
      const id = this.layout.edgeOf.get(i);
      const els = id ? this.edges.get(id) : undefined;
      if (els) out.set(els.edge.id, els.edge);
    }
    return [...out.values()];
  }
}

function r(x: number): number {
  return Math.round(x * 10) / 10;
}
