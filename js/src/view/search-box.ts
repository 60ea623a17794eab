// The "find a layer" box: type part of a name, path or type, pick a match
// with the arrow keys and Enter (or a click); the app reveals the node
// (opening the groups and folded runs around it), selects it and scrolls to
// it. Reached with Tab or the "/" key; Escape closes the list. Model text
// reaches the list through textContent only.

import type { Match } from "../search";
import { clear, html } from "./dom";

let serial = 0;

export class SearchBox {
  readonly el: HTMLDivElement;
  readonly input: HTMLInputElement;
  private readonly list: HTMLUListElement;
  private matches: Match[] = [];
  private current = 0;
  private readonly prefix = `lv-find-${++serial}`;

  /**
   * `find(query)`: the matches to list; `pick(id)`: the reader chose this
   * node. The list lives in `popupHost` (the widget's root), so the header's
   * overflow does not clip it.
   */
  constructor(parent: HTMLElement, popupHost: HTMLElement, find: (query: string) => Match[], pick: (id: string) => void) {
    this.el = html("div", { class: "lv-find" }, parent);
    this.input = html(
      "input",
      {
        type: "search",
        class: "lv-find-input",
        placeholder: "Find layer…",
        "aria-label": "Find a layer by name, path or type (press / to focus)",
        role: "combobox",
        "aria-expanded": "false",
        "aria-autocomplete": "list",
        "aria-controls": `${this.prefix}-list`,
        autocomplete: "off",
        spellcheck: "false",
        // JupyterLab: typing here must not trigger notebook shortcuts.
        "data-lm-suppress-shortcuts": "true",
      },
      this.el,
    );
    this.list = html("ul", { class: "lv-find-list", role: "listbox", id: `${this.prefix}-list` }, popupHost);
    this.list.hidden = true;
    const choose = (i: number): void => {
      const m = this.matches[i];
      if (!m) return;
      this.close();
      pick(m.id);
    };
    this.input.addEventListener("input", () => {
      this.matches = find(this.input.value);
      this.current = 0;
      this.render();
    });
    this.input.addEventListener("keydown", (e) => {
      let handled = true;
      if (e.key === "ArrowDown") this.move(1);
      else if (e.key === "ArrowUp") this.move(-1);
      else if (e.key === "Enter") {
        if (this.list.hidden) this.matches = find(this.input.value);
        choose(this.current);
      } else if (e.key === "Escape") {
        if (this.list.hidden) this.input.blur();
        this.close();
      } else handled = false;
      if (handled) e.preventDefault();
      // Keys typed here are the search's, never the widget's or the notebook's shortcuts.
      e.stopPropagation();
    });
    // mousedown, not click: the input keeps focus until the choice is made.
    this.list.addEventListener("mousedown", (e) => {
      e.preventDefault();
      const li = (e.target as Element | null)?.closest?.("li[data-index]");
      if (li) choose(Number(li.getAttribute("data-index")));
    });
    this.input.addEventListener("blur", () => this.close());
  }

  focus(): void {
    this.input.focus();
    this.input.select();
  }

  private move(d: number): void {
    if (this.list.hidden || !this.matches.length) return;
    this.current = (this.current + d + this.matches.length) % this.matches.length;
    this.mark();
  }

  private render(): void {
    clear(this.list);
    const open = this.input.value.trim() !== "";
    this.matches.forEach((m, i) => {
      html("li", { role: "option", id: `${this.prefix}-${i}`, "data-index": i, "data-id": m.id }, this.list, m.label);
    });
    if (open && !this.matches.length) html("li", { class: "lv-find-none", "aria-disabled": "true" }, this.list, "no match");
    this.list.hidden = !open;
    if (open) this.place();
    this.input.setAttribute("aria-expanded", String(open));
    this.mark();
  }

  /** Just under the input, right-aligned with it, in the root's coordinates. */
  private place(): void {
    const host = this.list.offsetParent as HTMLElement | null;
    if (!host) return;
    const a = this.input.getBoundingClientRect();
    const h = host.getBoundingClientRect();
    this.list.style.top = `${Math.round(a.bottom - h.top + 2)}px`;
    this.list.style.right = `${Math.max(4, Math.round(h.right - a.right))}px`;
  }

  private mark(): void {
    [...this.list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === this.current && this.matches.length > 0)));
    const li = this.list.children[this.current];
    if (li && this.matches.length) {
      this.input.setAttribute("aria-activedescendant", li.id);
      // By hand: scrollIntoView would scroll the notebook or page around the widget too.
      const el = li as HTMLElement;
      if (el.offsetTop < this.list.scrollTop) this.list.scrollTop = el.offsetTop;
      else if (el.offsetTop + el.offsetHeight > this.list.scrollTop + this.list.clientHeight) {
        this.list.scrollTop = el.offsetTop + el.offsetHeight - this.list.clientHeight;
      }
    } else this.input.removeAttribute("aria-activedescendant");
  }

  private close(): void {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
  }
}
