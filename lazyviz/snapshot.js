// Injected by lazyviz/pictures.py into an offline page (lazyviz/export.py)
// before the page's own scripts run. The widget draws itself with its own
// code; this only tells Python when the drawing is final and turns what is
// on screen into a standalone SVG document. It defines
// `window.__lazyvizPictures` and changes nothing the widget does.
(() => {
  "use strict";

  // ---- when is the picture final? ----------------------------------------
  // A branching graph is painted with a quick layout first and ELK's layout
  // is swapped in when its worker answers (js/src/layout/plan.ts). The
  // drawing says which one it is (`data-layout="quick"|"final"` on
  // `.lv-content`); the ELK worker's traffic is watched too, so a refinement
  // that fails (the quick layout then stays) does not stall a picture, and
  // so a widget that does not say still works: ELK's code is gunzipped (a
  // DecompressionStream) on the same tick a refinement is asked for, so "no
  // inflate by the time the page is ready" means none is coming, and "as
  // many answers as requests" means it has arrived.
  const watch = { inflate: 0, workers: 0, sent: 0, replies: 0, failed: 0, swaps: 0 };
  const DS = window.DecompressionStream;
  if (typeof DS === "function") {
    window.DecompressionStream = class extends DS {
      constructor(...args) {
        super(...args);
        watch.inflate++;
      }
    };
  }
  const W = window.Worker;
  if (typeof W === "function") {
    window.Worker = class extends W {
      constructor(...args) {
        super(...args);
        watch.workers++;
        this.addEventListener("message", (e) => {
          if (e.data && e.data.id !== undefined) watch.replies++;
        });
        this.addEventListener("error", () => watch.failed++);
      }
      postMessage(...args) {
        if (args[0] && args[0].id !== undefined) watch.sent++;
        return super.postMessage(...args);
      }
    };
  }
  const swaps = new MutationObserver((records) => {
    for (const r of records) {
      for (const n of r.addedNodes) if (n.classList && n.classList.contains("lv-content")) watch.swaps++;
    }
  });
  swaps.observe(document, { childList: true, subtree: true });

  // A picture shows the view at rest. Motion in the widget is timed by the
  // timestamps requestAnimationFrame hands its callbacks (the view gliding
  // to follow the batch, the travelling dots): handing them a time far
  // ahead makes every such motion land on its last frame at once, instead
  // of a quarter of a second per step of a GIF.
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf((now) => cb(now + 60_000));

  const frame = () => new Promise((resolve) => raf(() => resolve()));
  const widgetRoot = () => document.querySelector(".lazyviz");

  function layoutFinal() {
    const answered = watch.failed > 0 || (watch.sent > 0 && watch.replies >= watch.sent);
    const said = widgetRoot()?.querySelector(".lv-content")?.getAttribute("data-layout");
    if (said) return said === "final" || answered;
    return watch.inflate === 0 || watch.swaps >= 2 || answered;
  }

  /** Resolves once the final layout is drawn (or after timeoutMs: then the quick one is shown). */
  async function layoutDone(timeoutMs) {
    const t0 = performance.now();
    await frame();
    while (!layoutFinal() && performance.now() - t0 < timeoutMs) await frame();
    swaps.disconnect();
    return layoutFinal();
  }

  /** Resolves when the view has stopped moving: the same pan/zoom two frames running, no travelling dot. */
  async function settle(timeoutMs) {
    const root = widgetRoot();
    const t0 = performance.now();
    let last = null;
    let calm = 0;
    while (performance.now() - t0 < timeoutMs) {
      await frame();
      const view = root.querySelector(".lv-viewport")?.getAttribute("transform") ?? "";
      const busy =
        root.querySelector(".lv-dot") !== null ||
        document.getAnimations().some((a) => a.playState === "running");
      if (!busy && view === last) {
        if (++calm >= 1) return true;
      } else calm = 0;
      last = view;
    }
    return false;
  }

  /** Moves the widget to step k as Python's `w.step = k` would, and waits until it is drawn. */
  async function showStep(k, timeoutMs) {
    const root = widgetRoot();
    window.lazyvizModel.set("step", k);
    const t0 = performance.now();
    while (root.dataset.step !== String(k)) {
      if (performance.now() - t0 > timeoutMs) {
        throw new Error(`the widget did not reach step ${k} (it shows ${root.dataset.step})`);
      }
      await frame();
    }
    return settle(timeoutMs);
  }

  // ---- colours -----------------------------------------------------------
  // Computed colours come as rgb(), rgba() or, for color-mix(), color(srgb
  // r g b / a): the last is not SVG 1.1, so every colour is written as an
  // opaque #rrggbb plus an opacity, which any SVG reader understands.
  const probe = document.createElement("canvas").getContext("2d", { willReadFrequently: true });
  const colourCache = new Map();

  function rgba(text) {
    if (!text || text === "none" || text.startsWith("url(")) return null;
    let hit = colourCache.get(text);
    if (hit !== undefined) return hit;
    let m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(text);
    let r, g, b, a;
    if (m) {
      [r, g, b] = [m[1], m[2], m[3]].map(Number);
      a = alpha(m[4]);
    } else if ((m = /^color\(srgb\s+([-\d.e]+)\s+([-\d.e]+)\s+([-\d.e]+)(?:\s*\/\s*([\d.]+%?))?\s*\)$/.exec(text))) {
      [r, g, b] = [m[1], m[2], m[3]].map((v) => Math.min(1, Math.max(0, Number(v))) * 255);
      a = alpha(m[4]);
    } else {
      // Any other syntax (oklab(), a named colour): let the canvas draw it and read the pixel.
      probe.clearRect(0, 0, 1, 1);
      probe.fillStyle = "#000";
      probe.fillStyle = text;
      probe.fillRect(0, 0, 1, 1);
      const d = probe.getImageData(0, 0, 1, 1).data;
      [r, g, b, a] = [d[0], d[1], d[2], d[3] / 255];
    }
    const hex = "#" + [r, g, b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
    hit = { hex, a: Math.round(a * 1000) / 1000 };
    colourCache.set(text, hit);
    return hit;
  }

  function alpha(v) {
    if (v === undefined) return 1;
    return v.endsWith("%") ? Number(v.slice(0, -1)) / 100 : Number(v);
  }

  // ---- computed style -> presentation attributes ------------------------
  const INHERITED = [
    "fill", "fill-opacity", "stroke", "stroke-opacity", "stroke-width", "stroke-dasharray",
    "stroke-linejoin", "stroke-linecap", "font-family", "font-size", "font-weight", "font-style",
    "text-anchor", "dominant-baseline", "paint-order", "visibility",
  ];
  const INITIAL = {
    fill: "#000000", "fill-opacity": "1", stroke: "none", "stroke-opacity": "1",
    "stroke-width": "1", "stroke-dasharray": "none", "stroke-linejoin": "miter",
    "stroke-linecap": "butt", "font-weight": "400", "font-style": "normal",
    "text-anchor": "start", "dominant-baseline": "auto", "paint-order": "normal",
    visibility: "visible", opacity: "1", filter: "none",
  };
  // Never rendered, and display:none in the UA sheet: kept as they are.
  const KEEP = new Set(["title", "desc", "defs", "marker", "clipPath", "linearGradient", "radialGradient", "stop", "pattern", "mask", "symbol"]);

  const num = (v) => String(Math.round(parseFloat(v) * 1000) / 1000);
  const px = (v) => (/^-?[\d.]+px$/.test(v) ? num(v) : v);

  /** The values a standalone reader would need to draw `el` as the page does. */
  function effective(cs) {
    const out = {};
    for (const [paint, op] of [["fill", "fill-opacity"], ["stroke", "stroke-opacity"]]) {
      const v = cs.getPropertyValue(paint);
      const c = rgba(v);
      const o = parseFloat(cs.getPropertyValue(op) || "1");
      if (c) {
        out[paint] = c.hex;
        out[op] = num(c.a * o);
      } else {
        out[paint] = v === "" ? INITIAL[paint] : v;
        out[op] = num(o);
      }
    }
    out["stroke-width"] = px(cs.getPropertyValue("stroke-width") || "1");
    const dash = cs.getPropertyValue("stroke-dasharray");
    out["stroke-dasharray"] = !dash || dash === "none" ? "none" : dash.split(/[\s,]+/).filter(Boolean).map(px).join(" ");
    for (const p of ["stroke-linejoin", "stroke-linecap", "font-family", "font-weight", "font-style", "text-anchor", "dominant-baseline", "paint-order", "visibility"]) {
      out[p] = cs.getPropertyValue(p);
    }
    out["font-size"] = px(cs.getPropertyValue("font-size"));
    out.opacity = num(cs.getPropertyValue("opacity") || "1");
    out.filter = cs.getPropertyValue("filter") || "none";
    return out;
  }

  // eslint-disable-next-line no-control-regex
  const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

  function inline(orig, copy, inherited, ctx) {
    if (copy.nodeType === Node.TEXT_NODE) {
      // XML 1.0 cannot carry control characters; a model name could.
      copy.data = copy.data.replace(CONTROL, "\ufffd");
      return;
    }
    if (copy.nodeType !== Node.ELEMENT_NODE) {
      copy.remove();
      return;
    }
    const tag = orig.localName;
    if (tag === "title" || tag === "desc") {
      copy.textContent = clean(copy.textContent ?? "");
      return;
    }
    const kept = KEEP.has(tag) || orig.closest("defs, marker");
    const cs = getComputedStyle(orig);
    if (!kept && cs.display === "none") {
      // Hidden: dropped, except the empty element of a trace node (SPEC §3 keeps one per node).
      if (orig.hasAttribute("data-path")) {
        copy.replaceChildren();
        copy.setAttribute("display", "none");
      } else copy.remove();
      return;
    }
    copy.removeAttribute("style");
    const eff = effective(cs);
    const next = { ...inherited };
    for (const p of INHERITED) {
      if (eff[p] !== inherited[p]) copy.setAttribute(p, eff[p]);
      next[p] = eff[p];
    }
    if (eff.opacity !== "1") copy.setAttribute("opacity", eff.opacity);
    if (eff.filter !== "none") {
      const id = shadowFilter(eff.filter, ctx);
      if (id) copy.setAttribute("filter", `url(#${id})`);
    }
    const origKids = [...orig.childNodes];
    const copyKids = [...copy.childNodes];
    for (let i = 0; i < copyKids.length; i++) inline(origKids[i], copyKids[i], next, ctx);
  }

  /** A CSS drop-shadow() as an SVG 1.1 filter in the document's defs; its id, or null. */
  function shadowFilter(css, ctx) {
    if (ctx.filters.has(css)) return ctx.filters.get(css);
    const m = /drop-shadow\((.*\))\s+(-?[\d.]+)px\s+(-?[\d.]+)px(?:\s+([\d.]+)px)?\)/.exec(css);
    const c = m ? rgba(m[1]) : null;
    let id = null;
    if (m && c) {
      id = `lv-shadow-${ctx.filters.size}`;
      const f = el("filter", { id, x: "-50%", y: "-50%", width: "200%", height: "200%" }, ctx.defs);
      el("feGaussianBlur", { in: "SourceAlpha", stdDeviation: num(Number(m[4] ?? 0) / 2) }, f);
      el("feOffset", { dx: num(m[2]), dy: num(m[3]), result: "offset" }, f);
      el("feFlood", { "flood-color": c.hex, "flood-opacity": num(c.a) }, f);
      el("feComposite", { in2: "offset", operator: "in" }, f);
      const merge = el("feMerge", {}, f);
      el("feMergeNode", {}, merge);
      el("feMergeNode", { in: "SourceGraphic" }, merge);
    }
    ctx.filters.set(css, id);
    return id;
  }

  const SVG_NS = "http://www.w3.org/2000/svg";
  function el(tag, attrs, parent) {
    const e = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
    if (parent) parent.appendChild(e);
    return e;
  }

  // ---- HTML text (header, caption) as SVG text ---------------------------
  function fontOf(cs) {
    return `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
  }

  function textAttrs(cs) {
    const c = rgba(cs.color) ?? { hex: "#000000", a: 1 };
    const attrs = {
      "font-family": cs.fontFamily,
      "font-size": px(cs.fontSize),
      fill: c.hex,
    };
    if (c.a !== 1) attrs["fill-opacity"] = num(c.a);
    if (cs.fontWeight !== "400") attrs["font-weight"] = cs.fontWeight;
    if (cs.fontStyle !== "normal") attrs["font-style"] = cs.fontStyle;
    return attrs;
  }

  function ascent(cs) {
    probe.font = fontOf(cs);
    const m = probe.measureText("Hg");
    return { asc: m.fontBoundingBoxAscent ?? parseFloat(cs.fontSize) * 0.8, desc: m.fontBoundingBoxDescent ?? parseFloat(cs.fontSize) * 0.2 };
  }

  function textWidth(text, cs) {
    probe.font = fontOf(cs);
    return probe.measureText(text).width;
  }

  /** Greedy word wrap at `width` pixels in the element's font. */
  function wrapText(text, width, cs) {
    const lines = [];
    let cur = "";
    for (const word of text.split(/\s+/).filter(Boolean)) {
      const next = cur ? `${cur} ${word}` : word;
      if (cur && textWidth(next, cs) > width) {
        lines.push(cur);
        cur = word;
      } else cur = next;
    }
    if (cur) lines.push(cur);
    return lines;
  }

  const clean = (s) => s.replace(CONTROL, "\ufffd");

  // ---- the document ------------------------------------------------------
  /**
   * What the widget shows now, as one standalone SVG document: the header
   * line, the graph exactly as panned and zoomed on screen (computed styles
   * written as presentation attributes, so no stylesheet is needed), and
   * the step's caption. Buttons, the slider and the side panel are left out.
   */
  function svgSnapshot() {
    const root = widgetRoot();
    const graph = root.querySelector("svg.lv-svg");
    const rootCs = getComputedStyle(root);
    const bg = rgba(rootCs.backgroundColor) ?? { hex: "#ffffff", a: 1 };
    const g = graph.getBoundingClientRect();
    const width = Math.max(1, Math.round(g.width));
    const graphH = Math.max(1, Math.round(g.height));
    const header = root.querySelector(".lv-header");
    const headerH = header ? Math.round(header.getBoundingClientRect().height) : 0;
    const caption = root.querySelector(".lv-caption");
    const capCs = caption ? getComputedStyle(caption) : rootCs;
    const padX = 12;
    const capText = clean(caption?.textContent ?? "");
    const lines = capText ? wrapText(capText, width - 2 * padX, capCs) : [];
    const lineH = parseFloat(capCs.lineHeight) || parseFloat(capCs.fontSize) * 1.35;
    const capH = Math.ceil(Math.max(lines.length, 1) * lineH + 14);
    const height = headerH + graphH + capH;

    const out = el("svg", {
      xmlns: SVG_NS,
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      "font-family": rootCs.fontFamily,
      "font-size": px(rootCs.fontSize),
      class: "lazyviz-picture",
      "data-step": root.dataset.step,
      "data-steps": root.dataset.steps,
    });
    const model = root.querySelector(".lv-model")?.textContent ?? "";
    el("title", {}, out).textContent = clean(`${model} · step ${root.dataset.step} of ${root.dataset.steps}${capText ? ": " + capText : ""}`);
    const defs = el("defs", {}, out);
    el("rect", { width, height, fill: bg.hex }, out);

    // The graph: a deep copy of the widget's <svg>, styles written in.
    const copy = graph.cloneNode(true);
    for (const a of ["width", "height", "class", "style"]) copy.removeAttribute(a);
    copy.setAttribute("class", "lv-graph");
    copy.setAttribute("x", "0");
    copy.setAttribute("y", String(headerH));
    copy.setAttribute("width", String(width));
    copy.setAttribute("height", String(graphH));
    copy.setAttribute("viewBox", `0 0 ${width} ${graphH}`);
    copy.setAttribute("overflow", "hidden");
    const base = {};
    const graphCs = getComputedStyle(graph);
    const seed = effective(graphCs);
    for (const p of INHERITED) base[p] = INITIAL[p] ?? seed[p];
    base["font-family"] = rootCs.fontFamily;
    base["font-size"] = px(rootCs.fontSize);
    const ctx = { filters: new Map(), defs };
    const origKids = [...graph.childNodes];
    const copyKids = [...copy.childNodes];
    for (let i = 0; i < copyKids.length; i++) inline(origKids[i], copyKids[i], base, ctx);
    out.appendChild(copy);

    // The header line, where the page draws it (items past the graph's width are left out).
    if (header) {
      const hb = el("g", { class: "lv-header" }, out);
      const hr = header.getBoundingClientRect();
      const hbg = rgba(getComputedStyle(header).backgroundColor);
      if (hbg && hbg.a > 0) el("rect", { width, height: headerH, fill: hbg.hex, "fill-opacity": hbg.a === 1 ? undefined : num(hbg.a) }, hb);
      const line = rgba(getComputedStyle(header).borderBottomColor);
      if (line) el("rect", { y: headerH - 1, width, height: 1, fill: line.hex, "fill-opacity": line.a === 1 ? undefined : num(line.a) }, hb);
      for (const item of header.children) {
        const cs = getComputedStyle(item);
        if (item.hidden || cs.display === "none") continue;
        const text = clean(item.localName === "select" ? (item.selectedOptions[0]?.textContent ?? "") : (item.textContent ?? "")).trim();
        if (!text) continue;
        const r = item.getBoundingClientRect();
        const x = r.left - hr.left;
        if (x > width - 24) continue;
        const { asc, desc } = ascent(cs);
        const y = r.top - hr.top + (r.height - asc - desc) / 2 + asc;
        const t = el("text", { x: num(x), y: num(y), class: item.className, ...textAttrs(cs) }, hb);
        t.textContent = text;
      }
      const counter = root.querySelector(".lv-counter");
      if (counter && root.dataset.steps !== "0") {
        const cs = getComputedStyle(counter);
        const { asc, desc } = ascent(cs);
        const t = el("text", { x: width - padX, y: num((headerH - asc - desc) / 2 + asc), "text-anchor": "end", class: "lv-counter", ...textAttrs(cs) }, hb);
        t.textContent = `step ${root.dataset.step} / ${root.dataset.steps}`;
      }
    }

    // The caption, wrapped to the picture's width.
    const cb = el("g", { class: "lv-caption", transform: `translate(0,${headerH + graphH})` }, out);
    const cbg = caption ? rgba(capCs.backgroundColor) : null;
    if (cbg && cbg.a > 0) el("rect", { width, height: capH, fill: cbg.hex, "fill-opacity": cbg.a === 1 ? undefined : num(cbg.a) }, cb);
    const sep = rgba(getComputedStyle(root.querySelector(".lv-controls") ?? root).borderTopColor);
    if (sep) el("rect", { width, height: 1, fill: sep.hex, "fill-opacity": sep.a === 1 ? undefined : num(sep.a) }, cb);
    if (lines.length) {
      const { asc, desc } = ascent(capCs);
      const t = el("text", { class: "lv-caption-text", ...textAttrs(capCs) }, cb);
      lines.forEach((line, i) => {
        const s = el("tspan", { x: padX, y: num(7 + i * lineH + (lineH - asc - desc) / 2 + asc) }, t);
        // A line ends with the space it was broken at: the text reads back as the caption.
        s.textContent = i < lines.length - 1 ? `${line} ` : line;
      });
    }

    uniqueIds(out);
    fixSpaces(out);
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(out) + "\n";
  }

  /**
   * Whitespace as the page shows it, in a form every SVG reader keeps: runs
   * collapsed to one space across a text's tspans, the ends trimmed, and
   * `xml:space="preserve"` (readers that collapse on their own drop a space
   * that ends a tspan, gluing "0" to "LazyLinear").
   */
  function fixSpaces(doc) {
    for (const text of doc.querySelectorAll("text")) {
      const nodes = [];
      const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) nodes.push(walker.currentNode);
      let spaceBefore = true; // at the start, leading space is dropped
      for (const n of nodes) {
        let t = n.data.replace(/[\t\n\r ]+/g, " ");
        if (spaceBefore && t.startsWith(" ")) t = t.slice(1);
        if (t) spaceBefore = t.endsWith(" ");
        n.data = t;
      }
      const last = nodes.reverse().find((n) => n.data !== "");
      if (last && last.data.endsWith(" ")) last.data = last.data.slice(0, -1);
      text.setAttributeNS("http://www.w3.org/XML/1998/namespace", "xml:space", "preserve");
    }
  }

  /** Suffixes every id (and what refers to it), so two pictures inlined in one page do not clash. */
  function uniqueIds(doc) {
    const tag = Math.random().toString(36).slice(2, 8);
    const ids = new Map();
    for (const e of doc.querySelectorAll("[id]")) {
      const id = e.getAttribute("id");
      ids.set(id, `${id}-${tag}`);
      e.setAttribute("id", `${id}-${tag}`);
    }
    if (!ids.size) return;
    const ref = /url\(#([^)]+)\)/g;
    for (const e of doc.querySelectorAll("*")) {
      for (const a of [...e.attributes]) {
        if (a.value.includes("url(#")) {
          e.setAttribute(a.name, a.value.replace(ref, (m, id) => (ids.has(id) ? `url(#${ids.get(id)})` : m)));
        } else if ((a.localName === "href") && a.value.startsWith("#") && ids.has(a.value.slice(1))) {
          e.setAttribute(a.name, `#${ids.get(a.value.slice(1))}`);
        }
      }
    }
  }

  window.__lazyvizPictures = { watch, layoutDone, settle, showStep, svg: svgSnapshot };
})();
