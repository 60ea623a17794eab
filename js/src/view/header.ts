// The one-line header: model name, running parameter count, input shapes,
// how many forwards produced the run on screen (watch), and the run picker
// once `feed` or a watched model has added entries.

import type { Trace } from "../model";
import { groupDigits, shapesText } from "../format";
import { forwardsAt, forwardsText } from "../history";
import type { Counts } from "../frames";
import { clear, html } from "./dom";

export function countText(c: Counts): string {
  const known = `params ${groupDigits(c.known)}`;
  if (c.pending === 0) return known;
  return `${known} known + ? pending (${c.pending} tensor${c.pending === 1 ? "" : "s"})`;
}

export function runLabel(t: Trace, i: number, forwards = 1): string {
  // Entries are raw trait data (not normalized): tolerate a record missing a list.
  const ins = (t.inputs ?? []).map((x) => shapesText([x.shape])).join(", ");
  const what = (t.events ?? []).length === 0 ? "structure" : `in ${ins || "?"}`;
  const count = forwards > 1 ? ` · ${forwardsText(forwards)} with these shapes` : "";
  return `run ${i + 1}: ${what}${t.error ? " · error" : ""}${count}`;
}

export class Header {
  readonly el: HTMLDivElement;
  private readonly name: HTMLSpanElement;
  private readonly counts: HTMLSpanElement;
  private readonly inputs: HTMLSpanElement;
  private readonly forwards: HTMLSpanElement;
  private readonly note: HTMLSpanElement;
  private readonly runs: HTMLSelectElement;
  /** Room for the widget's own tools (the search box), right of the text, left of the run picker. */
  readonly tools: HTMLSpanElement;
  private entries: readonly Trace[] = [];
  private index = 0;

  constructor(parent: HTMLElement, onRun: (i: number) => void) {
    this.el = html("div", { class: "lv-header" }, parent);
    this.name = html("span", { class: "lv-model" }, this.el);
    this.counts = html("span", { class: "lv-counts" }, this.el);
    this.inputs = html("span", { class: "lv-inputs" }, this.el);
    this.forwards = html("span", { class: "lv-forwards" }, this.el);
    this.note = html("span", { class: "lv-note", role: "note" }, this.el);
    this.note.hidden = true;
    html("span", { class: "lv-spacer" }, this.el);
    this.tools = html("span", { class: "lv-tools" }, this.el);
    this.runs = html("select", { class: "lv-runs", "aria-label": "Run" }, this.el);
    this.runs.addEventListener("change", () => onRun(Number(this.runs.value)));
  }

  setRuns(runs: readonly Trace[], index: number, trace: Trace, forwards: unknown): void {
    this.name.textContent = trace.model || "model";
    const ins = trace.inputs.map((x) => shapesText([x.shape]));
    this.inputs.textContent = ins.length ? `in ${ins.join(", ")}` : "no batch yet";
    this.entries = runs;
    this.index = index;
    clear(this.runs);
    runs.forEach((_, i) => html("option", { value: String(i) }, this.runs));
    this.setForwards(forwards);
    this.runs.value = String(index);
    this.runs.hidden = runs.length < 2;
  }

  /** New counts only: the labels change in place (an open picker stays open, nothing is redrawn). */
  setForwards(forwards: unknown): void {
    const options = this.runs.options;
    this.entries.forEach((t, i) => {
      const o = options[i];
      const text = runLabel(t, i, forwardsAt(forwards, i));
      if (o && o.textContent !== text) o.textContent = text;
    });
    const text = this.entries.length ? forwardsText(forwardsAt(forwards, this.index)) : "";
    if (this.forwards.textContent !== text) this.forwards.textContent = text;
    this.forwards.hidden = text === "";
  }

  /** What the widget cannot show (a compiled model): a short badge, the sentence on hover. */
  setNote(text: string): void {
    this.note.hidden = text === "";
    this.note.textContent = text === "" ? "" : `ⓘ ${text.split(":")[0]}`;
    this.note.title = text;
    this.note.setAttribute("aria-label", text);
  }

  setCounts(c: Counts): void {
    const text = countText(c);
    if (this.counts.textContent !== text) this.counts.textContent = text;
    this.counts.classList.toggle("lv-pending", c.pending > 0);
  }
}
