// The transport bar (jump, step, play/pause, scrub, speed) and the caption.
// It only reports what the reader asked for; the app decides what happens.

import { clear, html, svg } from "./dom";

/** Button icons as SVG paths (glyphs like ⏮ are missing from many fonts). */
const ICONS: Record<string, string> = {
  start: "M3 2h2v10H3zM12 2v10L5.5 7z",
  back: "M11 2v10L4 7z",
  play: "M4 2v10l8-5z",
  pause: "M3.5 2h2.5v10H3.5zM8 2h2.5v10H8z",
  forward: "M3 2v10l7-5zM10.5 2h2v10h-2z",
  end: "M2 2v10l6.5-5zM9 2h2v10H9z",
};

function icon(button: HTMLButtonElement, name: string): void {
  clear(button);
  const s = svg("svg", { width: 14, height: 14, viewBox: "0 0 14 14", "aria-hidden": "true" }, button);
  svg("path", { d: ICONS[name] }, s);
}

/** The speeds the menu offers; `speed` (a float trait) may hold any other positive value. */
export const SPEEDS = [0.25, 0.5, 1, 2, 4, 8];

/**
 * How a speed reads: `8x`, `0.5x`, `1.5x`, `0.33x` (at most two decimals,
 * no trailing zeros). Zero, negative or not a number plays at 1x (app.ts),
 * so it reads `1x`.
 */
export function speedLabel(x: number): string {
  const v = Number.isFinite(x) && x > 0 ? x : 1;
  const r = Math.round(v * 100) / 100;
  return `${r > 0 ? String(r) : v.toPrecision(1)}x`;
}

export interface ControlHandlers {
  seek(k: number): void;
  step(delta: number): void;
  togglePlay(): void;
  speed(x: number): void;
}

export class Controls {
  readonly bar: HTMLDivElement;
  readonly caption: HTMLDivElement;
  private readonly play: HTMLButtonElement;
  private readonly slider: HTMLInputElement;
  private readonly counter: HTMLSpanElement;
  private readonly speedSel: HTMLSelectElement;
  private readonly custom: HTMLOptionElement;
  private readonly buttons: HTMLButtonElement[] = [];

  constructor(parent: HTMLElement, h: ControlHandlers) {
    this.bar = html("div", { class: "lv-controls" }, parent);
    const btn = (name: string, title: string, fn: () => void, cls = ""): HTMLButtonElement => {
      const b = html("button", { type: "button", class: `lv-btn lv-icon ${cls}`, title, "aria-label": title }, this.bar);
      icon(b, name);
      b.addEventListener("click", fn);
      this.buttons.push(b);
      return b;
    };
    btn("start", "Jump to start (Home)", () => h.seek(0));
    btn("back", "Step back (←)", () => h.step(-1));
    this.play = btn("play", "Play (space)", () => h.togglePlay(), "lv-play");
    btn("forward", "Step forward (→)", () => h.step(1));
    btn("end", "Jump to end (End)", () => h.seek(Number.MAX_SAFE_INTEGER));
    this.slider = html("input", { type: "range", class: "lv-slider", min: 0, max: 0, step: 1, value: 0, "aria-label": "Animation position" }, this.bar);
    this.slider.addEventListener("input", () => h.seek(Number(this.slider.value)));
    this.counter = html("span", { class: "lv-counter" }, this.bar, "0 / 0");
    const lab = html("label", { class: "lv-speed" }, this.bar, "speed ");
    this.speedSel = html("select", { "aria-label": "Speed" }, lab);
    for (const s of SPEEDS) html("option", { value: String(s) }, this.speedSel, speedLabel(s));
    // A speed set from Python that the menu does not list (3, 0.1) gets an option of its own.
    this.custom = html("option", { value: "", class: "lv-custom" }, this.speedSel);
    this.custom.hidden = true;
    this.speedSel.addEventListener("change", () => h.speed(Number(this.speedSel.value)));
    this.caption = html("div", { class: "lv-caption", "aria-live": "polite" }, parent);
  }

  update(step: number, steps: number, playing: boolean, speed: number, caption: string): void {
    this.slider.max = String(steps);
    if (this.slider.value !== String(step)) this.slider.value = String(step);
    this.counter.textContent = `${step} / ${steps}`;
    if (this.play.dataset.icon !== (playing ? "pause" : "play")) {
      icon(this.play, playing ? "pause" : "play");
      this.play.dataset.icon = playing ? "pause" : "play";
    }
    this.play.title = playing ? "Pause (space)" : "Play (space)";
    this.play.setAttribute("aria-label", this.play.title);
    this.play.classList.toggle("lv-on", playing);
    this.showSpeed(speed);
    // Polite, but silent while playing: 4+ captions a second would drown a screen reader.
    // Pausing or stepping makes it speak the step it is at.
    this.caption.setAttribute("aria-live", playing ? "off" : "polite");
    if (this.caption.textContent !== caption) this.caption.textContent = caption;
    const idle = steps === 0;
    for (const b of this.buttons) b.disabled = idle;
    this.slider.disabled = idle;
    this.bar.classList.toggle("lv-static", idle);
  }

  private showSpeed(speed: number): void {
    const v = Number.isFinite(speed) && speed > 0 ? speed : 1;
    const listed = SPEEDS.find((s) => Math.abs(s - v) < 1e-9);
    const value = listed !== undefined ? String(listed) : String(v);
    if (listed === undefined && this.custom.value !== value) {
      this.custom.value = value;
      this.custom.textContent = speedLabel(v);
    }
    this.custom.hidden = listed !== undefined;
    if (this.speedSel.value !== value) this.speedSel.value = value;
  }
}
