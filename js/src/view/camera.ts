// What part of the graph is on screen and why: the viewport (pan/zoom), the
// zoom buttons, the overview map, and the rule that decides when the view
// moves on its own. The view fits itself until the reader moves it; it
// follows the node the animation is at (play, slider, keys, `w.step` from
// Python) unless the reader panned during playback, and follows again at the
// next explicit seek. UI-only state: nothing here is synced to Python.

import type { Layout } from "../layout/placed";
import { html } from "./dom";
import { Minimap } from "./minimap";
import type { Rect } from "../geometry";
import { Viewport } from "./viewport";

/** What the camera needs of the drawing (view/graph.ts). */
export interface Drawing {
  content: SVGGElement;
  bounds(): Rect;
  cull(view: Rect | null): void;
}

export class Camera {
  readonly viewport: Viewport;
  private readonly minimap: Minimap;
  private drawing: Drawing | null = null;
  /** False once the reader moved the view during playback; an explicit seek sets it again. */
  following = true;
  /** Whether the view was fitted with the canvas at a real size (a hidden cell has none). */
  private fitted = false;
  /** What "fit" means on resize: the opening view, or the whole graph once the reader asked Fit. */
  private mode: "open" | "fit" = "open";
  private frame = 0;
  private readonly resize: ResizeObserver | null;
  /** The box of the node the animation is at, to keep in view (set by the app). */
  focus: () => Rect | null = () => null;

  constructor(canvas: HTMLElement) {
    this.viewport = new Viewport(canvas);
    const zoom = html("div", { class: "lv-zoom" }, canvas);
    for (const [label, title, fn] of [
      ["−", "Zoom out", () => this.viewport.zoomAt(1 / 1.25)],
      ["+", "Zoom in (or ctrl + wheel)", () => this.viewport.zoomAt(1.25)],
      ["⤢", "Fit to view: the whole graph", () => this.fit()],
    ] as Array<[string, string, () => void]>) {
      const b = html("button", { type: "button", class: "lv-btn", title, "aria-label": title }, zoom, label);
      b.addEventListener("click", fn);
    }
    this.minimap = new Minimap(canvas, (x, y) => this.viewport.centerOn(x, y));
    this.viewport.onChange = () => this.schedule();
    this.viewport.onUserMove = () => {
      this.following = false;
    };
    this.resize =
      typeof ResizeObserver !== "undefined"
        ? new ResizeObserver(() => {
            if (this.drawing && (!this.fitted || !this.viewport.touched)) this.settle();
            this.schedule();
          })
        : null;
    this.resize?.observe(canvas);
  }

  /** Puts a new drawing on screen (the old one is the app's to remove). */
  show(d: Drawing, layout: Layout): void {
    this.drawing = d;
    this.viewport.group.appendChild(d.content);
    const bounds = d.bounds();
    this.viewport.setContent(bounds);
    this.minimap.draw(layout, bounds);
    this.schedule();
  }

  /** Culls the drawing to the view now (after its first frame is applied). */
  cull(): void {
    this.drawing?.cull(this.viewport.visibleRect());
  }

  /**
   * After a new drawing: keeps a node where it was on screen (`before` ->
   * `after`, a toggled group stays under the pointer), else fits the view
   * when the reader has not moved it.
   */
  place(before: Rect | null, after: Rect | null): void {
    if (before && after) this.viewport.shift(before.x - after.x, before.y - after.y);
    else if (!this.fitted || !this.viewport.touched) this.settle();
  }

  /** Whether the reader has moved the view since it was last fitted. */
  get auto(): boolean {
    return !this.viewport.touched;
  }

  /** The Fit button: the whole graph, however small that makes it. */
  fit(): void {
    this.mode = "fit";
    this.following = true;
    this.viewport.fit();
  }

  /** Refits (the opening view or the whole graph), then shows the focus if it is off screen. */
  private settle(): void {
    if (this.mode === "fit") this.viewport.fit();
    else this.viewport.open();
    this.fitted = this.viewport.hasSize();
    const r = this.following ? this.focus() : null;
    if (r) this.viewport.reveal(r, false);
  }

  /**
   * The animation moved: keep its node in view. `explicit` (a seek the reader
   * or Python asked for, or play) resumes following after a manual pan.
   */
  follow(explicit: boolean, smooth = true): void {
    if (explicit) this.following = true;
    const r = this.focus();
    if (r && this.following) this.viewport.reveal(r, smooth);
    this.minimap.setActive(r);
  }

  /** Moves the map's mark to the focus without moving the view (a redraw, a toggled group). */
  mark(): void {
    this.minimap.setActive(this.focus());
  }

  /** Brings a box into view because the reader asked for it (search): stop following the batch there. */
  reveal(r: Rect): void {
    this.following = false;
    this.viewport.reveal(r, true);
  }

  /** Brings a box into view at once, its element made (keyboard focus is about to land on it). */
  bring(r: Rect | null): void {
    if (r) this.viewport.reveal(r, false);
    this.cull();
  }

  /** Culls off-screen nodes and moves the map's rectangle, once per frame at most. */
  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const visible = this.viewport.visibleRect();
      this.drawing?.cull(visible);
      this.minimap.update(visible);
    });
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.resize?.disconnect();
    this.viewport.destroy();
  }
}
