// The front end as a library: `mount(el, model)` draws the widget for any
// object with anywidget's model surface (a real anywidget model in Jupyter,
// the offline page's stand-in, a test double). It wires traits to the
// timeline, the graph and the controls; drawing and logic live elsewhere.

import { currentTrace, type Trace, type WidgetModel } from "../model";
import { onRunsAppended } from "../history";
import { buildStructure, isContainer, type Structure } from "../structure";
import { Timeline, type Cursor } from "../timeline";
import { nextStop as stopAfter } from "../stops";
import type { Layout } from "../layout/placed";
import { planLayout, refineLayout, type Plan } from "../layout/plan";
import { canvasMeasurer, type Measurer } from "../layout/measure";
import { COLLAPSE_LIMIT, defaultCollapsed, defaultFolded, isRootModule, openRun, reveal } from "../layout/visible";
import { Controls } from "./controls";
import { Details } from "./details";
import { html } from "./dom";
import { Flow } from "./flow";
import { GraphView } from "./graph";
import { prepareWhenIdle } from "./idle";
import { Header } from "./header";
import { histogramPanel } from "./histogram";
import { num, str } from "./values";
import { Viewport } from "./viewport";

/** Events per second at speed 1 (docs/widget-state.md). */
export const BASE_RATE = 4;

export interface Mounted {
  /** Resolves once the first layout is drawn. */
  ready: Promise<void>;
  destroy(): void;
}

interface Shown {
  trace: Trace;
  s: Structure;
  tl: Timeline;
  cursor: Cursor;
  collapsed: Set<string>;
  /** Folded runs of repeated blocks (folds.ts), by their first member's id. */
  folded: Set<string>;
}

export function mount(el: HTMLElement, model: WidgetModel): Mounted {
  const root = html("div", { class: "lazyviz", tabindex: 0, "data-step": 0, "data-steps": 0, role: "figure" }, el);
  const header = new Header(root, (i) => {
    model.set("run", i);
    model.save_changes();
    rebuild();
  });
  const body = html("div", { class: "lv-body" }, root);
  const canvas = html("div", { class: "lv-canvas" }, body);
  const viewport = new Viewport(canvas);
  const zoom = html("div", { class: "lv-zoom" }, canvas);
  const status = html("div", { class: "lv-status" }, canvas);
  const details = new Details(body, {
    toggle: (id) => toggle(id),
    close: () => select(""),
  });
  const controls = new Controls(root, {
    seek: (k) => {
      setPlaying(false);
      seek(k);
    },
    step: (d) => controlsStep(d),
    togglePlay: () => setPlaying(!playing),
    speed: (x) => {
      speed = x;
      model.set("speed", x);
      model.save_changes();
    },
  });
  for (const [label, title, fn] of [
    ["−", "Zoom out", () => viewport.zoomAt(1 / 1.25)],
    ["+", "Zoom in (or ctrl + wheel)", () => viewport.zoomAt(1.25)],
    ["⤢", "Fit to view", () => viewport.fit()],
  ] as Array<[string, string, () => void]>) {
    const b = html("button", { type: "button", class: "lv-btn", title, "aria-label": title }, zoom, label);
    b.addEventListener("click", fn);
  }

  let measurer: Measurer | null = null;
  let shown: Shown | null = null;
  let graph: GraphView | null = null;
  let flow: Flow | null = null;
  let layout: Layout | null = null;
  let token = 0;
  let playing = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let speed = num(model.get("speed"), 1);
  let selected = str(model.get("selected"));
  let destroyed = false;
  let fitted = false;
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((r) => (resolveReady = r));

  let cullFrame = 0;
  viewport.onChange = () => {
    if (cullFrame || !graph) return;
    cullFrame = requestAnimationFrame(() => {
      cullFrame = 0;
      graph?.cull(viewport.visibleRect());
    });
  };

  const interval = (): number => 1000 / (BASE_RATE * (speed > 0 ? speed : 1));

  /** The raw record on screen: an entry added elsewhere in `runs` only relabels the picker. */
  let shownEntry: unknown = null;

  function rebuild(): void {
    const runs = model.get("runs");
    const { trace, index } = currentTrace(runs, model.get("run"));
    header.setRuns(runs ?? [], index, trace, model.get("forwards"));
    header.setNote(str(model.get("note")));
    if (shown && runs?.[index] !== undefined && runs[index] === shownEntry) return;
    shownEntry = runs?.[index];
    const s = buildStructure(trace);
    const tl = new Timeline(s);
    const folded = defaultFolded(s);
    const collapsed = defaultCollapsed(s, COLLAPSE_LIMIT, folded);
    // The failing node must be on screen, not folded away.
    if (trace.error && s.byId.has(trace.error.node)) reveal(s, collapsed, trace.error.node, folded);
    if (selected && s.byId.has(selected)) reveal(s, collapsed, selected, folded);
    shown = { trace, s, tl, cursor: tl.cursor(), collapsed, folded };
    prepareWhenIdle(tl, () => destroyed || shown?.tl !== tl);
    root.dataset.steps = String(tl.steps);
    root.classList.toggle("lv-animated", tl.animated);
    fitted = false;
    void relayout(null);
  }

  async function relayout(anchor: string | null): Promise<void> {
    if (!shown) return;
    const my = ++token;
    const before = anchor && graph ? graph.rectOf(anchor) : null;
    status.textContent = "";
    measurer ??= canvasMeasurer(el.ownerDocument);
    let plan: Plan;
    try {
      plan = planLayout(shown.s, shown.collapsed, measurer, shown.folded);
    } catch (err) {
      status.textContent = `Layout failed: ${String(err)}`;
      resolveReady();
      return;
    }
    place(plan.quick, anchor, before);
    resolveReady();
    void refine(plan, my, anchor);
  }

  /** Swaps in ELK's layout when it arrives (layout/plan.ts), keeping the anchor or the batch where they were. */
  async function refine(plan: Plan, my: number, anchor: string | null): Promise<void> {
    const fine = await refineLayout(plan).catch(() => null);
    if (!fine || my !== token || destroyed || !shown || !graph) return;
    const keep = anchor ?? shown.tl.active(shown.cursor.step);
    place(fine, keep, keep ? graph.rectOf(keep) : null);
  }

  function place(out: Layout, anchor: string | null, before: { x: number; y: number } | null): void {
    draw(out);
    const after = anchor ? graph?.rectOf(anchor) : null;
    if (before && after) viewport.shift(before.x - after.x, before.y - after.y);
    else if (!fitted || !viewport.touched) {
      viewport.fit();
      fitted = canvas.clientWidth > 0;
    }
  }

  function draw(out: Layout): void {
    if (!shown) return;
    flow?.clear();
    graph?.content.remove();
    layout = out;
    graph = new GraphView(out, shown.s, shown.tl.animated);
    flow = new Flow(graph.content);
    viewport.group.appendChild(graph.content);
    viewport.setContent(graph.bounds());
    const k = clampStep(num(model.get("step"), 0));
    shown.cursor.seek(k);
    graph.applyAll(shown.cursor);
    graph.cull(viewport.visibleRect());
    refresh(false);
    if (num(model.get("step"), 0) !== k) writeStep(k);
    if (!!model.get("playing") !== playing) setPlaying(!!model.get("playing"), true);
  }

  function clampStep(k: number): number {
    return shown ? Math.min(Math.max(Math.trunc(k), 0), shown.tl.steps) : 0;
  }

  function writeStep(k: number): void {
    if (num(model.get("step"), -1) === k) return;
    model.set("step", k);
    model.save_changes();
  }

  /** Moves the animation to step k; `travel` animates the batch along the edges it takes. */
  function seek(k: number, travel = false, fromModel = false): void {
    if (!shown || !graph) return;
    const target = clampStep(k);
    const from = shown.cursor.step;
    const touched = shown.cursor.seek(target);
    graph.apply(shown.cursor, touched);
    if (travel && target === from + 1 && flow) {
      flow.launch(graph.drawnEdges(shown.tl.travel(target)), Math.min(600, interval() * 0.9));
    }
    refresh(selected !== "" && touched.nodes.has(selected), target !== from);
    if (!fromModel) writeStep(target);
  }

  /** Header, controls, caption, root attributes and highlight for the cursor's step. */
  function refresh(detailsToo: boolean, moved = false): void {
    if (!shown || !graph) return;
    const k = shown.cursor.step;
    const tl = shown.tl;
    root.dataset.step = String(k);
    root.dataset.steps = String(tl.steps);
    header.setCounts(tl.paramCounts(k));
    controls.update(k, tl.steps, playing, speed, tl.caption(k));
    // A container's exit is not "the batch is here": highlight only what is running.
    const ev = tl.event(k);
    const active = ev && (ev.kind !== "exit" || !isContainer(shown.s, ev.node)) ? tl.active(k) : null;
    graph.setActive(active);
    graph.setSelected(selected || null);
    if (active && moved) {
      const r = graph.rectOf(active);
      if (r) viewport.reveal(r);
    }
    if (detailsToo || !details.el.hasChildNodes()) showDetails();
  }

  function showDetails(): void {
    if (!shown) return;
    const n = selected ? shown.s.byId.get(selected) : undefined;
    if (!n) {
      details.showLegend(shown.tl.animated);
      return;
    }
    const hist = histogramPanel(model.get("histograms"), model.get("histogram_notes"), n);
    details.show(shown.s, n, shown.cursor.node(n.id), shown.collapsed.has(n.id), hist);
  }

  function select(id: string, fromModel = false): void {
    selected = id;
    if (!fromModel) {
      model.set("selected", id);
      model.save_changes();
    }
    if (shown && id && reveal(shown.s, shown.collapsed, id, shown.folded)) void relayout(id);
    graph?.setSelected(id || null);
    showDetails();
  }

  function toggle(id: string): void {
    // A folded run of repeated blocks opens into its members.
    if (shown && openRun(shown.s, shown.collapsed, shown.folded, id)) {
      void relayout(id).then(showDetails);
      return;
    }
    if (!shown || !isContainer(shown.s, id) || isRootModule(shown.s, id)) return;
    if (shown.collapsed.has(id)) shown.collapsed.delete(id);
    else shown.collapsed.add(id);
    // A selection folded away stays selected; its stand-in box carries the highlight.
    void relayout(id).then(showDetails);
  }

  function setPlaying(on: boolean, fromModel = false): void {
    if (!shown) return;
    if (on && shown.tl.steps === 0) on = false;
    if (on === playing) {
      if (!fromModel && !!model.get("playing") !== on) {
        model.set("playing", on);
        model.save_changes();
      }
      return;
    }
    playing = on;
    clearTimeout(timer);
    if (on && shown.cursor.step >= shown.tl.steps) seek(0);
    if (on) timer = setTimeout(tick, interval() * 0.5);
    if (!fromModel || !!model.get("playing") !== on) {
      model.set("playing", on);
      model.save_changes();
    }
    root.dataset.playing = String(on);
    refresh(false);
  }

  /** The collapsed box an event happens in, or null when its node is drawn. */
  function foldedIn(k: number): string | null {
    if (!shown || !graph || k < 1 || k > shown.tl.steps) return null;
    const ev = shown.tl.event(k);
    if (!ev || ev.kind === "error" || !graph.hidden(ev.node)) return null;
    return graph.standIn(ev.node);
  }

  function nextStop(k: number, dir: number): number {
    return shown ? stopAfter(shown.tl.steps, k, dir, foldedIn) : k;
  }

  function tick(): void {
    if (!playing || !shown || destroyed) return;
    if (shown.cursor.step >= shown.tl.steps) {
      setPlaying(false);
      return;
    }
    seek(nextStop(shown.cursor.step, 1), true);
    if (shown.cursor.step >= shown.tl.steps) setPlaying(false);
    else timer = setTimeout(tick, interval());
  }

  // Clicks on the graph: a group's title or a folded box toggles; any node selects.
  const onClick = (e: MouseEvent): void => {
    if (viewport.dragged) {
      viewport.dragged = false;
      return;
    }
    const target = e.target as Element | null;
    // The handle beside an opened run of repeated blocks folds it again.
    const run = target?.closest?.("[data-run]")?.getAttribute("data-run");
    if (run && shown) {
      shown.folded.add(run);
      void relayout(run).then(showDetails);
      return;
    }
    const g = target?.closest?.("[data-id]");
    const id = g?.getAttribute("data-id") ?? "";
    if (!g || !shown) {
      if (selected) select("");
      return;
    }
    const isGroup = g.classList.contains("lv-group");
    const onTitle = !!target?.closest?.(".lv-bar, .lv-title, .lv-toggle");
    if (g.classList.contains("lv-collapsed") || g.classList.contains("lv-fold") || (isGroup && onTitle)) toggle(id);
    if (!isGroup || onTitle) select(id);
  };
  viewport.svg.addEventListener("click", onClick);

  const onKey = (e: KeyboardEvent): void => {
    const t = e.target as HTMLElement | null;
    if (t && (t.tagName === "INPUT" || t.tagName === "SELECT")) return;
    if (!shown) return;
    let handled = true;
    if (e.key === " " || e.key === "Spacebar") setPlaying(!playing);
    else if (e.key === "ArrowRight") controlsStep(1);
    else if (e.key === "ArrowLeft") controlsStep(-1);
    else if (e.key === "Home") controlsSeek(0);
    else if (e.key === "End") controlsSeek(shown.tl.steps);
    else handled = false;
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };
  const controlsStep = (d: number): void => {
    setPlaying(false);
    const k = shown?.cursor.step ?? 0;
    seek(nextStop(k, d), d > 0);
  };
  const controlsSeek = (k: number): void => {
    setPlaying(false);
    seek(k);
  };
  root.addEventListener("keydown", onKey);

  const applyHeight = (): void => {
    const h = num(model.get("height"), 480);
    root.style.height = `${Math.max(240, h)}px`;
  };
  applyHeight();

  // Trait listeners (Python or the page can drive everything).
  let pendingRebuild = false;
  const scheduleRebuild = (): void => {
    if (pendingRebuild) return;
    pendingRebuild = true;
    queueMicrotask(() => {
      pendingRebuild = false;
      if (!destroyed) rebuild();
    });
  };
  // A `lazyviz:run` message extends the list in place (history.ts says why): no change:runs.
  const stopAppends = onRunsAppended((runs) => runs === model.get("runs") && scheduleRebuild());
  const listeners: Array<[string, () => void]> = [
    ["change:step", () => seek(num(model.get("step"), 0), shown !== null && num(model.get("step"), 0) === shown.cursor.step + 1, true)],
    ["change:playing", () => setPlaying(!!model.get("playing"), true)],
    ["change:speed", () => {
      speed = num(model.get("speed"), 1);
      refresh(false);
    }],
    ["change:selected", () => select(str(model.get("selected")), true)],
    ["change:histograms change:histogram_notes", () => showDetails()],
    ["change:forwards", () => header.setForwards(model.get("forwards"))],
    ["change:note", () => header.setNote(str(model.get("note")))],
    ["change:height", applyHeight],
    ["change:runs change:run", scheduleRebuild],
  ];
  for (const [name, fn] of listeners) for (const n of name.split(" ")) model.on(n, fn);

  const resize = typeof ResizeObserver !== "undefined"
    ? new ResizeObserver(() => {
        if (layout && (!fitted || !viewport.touched)) {
          viewport.fit();
          fitted = canvas.clientWidth > 0;
        }
      })
    : null;
  resize?.observe(canvas);

  rebuild();

  return {
    ready,
    destroy() {
      destroyed = true;
      playing = false;
      clearTimeout(timer);
      cancelAnimationFrame(cullFrame);
      flow?.clear();
      resize?.disconnect();
      viewport.destroy();
      viewport.svg.removeEventListener("click", onClick);
      root.removeEventListener("keydown", onKey);
      for (const [name, fn] of listeners) for (const n of name.split(" ")) model.off(n, fn);
      stopAppends();
      root.remove();
    },
  };
}
