// The batch travelling along edges: a dot per edge, moved by one rAF loop.
// Purely decorative; never touches node state.

import type { Point } from "../geometry";
import type { PlacedEdge } from "../layout/placed";
import { svg } from "./dom";

interface Dot {
  el: SVGCircleElement;
  points: Point[];
  lengths: number[];
  total: number;
  start: number;
  duration: number;
}

export class Flow {
  private dots: Dot[] = [];
  private frame = 0;
  readonly layer: SVGGElement;

  constructor(parent: SVGGElement) {
    this.layer = svg("g", { class: "lv-dots" }, parent);
  }

  launch(edges: PlacedEdge[], duration: number): void {
    if (typeof window !== "undefined" && window.matchMedia?.("(prefers-reduced-motion: reduce)").matches) return;
    const now = performance.now();
    for (const e of edges) {
      if (e.points.length < 2) continue;
      const lengths = [0];
      for (let i = 1; i < e.points.length; i++) {
        const a = e.points[i - 1]!;
        const b = e.points[i]!;
        lengths.push(lengths[i - 1]! + Math.hypot(b.x - a.x, b.y - a.y));
      }
      const el = svg("circle", { class: "lv-dot", r: 4.5, cx: e.points[0]!.x, cy: e.points[0]!.y }, this.layer);
      this.dots.push({ el, points: e.points, lengths, total: lengths[lengths.length - 1]!, start: now, duration });
    }
    if (!this.frame && this.dots.length) this.frame = requestAnimationFrame(this.tick);
  }

  private readonly tick = (now: number): void => {
    this.frame = 0;
    const keep: Dot[] = [];
    for (const d of this.dots) {
      const t = Math.min(1, Math.max(0, (now - d.start) / d.duration));
      const eased = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
      const at = pointAt(d, eased * d.total);
      d.el.setAttribute("cx", at.x.toFixed(1));
      d.el.setAttribute("cy", at.y.toFixed(1));
      if (t < 1) keep.push(d);
      else d.el.remove();
    }
    this.dots = keep;
    if (keep.length) this.frame = requestAnimationFrame(this.tick);
  };

  clear(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    for (const d of this.dots) d.el.remove();
    this.dots = [];
  }
}

function pointAt(d: Dot, dist: number): Point {
  for (let i = 1; i < d.points.length; i++) {
    if (dist <= d.lengths[i]! || i === d.points.length - 1) {
      const a = d.points[i - 1]!;
      const b = d.points[i]!;
      const seg = d.lengths[i]! - d.lengths[i - 1]!;
      const f = seg > 0 ? Math.min(1, (dist - d.lengths[i - 1]!) / seg) : 1;
      return { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f };
    }
  }
  return d.points[d.points.length - 1]!;
}
