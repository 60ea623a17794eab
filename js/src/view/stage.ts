// The drawing on the canvas: layouts of the run on screen (layout-jobs.ts),
// the GraphView that draws one and the batch flowing along its edges, the
// camera over them and the keyboard's tab stop through their nodes. The app
// says what to show (a run, its folds, a step); the stage lays it out, swaps
// one drawing for the next and keeps the reader's place across them.

import { focusNode } from "../focus";
import type { Rect } from "../geometry";
import type { Layout } from "../layout/placed";
import { Camera } from "./camera";
import { html } from "./dom";
import { Flow } from "./flow";
import { GraphView } from "./graph";
import { foldStateOf, nodeLabel, NodeNav } from "./keys";
import { LayoutJobs } from "./layout-jobs";
import type { Shown } from "./shown";

export class Stage {
  readonly camera: Camera;
  readonly nav: NodeNav;
  /** The drawing on screen; null until the first layout is placed. */
  graph: GraphView | null = null;
  private flow: Flow | null = null;
  private readonly layouts: LayoutJobs;

  /**
   * `shown()` is the run on screen; `drawn` brings each new drawing to the
   * app's step and state.
   */
  constructor(
    canvas: HTMLElement,
    private readonly shown: () => Shown | null,
    private readonly drawn: (shown: Shown, graph: GraphView) => void,
  ) {
    this.camera = new Camera(canvas);
    const status = html("div", { class: "lv-status" }, canvas);
    this.layouts = new LayoutJobs(canvas.ownerDocument, status);
    this.nav = new NodeNav(
      (id) => this.graph && this.camera.bring(this.graph.rectOf(id)),
      (id) => this.describe(id),
    );
    this.camera.focus = () => this.focusRect();
  }

  /** Lays `shown` out again (a fold, a new run or depth); `anchor` keeps its place on screen. */
  relayout(shown: Shown, anchor: string | null): void {
    const before = anchor && this.graph ? this.graph.rectOf(anchor) : null;
    const job = this.layouts.plan(shown);
    if (!job) return;
    this.place(job.quick, anchor, before);
    job.refine((fine) => this.refined(fine, anchor));
  }

  /** The batch travels the edges it takes to step k, for `ms` milliseconds. */
  travel(shown: Shown, k: number, ms: number): void {
    if (this.flow && this.graph) this.flow.launch(this.graph.drawnEdges(shown.tl.travel(k)), ms);
  }

  /** The collapsed box the event at step k happens in, or null when its node is drawn. */
  foldedIn(k: number): string | null {
    const shown = this.shown();
    const graph = this.graph;
    if (!shown || !graph || k < 1 || k > shown.tl.steps) return null;
    const ev = shown.tl.event(k);
    if (!ev || ev.kind === "error" || !graph.hidden(ev.node)) return null;
    return graph.standIn(ev.node);
  }

  /** Whether a node unfolds with "+" (true), folds with "-" (false) or neither (null). */
  foldState(id: string): boolean | null {
    const shown = this.shown();
    return shown ? foldStateOf(shown.s, shown.collapsed, this.graph?.element(id) ?? null, id) : null;
  }

  destroy(): void {
    this.layouts.cancel();
    this.flow?.clear();
    this.camera.destroy();
  }

  /** ELK's layout arrived (layout/plan.ts): refits a view the reader has not moved, else keeps a node still. */
  private refined(fine: Layout, anchor: string | null): void {
    const shown = this.shown();
    const graph = this.graph;
    if (!shown || !graph) return;
    const keep = anchor ?? (this.camera.auto ? null : focusNode(shown.tl, shown.cursor.step));
    this.place(fine, keep, keep ? graph.rectOf(keep) : null);
  }

  private place(out: Layout, anchor: string | null, before: Rect | null): void {
    this.draw(out);
    this.camera.place(before, anchor ? (this.graph?.rectOf(anchor) ?? null) : null);
    this.camera.mark();
  }

  /** Replaces the drawing with one of `out`. */
  private draw(out: Layout): void {
    const shown = this.shown();
    if (!shown) return;
    this.flow?.clear();
    // The old drawing's elements go: a node that had focus gets it back in the new one.
    const content = this.graph?.content;
    if (content?.contains(content.ownerDocument.activeElement)) this.nav.keepFocus();
    content?.remove();
    const graph = new GraphView(out, shown.s, shown.tl.animated);
    this.graph = graph;
    this.flow = new Flow(graph.content);
    this.camera.show(graph, out);
    this.drawn(shown, graph);
  }

  /** The box of the node the animation is at, to keep on screen: the one entered at (or last before) this step. */
  private focusRect(): Rect | null {
    const shown = this.shown();
    if (!shown || !this.graph) return null;
    const id = focusNode(shown.tl, shown.cursor.step);
    return id ? this.graph.rectOf(id) : null;
  }

  /** What a screen reader says for a node. */
  private describe(id: string): string {
    const shown = this.shown();
    return shown ? nodeLabel(shown.s, shown.cursor, id, this.foldState(id)) : id;
  }
}
