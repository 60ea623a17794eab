// A widget's notebook output keeps a picture of it (lazyviz/widgets/frontend.py): once
// a view has drawn, one view per model sends Python a picture of what it
// shows, and Python re-publishes the widget's display with the picture beside
// the widget view. The notebook then renders that output again, which makes a
// new view and detaches the old one without closing it. Python says first how
// many such re-renders to expect, and each new view takes over the old view's
// drawing (its DOM moves, nothing is drawn again) instead of starting over.

import { modelKey } from "./model-key";

export interface OutputModel {
  get(name: string): unknown;
  on(event: string, cb: (...args: never[]) => void): void;
  off(event: string, cb: (...args: never[]) => void): void;
  send(content: unknown): void;
}

export interface Picture {
  mime: "image/svg+xml" | "image/png";
  data: string;
}

/** A picture, `"later"` when the view is not ready to be pictured yet, or null for none. */
export type Take = Picture | "later" | null;

interface Drawing {
  /** The view element the drawing is in now. */
  host: HTMLElement;
  root: HTMLElement;
  /** The element inside the drawing that last had the keyboard focus. */
  focus: HTMLElement | null;
  destroy: () => void;
}

/** How long after Python's notice a re-render is taken for the one it announced. */
const REPAINT_WINDOW_MS = 15_000;
/** Quiet time after the last change before a picture is taken. */
export const PICTURE_DELAY_MS = 1_500;
/** Retries of a picture that was not ready ("later"), one delay apart. */
const PICTURE_RETRIES = 20;

const drawings = new WeakMap<object, Drawing[]>();
const repaints = new WeakMap<object, { count: number; until: number }>();
const lastSent = new WeakMap<object, string>();
/** Models changed since their last picture; a model never pictured counts as changed. */
const changed = new WeakSet<object>();

function drawingsOf(key: object): Drawing[] {
  let list = drawings.get(key);
  if (!list) drawings.set(key, (list = []));
  return list;
}

/** Listens for Python's `lazyviz:repaint` notices (anywidget's `initialize`: once per model). */
export function followRepaints(model: OutputModel): () => void {
  const onMsg = (content: unknown): void => {
    const c = content as { type?: unknown; count?: unknown } | null;
    if (!c || c.type !== "lazyviz:repaint") return;
    const count = typeof c.count === "number" && c.count > 0 ? Math.trunc(c.count) : 1;
    repaints.set(modelKey(model), { count, until: Date.now() + REPAINT_WINDOW_MS });
  };
  model.on("msg:custom", onMsg as (...args: never[]) => void);
  return () => model.off("msg:custom", onMsg as (...args: never[]) => void);
}

/** The drawing the notebook just detached to render its output again, if a re-render was announced. */
function displaced(key: object): Drawing | null {
  const notice = repaints.get(key);
  if (!notice || notice.count <= 0 || Date.now() > notice.until) return null;
  // The re-rendered view is taken out of its output (no parent); a cell scrolled
  // out of a windowed notebook is detached with its parents, so it is not taken.
  const list = drawingsOf(key);
  const found = list.find((d) => d.host.parentNode === null) ?? null;
  if (found) notice.count -= 1;
  return found;
}

function release(key: object, drawing: Drawing, host: HTMLElement): () => void {
  return () => {
    if (drawing.host !== host) return; // moved on to a newer view, which owns it now
    const list = drawingsOf(key);
    list.splice(list.indexOf(drawing), 1);
    drawing.destroy();
  };
}

/**
 * In `render`: when this view replaces one the notebook re-rendered, moves that
 * view's drawing into `el` and returns this view's cleanup; otherwise null.
 */
export function adoptDrawing(model: OutputModel, el: HTMLElement): (() => void) | null {
  const key = modelKey(model);
  const drawing = displaced(key);
  if (!drawing) return null;
  el.append(...drawing.host.childNodes);
  drawing.host = el;
  const active = el.ownerDocument.activeElement;
  if (drawing.focus?.isConnected && (!active || active === el.ownerDocument.body)) {
    drawing.focus.focus({ preventScroll: true });
  }
  return release(key, drawing, el);
}

/** Registers a new view's drawing (`root`, inside `el`); returns the view's cleanup. */
export function keepDrawing(model: OutputModel, el: HTMLElement, root: HTMLElement, destroy: () => void): () => void {
  const key = modelKey(model);
  const drawing: Drawing = { host: el, root, focus: null, destroy };
  root.addEventListener("focusin", (e) => {
    if (e.target instanceof HTMLElement || e.target instanceof SVGElement) drawing.focus = e.target as HTMLElement;
  });
  drawingsOf(key).push(drawing);
  return release(key, drawing, el);
}

/** Whether `root` is the drawing that pictures its model: the first one on screen. */
function picturer(key: object, root: HTMLElement): boolean {
  return drawingsOf(key).find((d) => d.root.isConnected)?.root === root;
}

/**
 * Sends Python a picture of the view when it has been quiet for a moment after
 * a change: its first drawing, a change of the model's state, a new run, the
 * reader panning or folding. `take` makes the picture; `busy` says the view is
 * moving (playing) and the picture should wait. Identical pictures are sent once.
 */
export function keepPicture(model: OutputModel, root: HTMLElement, take: () => Promise<Take>, busy: () => boolean): () => void {
  const key = modelKey(model);
  let timer = 0;
  let retries = 0;
  let stopped = false;
  const schedule = (): void => {
    clearTimeout(timer);
    retries = 0;
    timer = window.setTimeout(send, PICTURE_DELAY_MS);
  };
  const later = (): void => {
    if (++retries > PICTURE_RETRIES) return;
    timer = window.setTimeout(send, PICTURE_DELAY_MS);
  };
  async function send(): Promise<void> {
    if (stopped || model.get("_pictures") !== true || !picturer(key, root)) return;
    // A view made by a re-render (announced or not) pictures nothing new: no loop.
    if (lastSent.has(key) && !changed.has(key)) return;
    if (busy()) return later();
    let picture: Take;
    try {
      picture = await take();
    } catch {
      return; // a picture is an extra: it never costs the widget
    }
    if (picture === "later") return later();
    if (!picture || stopped) return;
    changed.delete(key);
    const text = `${picture.mime}\n${picture.data}`;
    if (lastSent.get(key) === text) return;
    lastSent.set(key, text);
    model.send({ type: "lazyviz:picture", mime: picture.mime, data: picture.data });
  }
  const onChange = (): void => {
    changed.add(key);
    schedule();
  };
  const onMsg = (content: unknown): void => {
    if ((content as { type?: unknown } | null)?.type !== "lazyviz:repaint") onChange();
  };
  model.on("change", onChange);
  model.on("msg:custom", onMsg as (...args: never[]) => void);
  root.addEventListener("pointerup", onChange);
  root.addEventListener("wheel", onChange, { passive: true });
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
    model.off("change", onChange);
    model.off("msg:custom", onMsg as (...args: never[]) => void);
    root.removeEventListener("pointerup", onChange);
    root.removeEventListener("wheel", onChange);
  };
}
