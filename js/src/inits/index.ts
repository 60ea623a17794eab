// The anywidget entry of the initializer comparison (`lazyviz.compare_inits`).
// Layout: a header with the parameter picker and the "same scale" toggle, one
// histogram panel per initializer for the selected parameter, then
// activations and gradients across depth side by side.
// All model text goes through textContent.

import Plotly from "plotly.js-basic-dist-min";
import { drawDepth } from "./depth";
import { drawGradients } from "./gradients";
import { gradLog, lossText, undrawn } from "./rows";
import type { InitHistogram, InitsRecord, ParamEntry, TraitModel } from "./model";
import { drawHistogram, statsLines } from "./panels";
import { sharedRange } from "./stats";
import { numel, qualifiedName, shapeText } from "../format";
import { adoptDrawing, followRepaints, keepDrawing, keepPicture, type OutputModel, type Take } from "../output";
import { exposePictures, pictureAsPng } from "../picture";
import { initsPicture } from "../picture/inits-picture";
import { followHostTheme } from "../theme";
import { colorOf, readTheme } from "./theme";

// For headless pictures and browser tests, as the graph widget does (../picture/global.ts).
exposePictures({ initsPicture, pictureAsPng });

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** A chart across depth: its title, a note on how to read it, any controls, then the plot. */
function chartBox(cls: string, title: string, note: string, ...controls: HTMLElement[]): { box: HTMLElement; plot: HTMLDivElement } {
  const box = h("section", cls);
  const plot = h("div", "lazyviz-inits-plot");
  box.append(h("h3", "", title), h("p", "lazyviz-inits-note", note), ...controls, plot);
  return { box, plot };
}

function draw(model: TraitModel, el: HTMLElement): { root: HTMLElement; destroy: () => void } {
  const root = h("div", "lazyviz-inits");
  el.appendChild(root);
  const plots: HTMLElement[] = [];

  const header = h("div", "lazyviz-inits-header");
  const title = h("div", "lazyviz-inits-title");
  const pickLabel = h("label", "lazyviz-inits-pick");
  const picker = h("select", "lazyviz-inits-picker");
  picker.setAttribute("aria-label", "parameter");
  pickLabel.append(h("span", "", "parameter "), picker);
  const fanInfo = h("div", "lazyviz-inits-fans");
  const sameLabel = h("label", "lazyviz-inits-same");
  const same = h("input", "");
  same.type = "checkbox";
  same.title = "One x-axis range for every panel, so narrow and wide laws look different";
  sameLabel.append(same, h("span", "", " same scale"));
  header.append(title, pickLabel, sameLabel, fanInfo);

  const panels = h("div", "lazyviz-inits-panels");
  const depths = h("div", "lazyviz-inits-depths");
  const { plot: depthPlot, box: depthBox } = chartBox(
    "lazyviz-inits-depth",
    "Activations across depth",
    "Std of each layer's output as the batch flows through a copy initialized with each init (log scale). Click a layer to show its parameters.",
  );
  const gradLoss = h("p", "lazyviz-inits-note lazyviz-inits-loss");
  const allLabel = h("label", "lazyviz-inits-all");
  const all = h("input", "");
  all.type = "checkbox";
  allLabel.append(all, h("span", "", " biases and other 1-D parameters too"));
  const { plot: gradPlot, box: gradBox } = chartBox(
    "lazyviz-inits-grads",
    "Gradients across depth",
    "Std of each weight's gradient after one backward pass of the loss on the batch, in forward order. Click a point to show that parameter.",
    gradLoss,
    allLabel,
  );
  depths.append(depthBox, gradBox);
  root.append(header, panels, depths);
  plots.push(depthPlot, gradPlot);
  const FIXED = plots.length; // the depth charts; the panels come after

  const data = (): InitsRecord => model.get("data");
  const selectedParam = (): ParamEntry | undefined => {
    const want = model.get("selected");
    return data().params.find((p) => qualifiedName(p.path, p.param) === want) ?? data().params[0];
  };

  function fillPicker(): void {
    const types = model.get("types");
    picker.replaceChildren(
      ...data().params.map((p) => {
        const q = qualifiedName(p.path, p.param);
        const type = types[p.path];
        const opt = h("option", "", `${q}  ${shapeText(p.shape)}${type ? `  · ${type}` : ""}`);
        opt.value = q;
        return opt;
      }),
    );
  }

  function drawPanels(): void {
    const p = selectedParam();
    const theme = readTheme(root);
    for (const div of plots.splice(FIXED)) Plotly.purge(div);
    panels.replaceChildren();
    if (p === undefined) {
      panels.append(h("p", "lazyviz-inits-note", "This model has no parameters."));
      return;
    }
    const q = qualifiedName(p.path, p.param);
    root.dataset.selected = q;
    picker.value = q;
    fanInfo.textContent =
      p.fan_in === null ? "1-D: no fans" : `fan_in ${p.fan_in} · fan_out ${p.fan_out}`;
    const sameScale = model.get("same_scale") !== false; // absent in older state: on
    same.checked = sameScale;
    root.dataset.sameScale = String(sameScale);
    const hists = data()
      .inits.map((label) => p.per_init[label])
      .filter((x): x is InitHistogram => x !== undefined);
    const range = sameScale ? sharedRange(hists) : null;
    data().inits.forEach((label, i) => {
      const hist = p.per_init[label];
      if (hist === undefined) return;
      const panel = h("div", "lazyviz-inits-panel");
      panel.dataset.init = label;
      panel.style.setProperty("--lazyviz-inits-color", colorOf(i));
      const name = h("h3", "", label);
      name.title = label; // the whole label when the panel is too narrow for it
      const plot = h("div", "lazyviz-inits-plot");
      const stats = h("div", "lazyviz-inits-stats");
      for (const [key, line] of statsLines(hist, numel(p.shape) ?? 0)) {
        const row = h("div", "", line);
        row.dataset.stat = key;
        stats.append(row);
      }
      panel.append(name, plot, stats);
      panels.append(panel);
      plots.push(plot);
      drawHistogram(plot, hist, colorOf(i), theme, range);
    });
  }

  function drawGrads(): void {
    const record = data();
    if (record.gradients === undefined) {
      gradBox.hidden = true;
      Plotly.purge(gradPlot);
      return;
    }
    gradBox.hidden = false;
    const missing = undrawn(record, all.checked, gradLog(record, all.checked))
      .map(([label, why]) => `${label}: ${why}`)
      .join(" · ");
    gradLoss.textContent = lossText(record) + (missing ? `. Not drawn: ${missing}.` : "");
    drawGradients(gradPlot, record, model.get("types"), readTheme(root), all.checked, (path, param) => {
      const hit = record.params.find((p) => p.path === path && p.param === param);
      if (hit) select(qualifiedName(hit.path, hit.param));
    });
  }

  let drawnColor = "";
  function drawAll(): void {
    const types = model.get("types");
    const theme = readTheme(root);
    drawnColor = theme.font;
    title.textContent = `Initializers · ${model.get("title") || "model"}`;
    fillPicker();
    drawPanels();
    drawDepth(depthPlot, data(), types, theme, (path) => {
      const first = data().params.find((p) => p.path === path);
      if (first) select(qualifiedName(first.path, first.param));
    });
    drawGrads();
    root.dataset.ready = "true";
  }

  // A theme switch redraws, in the next frame (once the new CSS applies), if the colour changed.
  let pending = 0;
  const themeChanged = (): void => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => {
      if (readTheme(root).font !== drawnColor) drawAll();
    });
  };
  const stopTheme = followHostTheme(() => root, themeChanged);

  function select(name: string): void {
    model.set("selected", name);
    model.save_changes();
  }

  picker.addEventListener("change", () => select(picker.value));
  same.addEventListener("change", () => {
    model.set("same_scale", same.checked);
    model.save_changes();
  });
  all.addEventListener("change", drawGrads);
  model.on("change:selected", drawPanels);
  model.on("change:same_scale", drawPanels);
  model.on("change:data", drawAll);
  model.on("change:types", drawAll);
  // Draw once the element is in the page, so plotly can measure its width.
  requestAnimationFrame(drawAll);

  const destroy = (): void => {
    stopTheme();
    cancelAnimationFrame(pending);
    model.off("change:selected", drawPanels);
    model.off("change:same_scale", drawPanels);
    model.off("change:data", drawAll);
    model.off("change:types", drawAll);
    for (const div of plots) Plotly.purge(div);
  };
  return { root, destroy };
}

/** Bigger SVG text than this goes to the notebook as a PNG of the same view. */
const SVG_BUDGET = 600_000;

/** The picture a notebook output keeps (../output.ts): the panels once plotly has drawn them. */
async function pictureOf(root: HTMLElement): Promise<Take> {
  if (!root.isConnected || root.dataset.ready !== "true") return "later";
  const svg = await initsPicture(root);
  if (svg.length <= SVG_BUDGET) return { mime: "image/svg+xml", data: svg };
  const box = root.getBoundingClientRect();
  return { mime: "image/png", data: await pictureAsPng(svg, box.width, box.height) };
}

function initialize({ model }: { model: TraitModel }): () => void {
  return followRepaints(model as unknown as OutputModel);
}

function render({ model, el }: { model: TraitModel; el: HTMLElement }): () => void {
  const adopted = adoptDrawing(model as unknown as OutputModel, el);
  if (adopted) return adopted;
  const { root, destroy } = draw(model, el);
  const stopPicture = keepPicture(model as unknown as OutputModel, root, () => pictureOf(root), () => false);
  return keepDrawing(model as unknown as OutputModel, el, root, () => (stopPicture(), destroy()));
}

export default { initialize, render };
