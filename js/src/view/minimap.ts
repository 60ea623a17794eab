// The overview map of a graph larger than the canvas: a small outline of
// every drawn box, the part on screen as a rectangle, the node the batch is
// at as an accent mark. A click or drag on it centres the view there. It
// shows only while part of the graph is off screen.

import type { Layout } from "../layout/placed";
import { svg, html } from "./dom";
import { contains } from "./fit";
import type { Rect } from "../geometry";

/** The map's largest size in CSS pixels; its shape follows the graph's. */
const MAX_W = 120;
const MAX_H = 180;
/** More boxes than this are drawn as their groups only (a map of 5,000 specks says nothing more). */
const MAX_BOXES = 3000;

export class Minimap {
  readonly el: HTMLDivElement;
  private readonly map: SVGSVGElement;
  private readonly boxes: SVGGElement;
  private readonly here: SVGRectElement;
  private readonly mark: SVGRectElement;
  private content: Rect = { x: 0, y: 0, width: 1, height: 1 };
  private s = 1;

  /** `pan(x, y)`: centre the view on this point of the graph (graph units). */
  constructor(host: HTMLElement, pan: (x: number, y: number) => void) {
    this.el = html("div", { class: "lv-minimap", role: "img", "aria-label": "Overview of the whole graph; click or drag to move the view" }, host);
    this.el.hidden = true;
    this.map = svg("svg", { class: "lv-minimap-svg" }, this.el);
    this.boxes = svg("g", { class: "lv-mm-boxes" }, this.map);
    this.mark = svg("rect", { class: "lv-mm-active", rx: 1 }, this.map);
    this.here = svg("rect", { class: "lv-mm-view" }, this.map);
    let down: number | null = null;
    const to = (e: PointerEvent): void => {
      const r = this.map.getBoundingClientRect();
      pan(this.content.x + (e.clientX - r.left) / this.s, this.content.y + (e.clientY - r.top) / this.s);
    };
    this.el.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      e.preventDefault();
      down = e.pointerId;
      this.el.setPointerCapture?.(e.pointerId);
      to(e);
    });
    this.el.addEventListener("pointermove", (e) => {
      if (down === e.pointerId) to(e);
    });
    const up = (e: PointerEvent): void => {
      if (down !== e.pointerId) return;
      down = null;
      if (this.el.hasPointerCapture?.(e.pointerId)) this.el.releasePointerCapture(e.pointerId);
    };
    this.el.addEventListener("pointerup", up);
    this.el.addEventListener("pointercancel", up);
  }

  /** Redraws the outline for a new layout (`bounds`: the graph's extent, as the viewport has it). */
  draw(layout: Layout, bounds: Rect): void {
    this.content = bounds;
    this.s = Math.min(MAX_W / Math.max(1, bounds.width), MAX_H / Math.max(1, bounds.height));
    const w = Math.max(8, Math.round(bounds.width * this.s));
    const h = Math.max(8, Math.round(bounds.height * this.s));
    this.map.setAttribute("width", String(w));
    this.map.setAttribute("height", String(h));
    while (this.boxes.firstChild) this.boxes.removeChild(this.boxes.firstChild);
    const many = layout.nodes.length > MAX_BOXES;
    for (const n of layout.nodes) {
      const group = n.box.kind === "group";
      if (many && !group) continue;
      const r = this.scaled(n);
      svg("rect", { x: r.x, y: r.y, width: Math.max(1, r.width), height: Math.max(1, r.height), class: group ? "lv-mm-group" : "lv-mm-box" }, this.boxes);
    }
    this.mark.setAttribute("width", "0");
  }

  /** Moves the "you are here" rectangle; hides the map when the whole graph is on screen. */
  update(visible: Rect | null): void {
    const all = !visible || contains(visible, this.content, 1);
    if (this.el.hidden !== all) this.el.hidden = all;
    if (all || !visible) return;
    const r = this.scaled(visible);
    this.here.setAttribute("x", r.x.toFixed(1));
    this.here.setAttribute("y", r.y.toFixed(1));
    this.here.setAttribute("width", r.width.toFixed(1));
    this.here.setAttribute("height", r.height.toFixed(1));
  }

  /** Marks the box the batch is at (null: none). */
  setActive(r: Rect | null): void {
    if (!r) {
      this.mark.setAttribute("width", "0");
      return;
    }
    const m = this.scaled(r);
    this.mark.setAttribute("x", (m.x - 1).toFixed(1));
    this.mark.setAttribute("y", (m.y - 1).toFixed(1));
    this.mark.setAttribute("width", Math.max(3, m.width + 2).toFixed(1));
    this.mark.setAttribute("height", Math.max(3, m.height + 2).toFixed(1));
  }

  private scaled(r: Rect): Rect {
    return { x: (r.x - this.content.x) * this.s, y: (r.y - this.content.y) * this.s, width: r.width * this.s, height: r.height * this.s };
  }
}
