// One plain-words caption per step, written for a learner (what the
// module saw, what it inferred, what was created and how it was initialized).
// Pure string building; the view puts the result in a text node. What is
// particular to a framework (which size a layer reads off its input, how it
// fills a new parameter, the framework's name) comes from the record; a record
// without it gets plainer words.

import type { Shape, TraceEvent, TraceNode } from "./model";
import { groupDigits, isKnown, qualifiedName, shapeText, shapesText } from "./format";
import { isContainer, type Structure } from "./structure";
import type { Counts, NodeFrame } from "./frames";

export interface CaptionContext {
  frames: ReadonlyMap<string, NodeFrame>;
  counts: Counts;
  /** All events and this one's index (to tell whether an `init` follows a `materialize`). */
  events: readonly TraceEvent[];
  index: number;
  last: boolean;
}

/** `0 · Dense`, `add in layer1.0`, `in1 · mask` (a keyword input), or just the type for the root module. */
export function nodeLabel(n: TraceNode): string {
  if (n.kind === "op") {
    const slash = n.path.lastIndexOf("/");
    const where = slash > 0 ? n.path.slice(0, slash) : "";
    return where ? `${n.type} in ${where}` : n.type;
  }
  if (n.kind === "input" && n.label) return `${n.path} · ${n.label}`;
  if (n.kind === "input" || n.kind === "output") return n.path;
  return n.path === "" ? n.type : `${n.path} · ${n.type}`;
}

function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function lazyLeaves(s: Structure): TraceNode[] {
  return s.nodes.filter((n) => n.kind === "module" && n.params.some((p) => !isKnown(p.shape_before)));
}

export function introCaption(s: Structure, counts: Counts, animated: boolean): string {
  if (s.nodes.length === 0) return "No model to show yet.";
  const lazy = lazyLeaves(s);
  const inputs = s.nodes.filter((n) => n.kind === "input").map((n) => shapesText(n.output_shapes));
  const batch = inputs.length ? inputs.join(" and ") : "sample";
  if (!animated) {
    if (lazy.length === 0) return `All parameter shapes are known (${groupDigits(counts.known)} parameters): nothing here is lazy.`;
    return (
      `No batch has run yet: ${plural(lazy.length, "lazy module")} ` +
      `${lazy.length === 1 ? "has" : "have"} sizes ${s.trace.framework ?? "the framework"} cannot know yet (shown as ?). ` +
      "They are filled in by the first forward pass; give a sample batch, LazyViz(model, X), to watch it happen."
    );
  }
  if (lazy.length === 0) return `Nothing has run yet. Press play to send the ${batch} batch through and watch each layer's output shape.`;
  return (
    `Nothing has run yet: ${plural(lazy.length, "lazy module")} still ${lazy.length === 1 ? "has" : "have"} unknown sizes (?). ` +
    `Press play to send the ${batch} batch through: each ? is read off the data as it arrives.`
  );
}

/** What a lazy module infers from its input (`<name> = <size>`), as the record names it, or null. */
function inference(n: TraceNode, input: Shape | undefined): string | null {
  if (!input || !n.infers) return null;
  const { name, dim } = n.infers;
  const size = input[dim < 0 ? input.length + dim : dim];
  return typeof size === "number" ? `${name} = ${size}` : null;
}

/** ` and was initialized (<the record's words>)`: how the framework filled a new parameter. */
function defaultInit(n: TraceNode, param: string): string {
  const words = n.default_init?.[param];
  return words ? ` and was initialized (${words})` : " and was initialized";
}

export function captionFor(s: Structure, ev: TraceEvent, ctx: CaptionContext): string {
  const n = s.byId.get(ev.node);
  if (!n) return `${ev.kind} ${ev.node}`;
  const label = nodeLabel(n);
  const frame = ctx.frames.get(n.id);
  switch (ev.kind) {
    case "enter": {
      const shapes = ev.shapes ?? [];
      const seen = shapesText(shapes);
      if (n.kind === "op") {
        return shapes.length > 1
          ? `${label} combines ${shapes.map((x) => shapeText(x)).join(" and ")}${n.type === "add" ? ": a skip connection joins two paths" : ""}.`
          : `${label} takes ${seen}.`;
      }
      if (isContainer(s, n.id)) {
        return s.parentOf.get(n.id) == null
          ? `The batch ${seen} enters ${n.type}.`
          : `${label}: the batch ${seen} goes inside this block.`;
      }
      const unknown = n.params.filter((p) => !isKnown(p.shape_before));
      if (unknown.length > 0 && n.calls > 0 && frame && frame.params.some((p) => !isKnown(p))) {
        const inf = inference(n, shapes[0]);
        const what = unknown.map((p) => `${p.name} ${p.shape_before ? shapeText(p.shape_before) : "?"}`).join(", ");
        return inf
          ? `${label} saw input ${seen}: ${inf}, which fills the ? in its ${what}.`
          : `${label} saw input ${seen}: its unknown sizes (${what}) are read off this input.`;
      }
      if (n.params.length === 0) return `${label} receives ${seen}; it has no parameters, nothing to infer.`;
      return `${label} receives ${seen}; its parameter shapes were already known.`;
    }
    case "materialize": {
      const p = n.params.find((q) => q.name === ev.param);
      const before = p?.shape_before;
      let initNext = false;
      for (let i = ctx.index + 1; i < ctx.events.length; i++) {
        const e = ctx.events[i]!;
        if (e.node === ev.node && e.kind === "exit") break;
        if (e.kind === "init" && e.node === ev.node && e.param === ev.param) {
          initNext = true;
          break;
        }
      }
      const how = initNext ? "" : defaultInit(n, ev.param);
      if (before == null) return `${label} created a new parameter ${ev.param} ${shapeText(ev.shape)} during its forward${how}.`;
      if (isKnown(before)) return `${label}: its ${ev.param} ${shapeText(ev.shape)} was allocated${how}.`;
      const inf = inference(n, frame?.inShapes?.[0]);
      const lead = inf ? `${inf}, so its` : "its";
      return `${label}: ${lead} ${ev.param} ${shapeText(before)} became ${shapeText(ev.shape)}${how}.`;
    }
    case "init": {
      const i = n.params.findIndex((q) => q.name === ev.param);
      const shape = i >= 0 && frame ? frame.params[i] : null;
      const fill = typeof ev.fill === "string" && ev.fill ? ` (as a ${ev.param}, it gets ${ev.fill})` : "";
      return `init ${qualifiedName(n.path, ev.param)} ${shapeText(shape)} with ${ev.init}${fill}: the deferred initializer fills it the moment its shape is known.`;
    }
    case "exit": {
      const out = shapesText(ev.shapes ?? n.output_shapes);
      if (s.parentOf.get(n.id) == null && n.kind === "module") {
        const tail =
          ctx.counts.pending === 0
            ? `every parameter shape is now known (${groupDigits(ctx.counts.known)} parameters).`
            : `${plural(ctx.counts.pending, "parameter tensor")} the batch never reached ${ctx.counts.pending === 1 ? "is" : "are"} still unknown.`;
        return `Done: ${n.type} returned ${out}; ${tail}`;
      }
      if (isContainer(s, n.id)) return `${label} is done and returns ${out}.`;
      return `${label} returned ${out}.`;
    }
    case "error": {
      return (
        `${label} failed with ${ev.type}: ${ev.message.trim().replace(/\.$/, "")}.${ev.hint ? ` ${ev.hint}` : ""} ` +
        "Everything before it resolved; the layers after it never ran."
      );
    }
  }
}
