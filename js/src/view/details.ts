// The details panel: everything about the clicked node at the current step
// (type, path, parameter shapes before -> now, input/output shapes, calls,
// the error). With nothing selected it shows how to read the picture.

import type { TraceNode } from "../model";
import { shapeSegments, shapesText } from "../format";
import { nodeLabel } from "../narrate";
import { descendants, isContainer, type Structure } from "../structure";
import type { NodeFrame } from "../frames";
import { clear, html, setSegmentsHtml } from "./dom";
import { drawHistogramPanel, type HistogramPanel } from "./histogram";

export interface DetailsHandlers {
  toggle(id: string): void;
  close(): void;
}

export class Details {
  readonly el: HTMLDivElement;

  constructor(parent: HTMLElement, private readonly h: DetailsHandlers) {
    this.el = html("div", { class: "lv-details" }, parent);
  }

  /** `framework`: the record's framework name, whose messages a failed node shows. */
  showLegend(animated: boolean, framework?: string): void {
    clear(this.el);
    this.el.classList.add("lv-empty");
    html("div", { class: "lv-d-title" }, this.el, "How to read this");
    const items: Array<[string, string]> = [
      ["unresolved", "shape not known yet: ? in italics"],
      ["resolved", "shape known, coloured by family"],
      ["active", "the module the batch is in now"],
      ["error", `failed: ${framework ?? "the framework"}'s message`],
    ];
    const ul = html("ul", { class: "lv-legend" }, this.el);
    for (const [k, text] of items) {
      const li = html("li", {}, ul);
      html("span", { class: `lv-swatch lv-sw-${k}` }, li);
      li.appendChild(document.createTextNode(text));
    }
    const fams = html("div", { class: "lv-families" }, this.el);
    for (const f of ["linear", "conv", "norm", "activation", "pool", "op"]) {
      html("span", { class: "lv-fam", "data-family": f }, fams, f);
    }
    html(
      "p",
      { class: "lv-hint" },
      this.el,
      animated
        ? "Click a node for its shapes. Space plays, ← → step. Drag to pan, ctrl + wheel to zoom; click a group's title to fold it."
        : "Click a node for its shapes. Drag to pan, ctrl + wheel to zoom; click a group's title to fold it.",
    );
  }

  show(s: Structure, n: TraceNode, f: NodeFrame | undefined, collapsed: boolean, hist: HistogramPanel): void {
    clear(this.el);
    this.el.classList.remove("lv-empty");
    const top = html("div", { class: "lv-d-head" }, this.el);
    html("div", { class: "lv-d-title" }, top, n.type);
    const close = html("button", { type: "button", class: "lv-btn lv-close", title: "Close", "aria-label": "Close details" }, top, "×");
    close.addEventListener("click", () => this.h.close());
    const sub = html("div", { class: "lv-d-sub" }, this.el);
    html("code", {}, sub, n.kind === "input" || n.kind === "output" ? nodeLabel(n) : n.path === "" ? "(root)" : n.path);
    if (f) html("span", { class: "lv-badge", "data-state": f.state }, sub, f.visit === "open" ? "running" : f.state);

    if (isContainer(s, n.id)) {
      const inside = descendants(s, n.id).filter((d) => !isContainer(s, d) && s.byId.get(d)?.kind === "module").length;
      const row = html("div", { class: "lv-d-row" }, this.el);
      row.appendChild(document.createTextNode(`${inside} module${inside === 1 ? "" : "s"} inside `));
      const b = html("button", { type: "button", class: "lv-btn lv-small" }, row, collapsed ? "expand" : "collapse");
      b.addEventListener("click", () => this.h.toggle(n.id));
    }

    if (n.params.length) {
      html("div", { class: "lv-d-section" }, this.el, "parameters");
      const table = html("table", { class: "lv-params" }, this.el);
      const head = html("tr", {}, table);
      for (const c of ["", "before", "now"]) html("th", {}, head, c);
      n.params.forEach((p, i) => {
        const tr = html("tr", {}, table);
        html("td", { class: "lv-pname" }, tr, p.name);
        setSegmentsHtml(html("td", {}, tr), shapeSegments(p.shape_before));
        const now = html("td", {}, tr);
        setSegmentsHtml(now, shapeSegments(f ? f.params[i] : p.shape));
        const init = f?.inits[i];
        if (init) html("div", { class: "lv-init" }, now, `init: ${init}`);
        if (p.shared_with) html("div", { class: "lv-init" }, now, `tied to ${p.shared_with}`);
      });
    }

    const io = html("dl", { class: "lv-io-list" }, this.el);
    const row = (k: string, v: string): void => {
      html("dt", {}, io, k);
      html("dd", {}, io, v);
    };
    if (n.kind !== "input") row("in", f?.inShapes ? shapesText([...f.inShapes]) : "not reached yet");
    if (n.kind !== "output") row("out", f?.outShapes ? shapesText([...f.outShapes]) : "not reached yet");
    if (n.kind === "module" || n.kind === "op") row("calls", String(n.calls));

    const err = f?.error ?? null;
    if (err) html("div", { class: "lv-d-error" }, this.el, err);
    if (err && n.error?.hint) html("div", { class: "lv-d-hint" }, this.el, n.error.hint);
    drawHistogramPanel(this.el, hist);
  }
}
