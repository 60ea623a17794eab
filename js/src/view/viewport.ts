// Pan (drag) and zoom (ctrl/cmd + wheel, pinch, buttons) of the graph, and
// fitting it to the cell. UI-only state: never synced to Python.

import type { Rect } from "../geometry";
import { svg } from "./dom";
import { fitView, openView, type View } from "./fit";

const MIN_SCALE = 0.1;
const MAX_SCALE = 3;

export class Viewport {
  readonly svg: SVGSVGElement;
  readonly group: SVGGElement;
  private x = 0;
  private y = 0;
  private k = 1;
  private content: Rect = { x: 0, y: 0, width: 1, height: 1 };
  /** Set once the reader pans or zooms: from then on we stop refitting on resize. */
  touched = false;
  /** Called when the reader (not the app) moves the picture: drag, wheel, zoom, the map. */
  onUserMove: (() => void) | null = null;
  /** True right after a drag, so the click that ends it does not select. */
  dragged = false;
  private readonly cleanups: Array<() => void> = [];
  private glide = 0;
  private glideTarget: { x: number; y: number } | null = null;
  /** Called after every pan/zoom (the graph culls what is off screen). */
  onChange: (() => void) | null = null;

  constructor(host: HTMLElement) {
    this.svg = svg("svg", { class: "lv-svg", width: "100%", height: "100%" }, host);
    const defs = svg("defs", {}, this.svg);
    const marker = svg("marker", { id: "lv-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, defs);
    svg("path", { d: "M0,1L9,5L0,9z", class: "lv-arrowhead" }, marker);
    this.group = svg("g", { class: "lv-viewport" }, this.svg);
    this.listen();
  }

  private on<K extends keyof SVGElementEventMap>(type: K, fn: (e: SVGElementEventMap[K]) => void, opts?: AddEventListenerOptions): void {
    this.svg.addEventListener(type, fn as EventListener, opts);
    this.cleanups.push(() => this.svg.removeEventListener(type, fn as EventListener, opts));
  }

  private listen(): void {
    let start: { x: number; y: number; px: number; py: number; id: number } | null = null;
    this.on("pointerdown", (e) => {
      if (e.button !== 0) return;
      this.stopGlide(); // the reader takes over: a follow in flight stops
      start = { x: e.clientX, y: e.clientY, px: this.x, py: this.y, id: e.pointerId };
      this.dragged = false;
    });
    this.on("pointermove", (e) => {
      if (!start || e.pointerId !== start.id) return;
      const dx = e.clientX - start.x;
      const dy = e.clientY - start.y;
      if (!this.dragged && Math.hypot(dx, dy) < 4) return;
      if (!this.dragged) {
        this.dragged = true;
        this.svg.setPointerCapture?.(e.pointerId);
        this.svg.classList.add("lv-dragging");
      }
      this.userMoved();
      this.set(start.px + dx, start.py + dy, this.k);
    });
    const end = (e: PointerEvent): void => {
      if (!start || e.pointerId !== start.id) return;
      start = null;
      this.svg.classList.remove("lv-dragging");
      if (this.svg.hasPointerCapture?.(e.pointerId)) this.svg.releasePointerCapture(e.pointerId);
    };
    this.on("pointerup", end);
    this.on("pointercancel", end);
    this.on(
      "wheel",
      (e) => {
        const rect = this.svg.getBoundingClientRect();
        if (e.ctrlKey || e.metaKey) {
          e.preventDefault();
          this.zoomAt(Math.exp(-e.deltaY * 0.01), e.clientX - rect.left, e.clientY - rect.top);
          return;
        }
        // A plain wheel scrolls the graph when it overflows, else lets the page scroll.
        const w = this.content.width * this.k;
        const h = this.content.height * this.k;
        const canY = h > rect.height + 1 && ((e.deltaY > 0 && this.y + this.content.y * this.k + h > rect.height) || (e.deltaY < 0 && this.y + this.content.y * this.k < 0));
        const canX = w > rect.width + 1 && e.deltaX !== 0;
        if (!canY && !canX) return;
        e.preventDefault();
        this.userMoved();
        this.set(this.x - (canX ? e.deltaX : 0), this.y - (canY ? e.deltaY : 0), this.k);
      },
      { passive: false },
    );
  }

  setContent(r: Rect): void {
    this.content = r;
  }

  /** The graph's extent in graph units (what fit shows). */
  get bounds(): Rect {
    return this.content;
  }

  /** The current transform: screen = graph * k + (x, y). */
  get view(): View {
    return { x: this.x, y: this.y, k: this.k };
  }

  private userMoved(): void {
    this.stopGlide();
    this.touched = true;
    this.onUserMove?.();
  }

  private size(): { width: number; height: number } | null {
    const r = this.svg.getBoundingClientRect();
    return r.width < 2 || r.height < 2 ? null : { width: r.width, height: r.height };
  }

  /** Whether the canvas has a size yet (a widget drawn before its cell is on screen has none). */
  hasSize(): boolean {
    return this.size() !== null;
  }

  private set(x: number, y: number, k: number): void {
    this.x = x;
    this.y = y;
    this.k = k;
    this.group.setAttribute("transform", `translate(${x.toFixed(1)},${y.toFixed(1)}) scale(${k.toFixed(4)})`);
    this.onChange?.();
  }

  /** The part of the graph on screen, in graph units; null before the widget has a size. */
  visibleRect(): Rect | null {
    const w = this.svg.clientWidth;
    const h = this.svg.clientHeight;
    if (w < 2 || h < 2) return null;
    return { x: -this.x / this.k, y: -this.y / this.k, width: w / this.k, height: h / this.k };
  }

  /** Moves the picture by (dx, dy) in graph units (keeps a toggled group under the pointer). */
  shift(dx: number, dy: number): void {
    // A glide in flight was aimed at the old drawing: land where it was going, then shift.
    const to = this.glideTarget;
    this.stopGlide();
    const x = to ? to.x : this.x;
    const y = to ? to.y : this.y;
    this.set(x + dx * this.k, y + dy * this.k, this.k);
  }

  private stopGlide(): void {
    cancelAnimationFrame(this.glide);
    this.glideTarget = null;
  }

  zoomAt(factor: number, cx?: number, cy?: number): void {
    const rect = this.svg.getBoundingClientRect();
    const px = cx ?? rect.width / 2;
    const py = cy ?? rect.height / 2;
    // Zooming out goes as far as Fit does, however large the graph.
    const floor = Math.min(MIN_SCALE, fitView(this.content, rect.width, rect.height).k);
    const k = Math.min(MAX_SCALE, Math.max(floor, this.k * factor));
    const f = k / this.k;
    this.userMoved();
    this.set(px - (px - this.x) * f, py - (py - this.y) * f, k);
  }

  /** Shows the whole graph, at whatever scale that takes (fit.ts). */
  fit(): void {
    this.apply(fitView);
  }

  /** The view a graph opens with: whole when legible, else legible from the top (fit.ts). */
  open(): void {
    this.apply(openView);
  }

  private apply(how: (c: Rect, width: number, height: number) => View): void {
    const size = this.size();
    if (!size) return;
    this.stopGlide();
    const v = how(this.content, size.width, size.height);
    this.touched = false;
    this.set(v.x, v.y, v.k);
  }

  /** Centres the view on a point in graph units (the overview map's click and drag). */
  centerOn(gx: number, gy: number): void {
    const size = this.size();
    if (!size) return;
    this.userMoved();
    this.set(size.width / 2 - gx * this.k, size.height / 2 - gy * this.k, this.k);
  }

  /**
   * Moves just enough that a box is in view (following the batch, showing a
   * node found by search): gliding when `smooth`, at once otherwise.
   */
  reveal(r: Rect, smooth = true): void {
    const rect = this.svg.getBoundingClientRect();
    if (rect.width < 2 || rect.height < 2) return;
    const left = this.x + r.x * this.k;
    const top = this.y + r.y * this.k;
    const right = left + r.width * this.k;
    const bottom = top + r.height * this.k;
    const m = 8;
    const lead = Math.min(80, rect.height / 4);
    let dx = 0;
    let dy = 0;
    if (bottom > rect.height - m) dy = rect.height - m - lead - bottom;
    else if (top < m) dy = m + lead - top;
    if (right > rect.width - m) dx = rect.width - m - right;
    else if (left < m) dx = m - left;
    if (r.height * this.k > rect.height - 2 * m) dy = m - top;
    if (r.width * this.k > rect.width - 2 * m) dx = m - left;
    if (!dx && !dy) return;
    if (smooth) this.glideTo(this.x + dx, this.y + dy);
    else {
      this.stopGlide();
      this.set(this.x + dx, this.y + dy, this.k);
    }
  }

  private glideTo(x: number, y: number): void {
    this.stopGlide();
    this.glideTarget = { x, y };
    const x0 = this.x;
    const y0 = this.y;
    const t0 = performance.now();
    const step = (now: number): void => {
      const t = Math.min(1, (now - t0) / 250);
      const e = 1 - (1 - t) ** 3;
      this.set(x0 + (x - x0) * e, y0 + (y - y0) * e, this.k);
      if (t < 1) this.glide = requestAnimationFrame(step);
      else this.glideTarget = null;
    };
    this.glide = requestAnimationFrame(step);
  }

  destroy(): void {
    this.stopGlide();
    for (const c of this.cleanups) c();
    this.cleanups.length = 0;
  }
}
