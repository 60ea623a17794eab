// The front end as a library: `mount(el, model)` draws the widget for any
// object with anywidget's model surface (a real anywidget model in Jupyter,
// the offline page's stand-in, a test double). It wires traits to the
// timeline, the graph and the controls; drawing, the view (camera.ts),
// playback (player.ts) and logic live elsewhere.

import { currentTrace, type WidgetModel } from "../model";
import { onRunsAppended } from "../history";
import { isContainer } from "../structure";
import { nextStop as stopAfter } from "../stops";
import { focusNode } from "../focus";
import { searchNodes } from "../search";
import type { Layout } from "../layout/placed";
import { planLayout, refineLayout, type Plan } from "../layout/plan";
import { canvasMeasurer, type Measurer } from "../layout/measure";
import { isRootModule, openRun, reveal } from "../layout/visible";
import { Camera } from "./camera";
import { Controls } from "./controls";
import { Details } from "./details";
import { html } from "./dom";
import { Flow } from "./flow";
import { graphAction } from "./gestures";
import { takeSeat } from "./clock";
import { foldStateOf, nameFigure, nodeLabel, NodeNav, widgetKeys } from "./keys";
import { GraphView } from "./graph";
import { prepareWhenIdle } from "./idle";
import { Header } from "./header";
import { histogramPanel } from "./histogram";
import { Player } from "./player";
import { SearchBox } from "./search-box";
import { depthOf, makeShown, refold, type Shown } from "./shown";
import { num, str } from "./values";

export { BASE_RATE } from "./player";

export interface Mounted {
  /** Resolves once the first layout is drawn. */
  ready: Promise<void>;
  destroy(): void;
}

export function mount(el: HTMLElement, model: WidgetModel): Mounted {
  // JupyterLab leaves keys under `data-lm-suppress-shortcuts` to the widget (keys.ts).
  const root = html("div", { class: "lazyviz", tabindex: 0, "data-step": 0, "data-steps": 0, role: "figure", "data-lm-suppress-shortcuts": "true" }, el);
  const header = new Header(root, (i) => {
    model.set("run", i);
    model.save_changes();
    rebuild();
  });
  const body = html("div", { class: "lv-body" }, root);
  const canvas = html("div", { class: "lv-canvas" }, body);
  const camera = new Camera(canvas);
  const viewport = camera.viewport;
  const status = html("div", { class: "lv-status" }, canvas);
  const details = new Details(body, {
    toggle: (id) => toggle(id),
    close: () => select(""),
  });
  const search = new SearchBox(header.tools, root, (q) => (shown ? searchNodes(shown.s, q) : []), (id) => whenDrawn(() => find(id)));
  // What the reader asks for before the first drawing waits for it: never dropped.
  const queue: Array<() => void> = [];
  const whenDrawn = (fn: () => void): void => {
    if (shown && graph) fn();
    else queue.push(fn);
  };
  const controls = new Controls(root, {
    seek: (k) => whenDrawn(() => controlsSeek(k)),
    step: (d) => whenDrawn(() => controlsStep(d)),
    togglePlay: () => whenDrawn(() => setPlaying(!player.playing)),
    speed: (x) => {
      player.speed = x;
      model.set("speed", x);
      model.save_changes();
      refresh(false);
    },
  });

  let measurer: Measurer | null = null;
  let shown: Shown | null = null;
  let graph: GraphView | null = null;
  let flow: Flow | null = null;
  let token = 0;
  // Views of one model share its clock (clock.ts): only the leader's timer writes `step`.
  const seat = takeSeat(model, () => player.resume());
  const player = new Player(num(model.get("speed"), 1), () => advance(), () => seat.leads());
  const foldState = (id: string): boolean | null => (shown ? foldStateOf(shown.s, shown.collapsed, graph?.element(id) ?? null, id) : null);
  const nav = new NodeNav((id) => graph && camera.bring(graph.rectOf(id)), (id) => (shown ? nodeLabel(shown.s, shown.cursor, id, foldState(id)) : id));
  let selected = str(model.get("selected"));
  let destroyed = false;
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((r) => (resolveReady = r));

  /** The node the animation is at, to keep on screen: the one entered at (or last before) this step. */
  camera.focus = () => {
    if (!shown || !graph) return null;
    const id = focusNode(shown.tl, shown.cursor.step);
    return id ? graph.rectOf(id) : null;
  };

  /** The raw record on screen: an entry added elsewhere in `runs` only relabels the picker. */
  let shownEntry: unknown = null;

  function rebuild(): void {
    const runs = model.get("runs");
    const { trace, index } = currentTrace(runs, model.get("run"));
    header.setRuns(runs ?? [], index, trace, model.get("forwards"));
    header.setNote(str(model.get("note")));
    if (shown && runs?.[index] !== undefined && runs[index] === shownEntry) return;
    shownEntry = runs?.[index];
    shown = makeShown(trace, depthOf(model.get("depth")), selected);
    const tl = shown.tl;
    prepareWhenIdle(tl, () => destroyed || shown?.tl !== tl);
    root.dataset.steps = String(tl.steps);
    root.classList.toggle("lv-animated", tl.animated);
    const top = shown.s.nodes.find((n) => n.kind === "module" && n.path === "");
    nameFigure(root, viewport.svg, `Layer graph of ${top ? top.type : "a model"}, ${tl.steps} steps`);
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

  /** Swaps in ELK's layout when it arrives (layout/plan.ts): refits a view the reader has not moved, else keeps a node still. */
  async function refine(plan: Plan, my: number, anchor: string | null): Promise<void> {
    const fine = await refineLayout(plan).catch(() => null);
    if (!fine || my !== token || destroyed || !shown || !graph) return;
    const keep = anchor ?? (camera.auto ? null : focusNode(shown.tl, shown.cursor.step));
    place(fine, keep, keep ? graph.rectOf(keep) : null);
  }

  function place(out: Layout, anchor: string | null, before: { x: number; y: number; width: number; height: number } | null): void {
    draw(out);
    camera.place(before, anchor ? (graph?.rectOf(anchor) ?? null) : null);
    camera.mark();
  }

  function draw(out: Layout): void {
    if (!shown) return;
    flow?.clear();
    // The old drawing's elements go: a node that had focus gets it back in the new one.
    if (graph?.content.contains(el.ownerDocument.activeElement)) nav.keepFocus();
    graph?.content.remove();
    graph = new GraphView(out, shown.s, shown.tl.animated);
    flow = new Flow(graph.content);
    camera.show(graph, out);
    const k = clampStep(num(model.get("step"), 0));
    shown.cursor.seek(k);
    graph.applyAll(shown.cursor);
    nav.attach(graph, shown.s);
    camera.cull();
    refresh(false);
    if (num(model.get("step"), 0) !== k) writeStep(k);
    if (!!model.get("playing") !== player.playing) setPlaying(!!model.get("playing"), true);
    for (const fn of queue.splice(0)) fn();
  }

  function clampStep(k: number): number {
    return shown ? Math.min(Math.max(Math.trunc(k), 0), shown.tl.steps) : 0;
  }

  function writeStep(k: number): void {
    if (num(model.get("step"), -1) === k) return;
    model.set("step", k);
    model.save_changes();
  }

  /**
   * Moves the animation to step k; `travel` animates the batch along the
   * edges it takes. An `explicit` seek (not a playback tick) makes the view
   * follow again after the reader panned away.
   */
  function seek(k: number, travel = false, fromModel = false, explicit = true): void {
    if (!shown || !graph) return;
    const target = clampStep(k);
    const from = shown.cursor.step;
    const touched = shown.cursor.seek(target);
    graph.apply(shown.cursor, touched);
    if (travel && target === from + 1 && flow) {
      flow.launch(graph.drawnEdges(shown.tl.travel(target)), Math.min(600, player.interval() * 0.9));
    }
    refresh(selected !== "" && touched.nodes.has(selected));
    if (target !== from || explicit) camera.follow(explicit);
    if (!fromModel) writeStep(target);
  }

  /** Header, controls, caption, root attributes and highlight for the cursor's step. */
  function refresh(detailsToo: boolean): void {
    if (!shown || !graph) return;
    const k = shown.cursor.step;
    const tl = shown.tl;
    root.dataset.step = String(k);
    root.dataset.steps = String(tl.steps);
    header.setCounts(tl.paramCounts(k));
    controls.update(k, tl.steps, player.playing, player.speed, tl.caption(k));
    // A container's exit is not "the batch is here": highlight only what is running.
    const ev = tl.event(k);
    graph.setActive(ev && (ev.kind !== "exit" || !isContainer(shown.s, ev.node)) ? tl.active(k) : null);
    graph.setSelected(selected || null);
    nav.relabel();
    if (detailsToo || !details.el.hasChildNodes()) showDetails();
  }

  function showDetails(): void {
    if (!shown) return;
    const n = selected ? shown.s.byId.get(selected) : undefined;
    if (!n) {
      details.showLegend(shown.tl.animated, shown.s.trace.framework);
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

  /** A node picked in the search box: opened out of its groups and runs, selected, scrolled to. */
  function find(id: string): void {
    select(id);
    const r = graph?.rectOf(id);
    if (r) camera.reveal(r);
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
    if (on !== player.playing) {
      if (on) {
        camera.following = true; // pressing play is an explicit request to watch the batch
        if (shown.cursor.step >= shown.tl.steps) seek(0);
        player.start();
      } else player.stop();
      root.dataset.playing = String(on);
      refresh(false);
    }
    if (!fromModel || !!model.get("playing") !== on) {
      if (!!model.get("playing") === on) return;
      model.set("playing", on);
      model.save_changes();
    }
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

  /** One playback tick; false once the end is reached (playback then stops). */
  function advance(): boolean {
    if (!shown || destroyed) return false;
    if (shown.cursor.step < shown.tl.steps) seek(nextStop(shown.cursor.step, 1), true, false, false);
    if (shown.cursor.step < shown.tl.steps) return true;
    setPlaying(false);
    return false;
  }

  const onClick = (e: MouseEvent): void => {
    if (viewport.dragged) {
      viewport.dragged = false; // the click that ends a drag selects nothing
      return;
    }
    const a = graphAction(e.target as Element | null);
    if (a.kind === "fold" && shown) {
      shown.folded.add(a.run);
      void relayout(a.run).then(showDetails);
    } else if (a.kind === "node" && shown) {
      if (a.toggle) toggle(a.id);
      if (a.select) select(a.id);
    } else if (selected) select("");
  };
  viewport.svg.addEventListener("click", onClick);

  const onKey = widgetKeys(nav, {
    ready: () => shown !== null,
    search: () => search.focus(),
    play: () => setPlaying(!player.playing),
    step: (d) => controlsStep(d),
    seek: (k) => controlsSeek(k),
    open: (id) => select(id),
    leave: () => root.focus(),
    foldState: (id) => foldState(id),
    toggle,
  });
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

  /** `depth` changed from Python: the groups fold to the new depth (the reader's own toggles are reset). */
  const applyDepth = (): void => {
    if (!shown) return;
    refold(shown, depthOf(model.get("depth")), selected);
    void relayout(null);
  };

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
  const onStep = (): void => {
    const k = num(model.get("step"), 0);
    // Our own write coming back is not a seek; anything else (Python's `w.step = n`) is an explicit one.
    if (!shown || clampStep(k) === shown.cursor.step) return;
    seek(k, clampStep(k) === shown.cursor.step + 1, true, true);
  };
  const listeners: Array<[string, () => void]> = [
    ["change:step", onStep],
    ["change:playing", () => setPlaying(!!model.get("playing"), true)],
    ["change:speed", () => {
      player.speed = num(model.get("speed"), 1);
      refresh(false);
    }],
    ["change:selected", () => select(str(model.get("selected")), true)],
    ["change:histograms change:histogram_notes", () => showDetails()],
    ["change:forwards", () => header.setForwards(model.get("forwards"))],
    ["change:note", () => header.setNote(str(model.get("note")))],
    ["change:height", applyHeight],
    ["change:depth", applyDepth],
    ["change:runs change:run", scheduleRebuild],
  ];
  for (const [name, fn] of listeners) for (const n of name.split(" ")) model.on(n, fn);

  rebuild();

  return {
    ready,
    destroy() {
      destroyed = true;
      player.stop();
      seat.release();
      flow?.clear();
      camera.destroy();
      viewport.svg.removeEventListener("click", onClick);
      root.removeEventListener("keydown", onKey);
      for (const [name, fn] of listeners) for (const n of name.split(" ")) model.off(n, fn);
      stopAppends();
      queue.length = 0;
      root.remove();
    },
  };
}
