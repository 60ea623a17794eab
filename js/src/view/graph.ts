// Draws a Layout as SVG, then only changes attributes and text as the
// timeline moves (never re-lays out). Keeps id -> element maps so a step
// touches only the nodes and edges it changed.
//
// DOM contract (docs/widget-state.md): every node of the trace has exactly one `<g>` with
// `data-path` and `data-state`, whatever is folded or off screen. Nodes
// hidden in a collapsed container or a folded run keep a childless stub; a
// folded run's box is its first member's element and shows a state
// summarizing all members (fold-state.ts). Past STUBS_AT_ONCE hidden nodes,
// their stubs are made in idle time right after the first paint (30,000
// elements cost ~0.2 s to make and style even undisplayed).
//
// Big graphs are virtual: a drawn box or edge gets its children (frame,
// text, path) only when it first comes near the view, and leaves the render
// tree again when it is far off. Until then its element is a stub, so the
// contract holds and a step costs the same whether it is on screen or not.

import type { Layout, PlacedEdge, PlacedNode } from "../layout/placed";
import { paramSegments } from "../layout/boxes";
import { LABEL_PAD_X } from "../layout/label-size";
import { shapeSegments } from "../format";
import type { Structure } from "../structure";
import type { NodeFrame, Touched } from "../frames";
import type { Cursor } from "../timeline";
import { setAttr, setSegments, svg } from "./dom";
import { FoldStates } from "./fold-state";
import { union, type Rect } from "../geometry";
import { Grid } from "./grid";
import { whenIdle } from "./idle";
import { drawBox, drawRunHandle, r, setCallout, type NodeParts } from "./node-draw";

/** Past this many drawn boxes, boxes and edges are made only near the view (paint cost grows with them). */
export const CULL_ABOVE = 300;
/** Up to this many hidden nodes get their stubs before the first paint; the rest when the page is idle. */
export const STUBS_AT_ONCE = 4000;

type Item = { node: PlacedNode } | { edge: PlacedEdge };

interface EdgeEls {
  path: SVGPathElement;
  /** The label's group (background rect + text; or, for a hidden label, the hover target), and its text. */
  labelG: SVGGElement | null;
  label: SVGTextElement | null;
  alwaysKnown: boolean;
  flowed: boolean | null;
  known: boolean | null;
}

export class GraphView {
  readonly content: SVGGElement;
  private readonly groupLayer: SVGGElement;
  private readonly edgeLayer: SVGGElement;
  private readonly labelLayer: SVGGElement;
  private readonly boxLayer: SVGGElement;
  private readonly stubLayer: SVGGElement;
  /** Every trace node's element. */
  private readonly els = new Map<string, SVGGElement>();
  private readonly last = new Map<string, NodeFrame>();
  private readonly placed = new Map<string, PlacedNode>();
  /** Drawn boxes whose children exist. */
  private readonly parts = new Map<string, NodeParts>();
  private readonly edgeById = new Map<string, PlacedEdge>();
  private readonly edgeEls = new Map<string, EdgeEls>();
  /** Edges that share one shape label (one source, one shape): edge id -> the group's edge ids. */
  private readonly labelGroup = new Map<string, string[]>();
  private readonly folds: FoldStates;
  private readonly grid: Grid<Item> | null = null;
  private onScreen = new Set<Item>();
  private readonly hiddenEls = new Set<SVGElement>();
  private cursor: Cursor | null = null;
  private active: string | null = null;
  private selected: string | null = null;

  constructor(
    private readonly layout: Layout,
    private readonly s: Structure,
    private readonly animated: boolean,
  ) {
    // `data-layout`: "quick" while a better layout is coming (screenshots wait for "final").
    this.content = svg("g", { class: "lv-content", "data-layout": layout.final === false ? "quick" : "final" });
    this.groupLayer = svg("g", { class: "lv-groups" }, this.content);
    this.edgeLayer = svg("g", { class: "lv-edges" }, this.content);
    this.labelLayer = svg("g", { class: "lv-edge-labels" }, this.content);
    this.boxLayer = svg("g", { class: "lv-boxes" }, this.content);
    const runLayer = svg("g", { class: "lv-runs" }, this.content);
    this.stubLayer = svg("g", { class: "lv-stubs", display: "none" }, this.content);
    this.folds = new FoldStates(layout.vis.folds);
    for (const p of layout.nodes) this.placed.set(p.id, p);
    for (const e of layout.edges) if (e.points.length >= 2) this.edgeById.set(e.id, e);
    this.groupLabels();
    for (const [run, members] of layout.vis.opened) this.runHandle(runLayer, run, members);

    for (const p of layout.nodes) this.stub(p.id);
    const hidden = s.nodes.filter((n) => !this.placed.has(n.id)).map((n) => n.id);
    if (hidden.length <= STUBS_AT_ONCE) for (const id of hidden) this.stub(id);
    // Stale once the view has replaced this drawing (it removes the old content).
    else whenIdle((ms) => this.stubSome(hidden, ms), () => !this.content.parentNode);
    if (layout.nodes.length > CULL_ABOVE) {
      this.grid = new Grid<Item>();
      for (const node of layout.nodes) this.grid.add({ node }, { x: node.x, y: node.y, width: node.width + (node.box.kind === "group" ? 0 : 300), height: node.height });
      for (const edge of this.edgeById.values()) this.grid.add({ edge }, edgeRect(edge));
    } else {
      this.materialize([...layout.nodes.map((node) => ({ node })), ...[...this.edgeById.values()].map((edge) => ({ edge }))]);
    }
  }

  /** A childless element carrying a node's path and state (drawn boxes start as one too). */
  private stub(id: string): SVGGElement {
    // Stubs get `data-id` (what clicks read) only once drawn: one attribute less on thousands of elements.
    const g = (STUB ??= svg("g", { class: "lv-stub", "data-state": "resolved", "data-visit": "idle" })).cloneNode(false) as SVGGElement;
    g.setAttribute("data-path", this.s.byId.get(id)!.path);
    this.stubLayer.appendChild(g);
    this.els.set(id, g);
    return g;
  }

  /** Makes the next hidden nodes' stubs for about `ms`, at their current state; true once all exist. */
  private stubSome(ids: string[], ms: number): boolean {
    const until = performance.now() + ms;
    while (ids.length && performance.now() < until) {
      for (const id of ids.splice(-200)) {
        const g = this.stub(id);
        const f = this.last.get(id);
        if (f) {
          setAttr(g, "data-state", f.state);
          setAttr(g, "data-visit", f.visit);
        }
      }
    }
    return ids.length === 0;
  }

  /** A bracket right of an opened run's members (few per graph: drawn whatever the view). */
  private runHandle(layer: SVGGElement, run: string, members: string[]): void {
    const placed = members.flatMap((m) => this.placed.get(m) ?? []);
    const b = placed.length === members.length ? union(placed) : null; // every member is drawn
    if (b) drawRunHandle(layer, run, members.length, { x: b.x + b.width + 8, y0: b.y, y1: b.y + b.height });
  }

  private groupLabels(): void {
    const byKey = new Map<string, string[]>();
    for (const e of this.edgeById.values()) {
      if (!e.label) continue;
      const key = `${e.src}\u0000${e.label}`;
      const list = byKey.get(key);
      if (list) list.push(e.id);
      else byKey.set(key, [e.id]);
    }
    for (const list of byKey.values()) if (list.length > 1) for (const id of list) this.labelGroup.set(id, list);
  }

  /** Gives boxes and edges their children (outer groups before inner ones, so inner frames paint on top). */
  private materialize(items: Item[]): void {
    const nodes: PlacedNode[] = [];
    for (const it of items) {
      if ("node" in it) {
        if (!this.parts.has(it.node.id)) nodes.push(it.node);
      } else if (!this.edgeEls.has(it.edge.id)) this.drawEdge(it.edge);
    }
    nodes.sort((a, b) => (this.s.depth.get(a.id) ?? 0) - (this.s.depth.get(b.id) ?? 0));
    for (const p of nodes) this.drawNode(p);
  }

  private drawNode(p: PlacedNode): void {
    const g = this.els.get(p.id);
    const n = this.s.byId.get(p.id);
    if (!g || !n) return;
    g.classList.remove("lv-stub");
    g.setAttribute("data-id", p.id);
    g.classList.add("lv-node", `lv-${p.box.kind}`);
    g.setAttribute("data-family", p.box.family);
    g.setAttribute("transform", `translate(${r(p.x)},${r(p.y)})`);
    const parts = drawBox(g, p, n);
    this.parts.set(p.id, parts);
    (p.box.kind === "group" ? this.groupLayer : this.boxLayer).appendChild(g);
    const f = this.last.get(p.id);
    if (f && !this.folds.isHead(p.id)) this.fillNode(p.id, null, f);
  }

  private drawEdge(e: PlacedEdge): void {
    const d = e.points.map((pt, i) => `${i === 0 ? "M" : "L"}${r(pt.x)},${r(pt.y)}`).join("");
    const path = svg("path", { class: "lv-edge", d, "marker-end": "url(#lv-arrow)", "data-edge": e.id }, this.edgeLayer);
    let label: SVGTextElement | null = null;
    let labelG: SVGGElement | null = null;
    if (e.label && e.labelAt) {
      // The background (canvas colour) masks anything drawn behind; layout keeps lines and boxes off it anyway.
      const at = e.labelAt;
      labelG = svg("g", { class: "lv-edge-label-g", "data-edge": e.id }, this.labelLayer);
      svg("rect", { class: "lv-edge-label-bg", x: at.x, y: at.y, width: at.width, height: at.height, rx: 3 }, labelG);
      label = svg("text", { class: "lv-edge-label", x: r(at.x + LABEL_PAD_X), y: r(at.y + at.height - 3.5) }, labelG);
    } else if (e.label && e.labelHidden) {
      // No room beside this edge: its shape shows on hover over a wider invisible twin (and in either end's details panel).
      labelG = svg("g", { class: "lv-edge-hit-g", "data-edge": e.id }, this.edgeLayer);
      svg("title", {}, svg("path", { class: "lv-edge-hit", d }, labelG)).textContent = e.label;
    }
    const srcKind = this.s.byId.get(e.src)?.kind;
    this.edgeEls.set(e.id, { path, labelG, label, alwaysKnown: !this.animated || srcKind === "input", flowed: null, known: null });
    if (this.cursor) this.applyEdge(e.id, this.cursor);
  }

  /**
   * Makes what is near the view and hides what is far from it (big graphs
   * only; `view` in graph units, null before the widget has a size).
   */
  cull(view: Rect | null): void {
    if (!this.grid) return;
    const v = view ?? { x: 0, y: 0, width: 1200, height: 800 };
    const want = this.grid.query({ x: v.x - v.width, y: v.y - v.height, width: 3 * v.width, height: 3 * v.height });
    const make: Item[] = [];
    for (const it of want) {
      if (!this.onScreen.has(it)) make.push(it);
    }
    for (const it of this.onScreen) if (!want.has(it)) this.setHidden(it, true);
    this.materialize(make);
    for (const it of make) this.setHidden(it, false);
    this.onScreen = want;
  }

  private setHidden(it: Item, off: boolean): void {
    const els: SVGElement[] = [];
    if ("node" in it) {
      const g = this.els.get(it.node.id);
      if (g) els.push(g);
    } else {
      const e = this.edgeEls.get(it.edge.id);
      if (e) els.push(e.path, ...(e.labelG ? [e.labelG] : []));
    }
    for (const el of els) {
      if (off === this.hiddenEls.has(el)) continue;
      if (off) {
        el.setAttribute("display", "none");
        this.hiddenEls.add(el);
      } else {
        el.removeAttribute("display");
        this.hiddenEls.delete(el);
      }
    }
  }

  /** Brings every node and edge to the cursor's frame (after drawing or a big jump). */
  applyAll(c: Cursor): void {
    this.cursor = c;
    for (const n of this.s.nodes) this.applyNode(n.id, c);
    for (const id of this.edgeEls.keys()) this.applyEdge(id, c);
  }

  /** Updates only what a seek touched. */
  apply(c: Cursor, t: Touched): void {
    this.cursor = c;
    for (const id of t.nodes) this.applyNode(id, c);
    const drawn = new Set<string>();
    for (const i of t.edges) {
      const id = this.layout.edgeOf.get(i);
      if (id === undefined) continue;
      drawn.add(id);
      // A shared label shows the shape once any edge of its group has carried it.
      for (const other of this.labelGroup.get(id) ?? []) drawn.add(other);
    }
    for (const id of drawn) this.applyEdge(id, c);
  }

  private applyNode(id: string, c: Cursor): void {
    const f = c.node(id);
    if (!f) return;
    const prev = this.last.get(id) ?? null;
    if (prev === f) return;
    this.last.set(id, f);
    const run = this.folds.update(id, f);
    if (run !== null) {
      const head = this.els.get(run);
      if (head) {
        setAttr(head, "data-state", this.folds.state(run));
        setAttr(head, "data-visit", this.folds.visit(run));
      }
    }
    const g = this.els.get(id);
    if (!g || this.folds.isHead(id)) return;
    setAttr(g, "data-state", f.state);
    setAttr(g, "data-visit", f.visit);
    if (this.parts.has(id)) this.fillNode(id, prev, f);
  }

  /** The text of a drawn box at frame f (only what changed since prev). */
  private fillNode(id: string, prev: NodeFrame | null, f: NodeFrame): void {
    const parts = this.parts.get(id);
    const g = this.els.get(id);
    const n = this.s.byId.get(id);
    if (!parts || !g || !n) return;
    if (!prev || prev.params !== f.params || prev.inits !== f.inits) {
      for (const [i, t] of parts.params) {
        const segs = paramSegments(n.params[i]!.name, f.params[i] ?? null);
        setSegments(t, segs);
        t.classList.toggle("lv-unknown", segs.some((x) => x.unknown));
      }
    }
    if (parts.io && (!prev || prev.outShapes !== f.outShapes)) {
      const shape = n.kind === "input" ? (f.outShapes?.[0] ?? n.output_shapes[0] ?? null) : (f.outShapes?.[0] ?? (this.animated ? null : n.input_shapes[0] ?? null));
      setSegments(parts.io, [{ text: `${n.path} ` }, ...shapeSegments(shape)]);
    }
    if (n.kind !== "input" && n.kind !== "output" && (!prev || prev.error !== f.error)) {
      setCallout(g, parts, this.placed.get(id)?.width ?? 0, f.error);
    }
  }

  private applyEdge(id: string, c: Cursor): void {
    const els = this.edgeEls.get(id);
    const edge = this.edgeById.get(id);
    if (!els || !edge) return;
    const flowed = edge.traceEdges.some((i) => c.edges[i]);
    if (els.flowed !== flowed) {
      els.flowed = flowed;
      els.path.classList.toggle("lv-flowed", flowed);
    }
    if (!els.label) return;
    const carried = flowed || (this.labelGroup.get(id) ?? []).some((o) => this.edgeById.get(o)!.traceEdges.some((i) => c.edges[i]));
    const known = carried || els.alwaysKnown;
    if (els.known === known && els.label.classList.contains("lv-flowed") === carried) return;
    els.known = known;
    setSegments(els.label, known ? [{ text: edge.label }] : [{ text: "?", unknown: true }]);
    els.label.classList.toggle("lv-flowed", carried);
  }

  /** The drawing's extent, including room for the failing node's message to its right. */
  bounds(): Rect {
    let width = this.layout.width;
    const err = this.s.trace.error;
    const at = err ? this.rectOf(err.node) : null;
    if (at) width = Math.max(width, at.x + at.width + 10 + 300);
    return { x: 0, y: 0, width, height: this.layout.height };
  }

  /** Whether a trace node is folded inside a collapsed box or a folded run (its events show on that box). */
  hidden(id: string): boolean {
    const drawn = this.standIn(id);
    return drawn !== null && drawn !== id;
  }

  /** The drawn node that shows a trace node (itself, or the box around it). */
  standIn(id: string): string | null {
    return this.layout.vis.standIn.get(id) ?? null;
  }

  setActive(id: string | null): void {
    const drawn = id === null ? null : this.standIn(id);
    if (drawn === this.active) return;
    if (this.active) this.els.get(this.active)?.classList.remove("lv-active");
    this.active = drawn;
    if (drawn) this.els.get(drawn)?.classList.add("lv-active");
  }

  setSelected(id: string | null): void {
    const drawn = id ? this.standIn(id) : null;
    if (this.selected) this.els.get(this.selected)?.classList.remove("lv-selected");
    this.selected = drawn;
    if (drawn) this.els.get(drawn)?.classList.add("lv-selected");
  }

  /** A trace node's element (keyboard focus lands on drawn ones). */
  element(id: string): SVGGElement | null {
    return this.els.get(id) ?? null;
  }

  /** The nodes drawn as boxes (not folded away). */
  drawnIds(): string[] {
    return [...this.placed.keys()];
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
      const e = id ? this.edgeById.get(id) : undefined;
      if (e) out.set(e.id, e);
    }
    return [...out.values()];
  }
}

let STUB: SVGGElement | null = null;

function edgeRect(e: PlacedEdge): Rect {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of e.points) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  const l = e.labelAt;
  if (l) {
    x0 = Math.min(x0, l.x);
    y0 = Math.min(y0, l.y);
    x1 = Math.max(x1, l.x + l.width);
    y1 = Math.max(y1, l.y + l.height);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
