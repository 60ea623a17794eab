// The front end as a library: `mount(el, model)` draws the widget for any
// object with anywidget's model surface (a real anywidget model in Jupyter,
// the offline page's stand-in, a test double). The App wires traits to the
// timeline, the drawing and the controls, and keeps the traits in step with
// the reader; the drawing on the canvas (stage.ts), playback (player.ts), the
// run picker (run-picker.ts) and the logic live elsewhere.

import type { WidgetModel } from "../model";
import { isContainer } from "../structure";
import { nextStop } from "../stops";
import { searchNodes } from "../search";
import { isRootModule, openRun, reveal } from "../layout/visible";
import { takeSeat, type Seat } from "./clock";
import { Controls, type ControlHandlers } from "./controls";
import { Details } from "./details";
import { html } from "./dom";
import { graphAction } from "./gestures";
import type { GraphView } from "./graph";
import { Header } from "./header";
import { histogramPanel } from "./histogram";
import { prepareWhenIdle } from "./idle";
import { nameFigure, widgetKeys, type KeyHandlers } from "./keys";
import { Player } from "./player";
import { RunPicker } from "./run-picker";
import { SearchBox } from "./search-box";
import { Stage } from "./stage";
import { depthOf, makeShown, refold, type Shown } from "./shown";
import { listen, type TraitListeners } from "./traits";
import { num, str } from "./values";
import { WhenDrawn } from "./when-drawn";

export { BASE_RATE } from "./player";

export interface Mounted {
  /** Resolves once the first layout is drawn. */
  ready: Promise<void>;
  destroy(): void;
}

export function mount(el: HTMLElement, model: WidgetModel): Mounted {
  const app = new App(el, model);
  return { ready: app.ready, destroy: () => app.destroy() };
}

/** How a seek came about. */
export interface SeekOptions {
  /** Animate the batch along the edges it takes (a step forward). */
  travel?: boolean;
  /** The step came from the model (Python, the leading view): it is not written back. */
  fromModel?: boolean;
  /** Asked for, not a playback tick: the view follows again after the reader panned away. */
  explicit?: boolean;
}

/** One view of a widget: its DOM, the run it shows, the traits it follows and writes. */
export class App {
  /** Resolves once the first layout is drawn (or failed: the status line says why). */
  readonly ready: Promise<void>;
  private resolveReady: () => void = () => {};
  private readonly root: HTMLDivElement;
  private readonly header: Header;
  private readonly stage: Stage;
  private readonly details: Details;
  private readonly search: SearchBox;
  private readonly controls: Controls;
  private readonly runs: RunPicker;
  private readonly queue: WhenDrawn;
  private readonly seat: Seat;
  private readonly player: Player;
  private readonly onKey: (e: KeyboardEvent) => void;
  private readonly unlisten: () => void;
  /** The run on screen with the reader's folds and the cursor. */
  private shown: Shown | null = null;
  private selected: string;
  private destroyed = false;

  constructor(
    el: HTMLElement,
    private readonly model: WidgetModel,
  ) {
    // JupyterLab leaves keys under `data-lm-suppress-shortcuts` to the widget (keys.ts).
    const rootAttrs = { class: "lazyviz", tabindex: 0, "data-step": 0, "data-steps": 0, role: "figure", "data-lm-suppress-shortcuts": "true" };
    this.root = html("div", rootAttrs, el);
    this.header = new Header(this.root, (i) => this.runs.pick(i));
    const body = html("div", { class: "lv-body" }, this.root);
    const canvas = html("div", { class: "lv-canvas" }, body);
    this.stage = new Stage(canvas, () => this.shown, (shown, graph) => this.catchUp(shown, graph));
    this.details = new Details(body, { toggle: (id) => this.toggle(id), close: () => this.select("") });
    this.queue = new WhenDrawn(() => this.shown !== null && this.stage.graph !== null);
    const find = (q: string) => (this.shown ? searchNodes(this.shown.s, q) : []);
    this.search = new SearchBox(this.header.tools, this.root, find, (id) => this.queue.run(() => this.find(id)));
    this.controls = new Controls(this.root, this.controlHandlers());
    // Views of one model share its clock (clock.ts): only the leader's timer writes `step`.
    this.seat = takeSeat(model, () => this.player.resume());
    this.player = new Player(num(model.get("speed"), 1), () => this.advance(), () => this.seat.leads());
    this.selected = str(model.get("selected"));
    this.ready = new Promise<void>((r) => (this.resolveReady = r));
    this.stage.camera.viewport.svg.addEventListener("click", this.onClick);
    this.onKey = widgetKeys(this.stage.nav, this.keyHandlers());
    this.root.addEventListener("keydown", this.onKey);
    this.applyHeight();
    this.unlisten = listen(model, this.traitListeners());
    this.runs = new RunPicker(model, this.header, () => this.rebuild());
    this.rebuild();
  }

  /** Shows the run `runs`/`run` pick, unless it is already on screen (then only the header changes). */
  rebuild(): void {
    const trace = this.runs.next();
    if (!trace) return;
    const shown = makeShown(trace, depthOf(this.model.get("depth")), this.selected);
    this.shown = shown;
    const tl = shown.tl;
    prepareWhenIdle(tl, () => this.destroyed || this.shown?.tl !== tl);
    this.root.dataset.steps = String(tl.steps);
    this.root.classList.toggle("lv-animated", tl.animated);
    const top = shown.s.nodes.find((n) => n.kind === "module" && n.path === "");
    nameFigure(this.root, this.stage.camera.viewport.svg, `Layer graph of ${top ? top.type : "a model"}, ${tl.steps} steps`);
    this.relayout(null);
  }

  /** Header, controls, caption, root attributes and highlight for the cursor's step. */
  refresh(detailsToo: boolean): void {
    const shown = this.shown;
    const graph = this.stage.graph;
    if (!shown || !graph) return;
    const k = shown.cursor.step;
    const tl = shown.tl;
    this.root.dataset.step = String(k);
    this.root.dataset.steps = String(tl.steps);
    this.header.setCounts(tl.paramCounts(k));
    this.controls.update(k, tl.steps, this.player.playing, this.player.speed, tl.caption(k));
    // A container's exit is not "the batch is here": highlight only what is running.
    const ev = tl.event(k);
    graph.setActive(ev && (ev.kind !== "exit" || !isContainer(shown.s, ev.node)) ? tl.active(k) : null);
    graph.setSelected(this.selected || null);
    this.stage.nav.relabel();
    if (detailsToo || !this.details.el.hasChildNodes()) this.showDetails();
  }

  /** Selects a node ("" for none): highlighted, opened out of folded groups, described in the panel. */
  select(id: string, fromModel = false): void {
    this.selected = id;
    if (!fromModel) {
      this.model.set("selected", id);
      this.model.save_changes();
    }
    const shown = this.shown;
    if (shown && id && reveal(shown.s, shown.collapsed, id, shown.folded)) this.relayout(id);
    this.stage.graph?.setSelected(id || null);
    this.showDetails();
  }

  /** Opens or closes a group; a folded run of repeated blocks opens into its members. */
  toggle(id: string): void {
    const shown = this.shown;
    if (!shown) return;
    if (!openRun(shown.s, shown.collapsed, shown.folded, id)) {
      if (!isContainer(shown.s, id) || isRootModule(shown.s, id)) return;
      if (shown.collapsed.has(id)) shown.collapsed.delete(id);
      else shown.collapsed.add(id);
    }
    // A selection folded away stays selected; its stand-in box carries the highlight.
    this.relayout(id);
    this.showDetails();
  }

  /**
   * Moves the animation to step k (`SeekOptions` says how it came about; by
   * default the reader asked for it).
   */
  seek(k: number, { travel = false, fromModel = false, explicit = true }: SeekOptions = {}): void {
    const shown = this.shown;
    const graph = this.stage.graph;
    if (!shown || !graph) return;
    const target = this.clampStep(k);
    const from = shown.cursor.step;
    const touched = shown.cursor.seek(target);
    graph.apply(shown.cursor, touched);
    if (travel && target === from + 1) this.stage.travel(shown, target, Math.min(600, this.player.interval() * 0.9));
    this.refresh(this.selected !== "" && touched.nodes.has(this.selected));
    if (target !== from || explicit) this.stage.camera.follow(explicit);
    if (!fromModel) this.writeStep(target);
  }

  /** The reader steps (a button, an arrow key): playback stops; a folded box passes as one step. */
  step(delta: number): void {
    this.setPlaying(false);
    const k = this.shown?.cursor.step ?? 0;
    this.seek(this.nextStop(k, delta), { travel: delta > 0 });
  }

  /** The reader jumps (the slider, Home/End): playback stops there. */
  jump(k: number): void {
    this.setPlaying(false);
    this.seek(k);
  }

  /** One playback tick; false once the end is reached (playback then stops). */
  advance(): boolean {
    const shown = this.shown;
    if (!shown || this.destroyed) return false;
    if (shown.cursor.step < shown.tl.steps) this.seek(this.nextStop(shown.cursor.step, 1), { travel: true, explicit: false });
    if (shown.cursor.step < shown.tl.steps) return true;
    this.setPlaying(false);
    return false;
  }

  destroy(): void {
    this.destroyed = true;
    this.player.stop();
    this.seat.release();
    this.stage.destroy();
    this.stage.camera.viewport.svg.removeEventListener("click", this.onClick);
    this.root.removeEventListener("keydown", this.onKey);
    this.unlisten();
    this.runs.destroy();
    this.queue.clear();
    this.root.remove();
  }

  /** Lays the run out again (a fold, a new run or depth); `anchor` keeps its place on screen. */
  private relayout(anchor: string | null): void {
    if (!this.shown) return;
    this.stage.relayout(this.shown, anchor);
    this.resolveReady();
  }

  /** A new drawing takes the model's step and playing state, then runs what waited for a drawing. */
  private catchUp(shown: Shown, graph: GraphView): void {
    const k = this.clampStep(num(this.model.get("step"), 0));
    shown.cursor.seek(k);
    graph.applyAll(shown.cursor);
    this.stage.nav.attach(graph, shown.s);
    this.stage.camera.cull();
    this.refresh(false);
    if (num(this.model.get("step"), 0) !== k) this.writeStep(k);
    const playing = !!this.model.get("playing");
    if (playing !== this.player.playing) this.setPlaying(playing);
    this.queue.flush();
  }

  private showDetails(): void {
    const shown = this.shown;
    if (!shown) return;
    const n = this.selected ? shown.s.byId.get(this.selected) : undefined;
    if (!n) {
      this.details.showLegend(shown.tl.animated, shown.s.trace.framework);
      return;
    }
    const hist = histogramPanel(this.model.get("histograms"), this.model.get("histogram_notes"), n);
    this.details.show(shown.s, n, shown.cursor.node(n.id), shown.collapsed.has(n.id), hist);
  }

  /** A node picked in the search box: opened out of its groups and runs, selected, scrolled to. */
  private find(id: string): void {
    this.select(id);
    const r = this.stage.graph?.rectOf(id);
    if (r) this.stage.camera.reveal(r);
  }

  /** The handle beside an opened run of repeated blocks: the run folds again. */
  private foldRun(run: string): void {
    if (!this.shown) return;
    this.shown.folded.add(run);
    this.relayout(run);
    this.showDetails();
  }

  /** Starts or stops playback (nothing to play stays stopped) and tells the model, unless it already says so. */
  private setPlaying(on: boolean): void {
    const shown = this.shown;
    if (!shown) return;
    const play = on && shown.tl.steps > 0;
    if (play !== this.player.playing) {
      if (play) {
        this.stage.camera.following = true; // pressing play is an explicit request to watch the batch
        if (shown.cursor.step >= shown.tl.steps) this.seek(0);
        this.player.start();
      } else this.player.stop();
      this.root.dataset.playing = String(play);
      this.refresh(false);
    }
    if (!!this.model.get("playing") === play) return;
    this.model.set("playing", play);
    this.model.save_changes();
  }

  private clampStep(k: number): number {
    return this.shown ? Math.min(Math.max(Math.trunc(k), 0), this.shown.tl.steps) : 0;
  }

  private writeStep(k: number): void {
    if (num(this.model.get("step"), -1) === k) return;
    this.model.set("step", k);
    this.model.save_changes();
  }

  /** Where "step" and "play" stop next (stops.ts): a run of events inside one folded box is one stop. */
  private nextStop(k: number, dir: number): number {
    return this.shown ? nextStop(this.shown.tl.steps, k, dir, (j) => this.stage.foldedIn(j)) : k;
  }

  private applyHeight(): void {
    const h = num(this.model.get("height"), 480);
    this.root.style.height = `${Math.max(240, h)}px`;
  }

  /** `depth` changed from Python: the groups fold to the new depth (the reader's own toggles are reset). */
  private applyDepth(): void {
    if (!this.shown) return;
    refold(this.shown, depthOf(this.model.get("depth")), this.selected);
    this.relayout(null);
  }

  /** Our own step write coming back is not a seek; anything else (Python's `w.step = n`) is an explicit one. */
  private followStep(): void {
    const k = this.clampStep(num(this.model.get("step"), 0));
    const shown = this.shown;
    if (!shown || k === shown.cursor.step) return;
    this.seek(k, { travel: k === shown.cursor.step + 1, fromModel: true });
  }

  private readonly onClick = (e: MouseEvent): void => {
    const viewport = this.stage.camera.viewport;
    if (viewport.dragged) {
      viewport.dragged = false; // the click that ends a drag selects nothing
      return;
    }
    const a = graphAction(e.target as Element | null);
    if (a.kind === "fold" && this.shown) this.foldRun(a.run);
    else if (a.kind === "node" && this.shown) {
      if (a.toggle) this.toggle(a.id);
      if (a.select) this.select(a.id);
    } else if (this.selected) this.select("");
  };

  /** The controls act once the graph is drawn: a click before it waits for it. */
  private controlHandlers(): ControlHandlers {
    return {
      seek: (k) => this.queue.run(() => this.jump(k)),
      step: (d) => this.queue.run(() => this.step(d)),
      togglePlay: () => this.queue.run(() => this.setPlaying(!this.player.playing)),
      speed: (x) => {
        this.player.speed = x;
        this.model.set("speed", x);
        this.model.save_changes();
        this.refresh(false);
      },
    };
  }

  private keyHandlers(): KeyHandlers {
    return {
      ready: () => this.shown !== null,
      search: () => this.search.focus(),
      play: () => this.setPlaying(!this.player.playing),
      step: (d) => this.step(d),
      seek: (k) => this.jump(k),
      open: (id) => this.select(id),
      leave: () => this.root.focus(),
      foldState: (id) => this.stage.foldState(id),
      toggle: (id) => this.toggle(id),
    };
  }

  /** Python (or the offline page) can drive everything; the run picker follows `runs` and `run`. */
  private traitListeners(): TraitListeners {
    return [
      ["change:step", () => this.followStep()],
      ["change:playing", () => this.setPlaying(!!this.model.get("playing"))],
      [
        "change:speed",
        () => {
          this.player.speed = num(this.model.get("speed"), 1);
          this.refresh(false);
        },
      ],
      ["change:selected", () => this.select(str(this.model.get("selected")), true)],
      ["change:histograms change:histogram_notes", () => this.showDetails()],
      ["change:height", () => this.applyHeight()],
      ["change:depth", () => this.applyDepth()],
    ];
  }
}
