// The host's theme, read from what the host actually paints, for both widgets.
//
// Notebook front ends disagree on how they announce a theme: JupyterLab and
// Notebook 7 define `--jp-*`, VS Code `--vscode-*`, Colab `--colab-*`, marimo
// none of these (and draws widgets in a shadow DOM). What they all do is paint
// a background behind the output, so that is read first; the variables and
// `prefers-color-scheme` only decide when nothing opaque is painted. The
// palette is then written as inline `--lv-*` variables on the widget's own
// root (never on the host page), derived from that one background and text
// colour so secondary text keeps its contrast whatever the host defines.

type RGBA = [number, number, number, number];

export interface HostTheme {
  dark: boolean;
  /** Where the background came from: "painted", "jp", "vscode", "colab" or "scheme". */
  source: string;
  vars: Record<string, string>;
}

// ---- colours ----

let probe: CanvasRenderingContext2D | null = null;

/** Any CSS colour as RGBA 0-255 (alpha 0-1), or null if it is not one. */
export function parseColor(text: string): RGBA | null {
  const s = text.trim();
  if (!s || s === "transparent" || s.includes("var(")) return null;
  const m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+)(%?))?\s*\)$/.exec(s);
  if (m) {
    const a = m[4] === undefined ? 1 : Number(m[4]) / (m[5] ? 100 : 1);
    return [Number(m[1]), Number(m[2]), Number(m[3]), a];
  }
  // Anything else (hex, names, hsl, oklch...): let the browser paint one pixel.
  probe ??= document.createElement("canvas").getContext("2d", { willReadFrequently: true });
  if (!probe) return null;
  probe.clearRect(0, 0, 1, 1);
  probe.fillStyle = "rgba(0, 0, 0, 0)";
  probe.fillStyle = s;
  if (probe.fillStyle === "rgba(0, 0, 0, 0)") return null; // not a colour (or fully transparent)
  probe.fillRect(0, 0, 1, 1);
  const [r = 0, g = 0, b = 0, a = 0] = probe.getImageData(0, 0, 1, 1).data;
  return [r, g, b, a / 255];
}

/** `top` painted over `under` (what the eye sees through a translucent layer). */
function over(top: RGBA, under: RGBA): RGBA {
  return mix(top, under, top[3]);
}

/** `a` mixed with `b`: `t` of a, the rest b (opaque). */
function mix(a: RGBA, b: RGBA, t: number): RGBA {
  const m = (x: number, y: number): number => x * t + y * (1 - t);
  return [m(a[0], b[0]), m(a[1], b[1]), m(a[2], b[2]), 1];
}

function luminance(c: RGBA): number {
  const linear = (v: number): number => {
    const x = v / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(c[0]) + 0.7152 * linear(c[1]) + 0.0722 * linear(c[2]);
}

/** WCAG contrast ratio of two opaque colours (1 to 21). */
export function contrast(a: RGBA, b: RGBA): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function css(c: RGBA): string {
  return `rgb(${c.slice(0, 3).map((v) => Math.round(v)).join(", ")})`;
}

/** The most muted mix of fg into bg (never past `most` of fg) that keeps `ratio` contrast. */
function muted(fg: RGBA, bg: RGBA, most: number, ratio: number): RGBA {
  for (let t = most; t < 1; t += 0.02) {
    const c = mix(fg, bg, t).map(Math.round) as RGBA; // checked as it will be written
    if (contrast(c, bg) >= ratio) return c;
  }
  return fg;
}

// ---- reading the host ----

/** The element's parent, crossing a shadow root to its host (marimo). */
function parentOf(el: Element): Element | null {
  if (el.parentElement) return el.parentElement;
  const root = el.parentNode;
  return root instanceof ShadowRoot ? root.host : null;
}

/** The background painted behind `el`: its ancestors' layers down to the first opaque one. */
function paintedBehind(el: Element): RGBA | null {
  const layers: RGBA[] = [];
  for (let node = parentOf(el); node; node = parentOf(node)) {
    const c = parseColor(getComputedStyle(node).backgroundColor);
    if (!c || c[3] === 0) continue;
    layers.push(c);
    if (c[3] >= 0.999) return layers.reduceRight((under, top) => over(top, under));
  }
  return null; // only translucent layers (or none): not enough to decide on
}

const VARIABLES: [string, string, string][] = [
  ["jp", "--jp-layout-color0", "--jp-ui-font-color1"],
  ["vscode", "--vscode-editor-background", "--vscode-editor-foreground"],
  ["colab", "--colab-primary-surface-color", "--colab-primary-text-color"],
];

const LIGHT: [RGBA, RGBA] = [[255, 255, 255, 1], [33, 33, 33, 1]];
const DARK: [RGBA, RGBA] = [[30, 30, 30, 1], [224, 224, 224, 1]];

/** Read the host's theme around `root` (the widget's own root element). */
export function readHostTheme(root: HTMLElement): HostTheme {
  const style = getComputedStyle(root.parentElement ?? root);
  const variable = (name: string): RGBA | null => {
    const c = parseColor(style.getPropertyValue(name));
    return c && c[3] > 0 ? c : null;
  };
  let bg = paintedBehind(root);
  let source = "painted";
  if (!bg) {
    for (const [name, bgVar] of VARIABLES) {
      const c = variable(bgVar);
      if (c) {
        [bg, source] = [over(c, c[3] < 1 ? LIGHT[0] : c), name];
        break;
      }
    }
  }
  const schemeDark = window.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false;
  if (!bg) [bg, source] = [(schemeDark ? DARK : LIGHT)[0], "scheme"];
  // Dark when white text would contrast more than black (luminance below ~0.18).
  const dark = contrast(bg, [255, 255, 255, 1]) > contrast(bg, [0, 0, 0, 1]);

  // Text: what the host writes at the widget's place, then the variables, as
  // long as it reads on this background; else a plain one for the scheme.
  const candidates = [parseColor(style.color), ...VARIABLES.map(([, , fgVar]) => variable(fgVar))];
  let fg = (dark ? DARK : LIGHT)[1];
  for (const c of candidates) {
    if (!c || c[3] === 0) continue;
    const seen = over(c, bg);
    if (contrast(seen, bg) >= 4.5) {
      fg = seen;
      break;
    }
  }
  const vars: Record<string, string> = {
    "--lv-bg": css(bg),
    "--lv-bg-1": css(mix(fg, bg, 0.04)),
    "--lv-bg-2": css(mix(fg, bg, 0.12)),
    "--lv-fg": css(fg),
    "--lv-fg-2": css(muted(fg, bg, 0.6, 4.5)),
    "--lv-fg-3": css(muted(fg, bg, 0.4, 3)),
    "--lv-border": css(mix(fg, bg, 0.3)),
    "--lv-border-2": css(mix(fg, bg, 0.15)),
    "--lv-error": dark ? "#ef6b6b" : "#c62828",
  };
  return { dark, source, vars };
}

// ---- following it ----

/**
 * Theme the widget root found by `find` now and whenever the host may have
 * switched: attributes on <html>/<body> (JupyterLab's `data-jp-theme-*`, VS
 * Code's body class and <html> style, marimo's class) and the reader's
 * light/dark preference. A theme's stylesheet can land after its attribute,
 * so a switch is re-read a few times over the next seconds. `changed` runs
 * after each new palette (the inits widget redraws its plotly charts then).
 * Returns the unsubscriber.
 */
export function followHostTheme(find: () => HTMLElement | null, changed?: () => void): () => void {
  let last = "";
  const apply = (): void => {
    const root = find();
    if (!root || !root.isConnected) return;
    const theme = readHostTheme(root);
    const key = JSON.stringify(theme);
    if (key === last) return;
    const first = last === "";
    last = key;
    for (const [name, value] of Object.entries(theme.vars)) root.style.setProperty(name, value);
    root.style.colorScheme = theme.dark ? "dark" : "light"; // native controls and scrollbars
    root.dataset.lvTheme = theme.dark ? "dark" : "light";
    root.dataset.lvThemeSource = theme.source;
    if (!first) changed?.(); // the widget's first draw already reads this palette
  };
  const timers: number[] = [];
  const soon = (): void => {
    for (const t of timers.splice(0)) clearTimeout(t);
    requestAnimationFrame(apply);
    for (const ms of [150, 600, 2000]) timers.push(window.setTimeout(apply, ms));
  };
  const observer = new MutationObserver(soon);
  const attributeFilter = ["class", "style", "data-theme", "data-jp-theme-light", "data-jp-theme-name"];
  for (const node of [document.documentElement, document.body]) {
    if (node) observer.observe(node, { attributes: true, attributeFilter });
  }
  // JupyterLab swaps its theme <link> in <head>; VS Code rewrites a <style> there.
  if (document.head) observer.observe(document.head, { childList: true });
  const query = window.matchMedia?.("(prefers-color-scheme: dark)");
  query?.addEventListener?.("change", soon);
  apply();
  requestAnimationFrame(apply); // once the widget is in the page, if it was not yet
  return () => {
    observer.disconnect();
    query?.removeEventListener?.("change", soon);
    for (const t of timers.splice(0)) clearTimeout(t);
  };
}
