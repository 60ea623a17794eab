// The widget's keyboard: what a key asks for, decided from the event and
// where focus is, and the graph's nodes as a tab stop. In a notebook the
// widget's keys must not also reach the notebook (JupyterLab skips its
// shortcuts under `data-lm-suppress-shortcuts`; Notebook 7's command mode
// needs the event stopped), so each intent also says whether the widget
// owns the key: a control's native keys (the slider's arrows, a button's
// Space) are left to the control but still kept from the notebook.

import { shapeText } from "../format";
import { isContainer, type Structure } from "../structure";
import { isRootModule } from "../layout/visible";
import type { Cursor } from "../timeline";
import { svg } from "./dom";
import { keyAction, type KeyAction } from "./gestures";
import type { GraphView } from "./graph";

export type Intent = Exclude<KeyAction, null> | "open" | "fold" | "unfold" | "next-node" | "prev-node" | "leave";

export interface KeyIntent {
  act: Intent | null;
  /** Keep the event from the page (the notebook's shortcuts) even when the control handles it natively. */
  own: boolean;
}

const NATIVE_RANGE = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"]);
const NATIVE_SELECT = new Set([...NATIVE_RANGE, " ", "Enter"]);

export function keyIntent(e: KeyboardEvent): KeyIntent {
  if (e.ctrlKey || e.metaKey || e.altKey) return { act: null, own: false };
  const t = e.target instanceof Element ? e.target : null;
  const tag = t?.tagName ?? "";
  // Text fields (the search box) handle their own keys; Escape and Tab still leave them.
  if (tag === "TEXTAREA" || (tag === "INPUT" && (t as HTMLInputElement).type !== "range")) {
    return { act: null, own: e.key !== "Escape" && e.key !== "Tab" };
  }
  if (tag === "SELECT") return { act: null, own: NATIVE_SELECT.has(e.key) };
  if (tag === "INPUT" && NATIVE_RANGE.has(e.key)) return { act: null, own: true };
  if (tag === "BUTTON" && (e.key === " " || e.key === "Enter")) return { act: null, own: true };
  if (t?.closest("[data-nav]")) {
    if (e.key === "Enter") return { act: "open", own: true };
    if (e.key === "+" || e.key === "=") return { act: "unfold", own: true };
    if (e.key === "-") return { act: "fold", own: true };
    if (e.key === "Tab") return { act: e.shiftKey ? "prev-node" : "next-node", own: true };
    if (e.key === "Escape") return { act: "leave", own: true };
  }
  if (e.shiftKey) return { act: null, own: false };
  const a = keyAction(e);
  return { act: a, own: a !== null };
}

export interface KeyHandlers {
  /** Whether a drawing exists (before it, only "/" does anything). */
  ready(): boolean;
  search(): void;
  play(): void;
  step(delta: 1 | -1): void;
  seek(k: number): void;
  open(id: string): void;
  leave(): void;
  /** true: the node unfolds ("+"), false: it folds ("-"), null: neither. */
  foldState(id: string): boolean | null;
  toggle(id: string): void;
}

/** The root's keydown listener: carries out the intent, and keeps owned keys from the notebook. */
export function widgetKeys(nav: NodeNav, h: KeyHandlers): (e: KeyboardEvent) => void {
  return (e) => {
    const { act, own } = keyIntent(e);
    if (own) e.stopPropagation(); // the notebook's command-mode shortcuts must not see it
    if (!act || (!h.ready() && act !== "search")) return;
    const id = (e.target as Element).closest?.("[data-id]")?.getAttribute("data-id") ?? "";
    if (act === "next-node" || act === "prev-node") {
      if (!nav.move(id, act === "next-node" ? 1 : -1)) return; // past the last node Tab leaves the graph
    } else if (act === "search") h.search();
    else if (act === "play") h.play();
    else if (act === "forward" || act === "back") h.step(act === "forward" ? 1 : -1);
    else if (act === "start" || act === "end") h.seek(act === "start" ? 0 : Number.MAX_SAFE_INTEGER);
    else if (act === "open") h.open(id);
    else if (act === "leave") h.leave();
    else if (h.foldState(id) === (act === "unfold")) {
      nav.keepFocus();
      h.toggle(id);
    }
    e.preventDefault();
  };
}

/** Gives the figure and its drawing accessible names (the SVG's `<title>` comes first, as SVG wants). */
export function nameFigure(root: HTMLElement, drawing: SVGSVGElement, name: string): void {
  root.setAttribute("aria-label", name);
  let title = drawing.querySelector(":scope > title");
  if (!title) {
    title = svg("title", {});
    drawing.prepend(title);
  }
  if (title.textContent !== name) title.textContent = name;
}

/**
 * The drawn nodes as one tab stop with a roving tabindex: Tab and Shift+Tab
 * move through them in the trace's order (data flow: a module's calls are
 * recorded as the batch reaches it), whatever order the SVG layers draw
 * them in; past either end Tab leaves the graph as usual.
 */
export class NodeNav {
  /** The node holding the tab stop. */
  current: string | null = null;
  private graph: GraphView | null = null;
  private order: string[] = [];
  /** A redraw (after a fold) replaces the elements: focus returns to the same node. */
  private refocus = false;

  constructor(
    private readonly reveal: (id: string) => void,
    private readonly describe: (id: string) => string,
  ) {}

  /** A new drawing: the tab stop goes to the same node if it is still drawn, else the first. */
  attach(graph: GraphView, s: Structure): void {
    this.graph = graph;
    const drawn = new Set(graph.drawnIds());
    this.order = s.nodes.map((n) => n.id).filter((id) => drawn.has(id));
    const keep = this.current && drawn.has(this.current) ? this.current : (this.current && graph.standIn(this.current)) || this.order[0] || null;
    this.current = null;
    if (keep) this.hold(keep, this.refocus);
    this.refocus = false;
  }

  /** Refreshes the held node's label (its state changes as the batch moves). */
  relabel(): void {
    const g = this.current ? this.graph?.element(this.current) : null;
    if (g && this.current) g.setAttribute("aria-label", this.describe(this.current));
  }

  /** Moves focus along the data flow; false past the end (the browser's Tab then leaves the graph). */
  move(from: string, dir: 1 | -1): boolean {
    const i = this.order.indexOf(from);
    const next = i < 0 ? undefined : this.order[i + dir];
    if (next === undefined) return false;
    this.hold(next, true);
    return true;
  }

  /** The next drawing should put focus back on the held node. */
  keepFocus(): void {
    this.refocus = true;
  }

  private hold(id: string, focus: boolean): void {
    const old = this.current ? this.graph?.element(this.current) : null;
    old?.setAttribute("tabindex", "-1");
    this.current = id;
    const g = this.graph?.element(id);
    if (!g) return;
    g.setAttribute("tabindex", "0");
    g.setAttribute("data-nav", "");
    g.setAttribute("role", "button");
    this.relabel();
    if (!focus) return;
    this.reveal(id);
    g.focus({ preventScroll: true });
  }
}

/** Whether a node unfolds with "+" (true), folds with "-" (false: an open group) or neither (null). */
export function foldStateOf(s: Structure, collapsed: ReadonlySet<string>, g: Element | null, id: string): boolean | null {
  if (collapsed.has(id) || g?.classList.contains("lv-fold")) return true;
  return isContainer(s, id) && !isRootModule(s, id) ? false : null;
}

/** "0 Dense, resolved, kernel (20, 256), bias (256)": what a screen reader says for a node. */
export function nodeLabel(s: Structure, cursor: Cursor, id: string, collapsed: boolean | null): string {
  const n = s.byId.get(id);
  if (!n) return id;
  const f = cursor.node(id);
  const parts = [`${n.path || "root"} ${n.type}`, f?.state ?? "unknown"];
  n.params.forEach((p, i) => {
    const shape = f?.params[i];
    parts.push(`${p.name} ${shape ? shapeText(shape) : "unknown"}`);
  });
  if (collapsed !== null) parts.push(collapsed ? "folded, + opens" : "open, - folds");
  return parts.join(", ");
}
