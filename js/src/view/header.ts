// The one-line header: model name, running parameter count, input shapes,
// and the run picker once `feed` has added batches.

import type { Trace } from "../model";
import { groupDigits, shapesText } from "../format";
import type { Counts } from "../timeline";
import { clear, html } from "./dom";

export function countText(c: Counts): string {
  const known = `params ${groupDigits(c.known)}`;
  if (c.pending === 0) return known;
  return `${known} known + ? pending (${c.pending} tensor${c.pending === 1 ? "" : "s"})`;
}

export function runLabel(t: Trace, i: number): string {
  const ins = t.inputs.map((x) => shapesText([x.shape])).join(", ");
  const what = t.events.length === 0 ? "structure" : `in ${ins || "?"}`;
  return `run ${i + 1}: ${what}${t.error ? " · error" : ""}`;
}

export class Header {
  readonly el: HTMLDivElement;
  private readonly name: HTMLSpanElement;
  private readonly counts: HTMLSpanElement;
  private readonly inputs: HTMLSpanElement;
  private readonly runs: HTMLSelectElement;

  constructor(parent: HTMLElement, onRun: (i: number) => void) {
    this.el = html("div", { class: "lv-header" }, parent);
    this.name = html("span", { class: "lv-model" }, this.el);
    this.counts = html("span", { class: "lv-counts" }, this.el);
    this.inputs = html("span", { class: "lv-inputs" }, this.el);
    html("span", { class: "lv-spacer" }, this.el);
    this.runs = html("select", { class: "lv-runs", "aria-label": "Run" }, this.el);
    this.runs.addEventListener("change", () => onRun(Number(this.runs.value)));
  }

  setRuns(runs: Trace[], index: number, trace: Trace): void {
    this.name.textContent = trace.model || "model";
    const ins = trace.inputs.map((x) => shapesText([x.shape]));
    this.inputs.textContent = ins.length ? `in ${ins.join(", ")}` : "no batch yet";
    clear(this.runs);
    runs.forEach((t, i) => html("option", { value: String(i) }, this.runs, runLabel(t, i)));
    this.runs.value = String(index);
    this.runs.hidden = runs.length < 2;
  }

  setCounts(c: Counts): void {
    const text = countText(c);
    if (this.counts.textContent !== text) this.counts.textContent = text;
    this.counts.classList.toggle("lv-pending", c.pending > 0);
  }
}
