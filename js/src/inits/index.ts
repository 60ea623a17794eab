// The anywidget entry of the initializer comparison (`lazyviz.compare_inits`).
// Layout: a header with the parameter picker, one histogram panel per
// initializer for the selected parameter, then activations across depth.
// All model text goes through textContent.

import Plotly from "plotly.js-basic-dist-min";
import { drawDepth } from "./depth";
import { type InitsRecord, type ParamEntry, qualname, type TraitModel } from "./model";
import { drawHistogram, statsLines } from "./panels";
import { shapeText } from "./stats";
import { colorOf, readTheme } from "./theme";

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

function numel(p: ParamEntry): number {
  return p.shape.reduce((a, b) => a * b, 1);
}

function render({ model, el }: { model: TraitModel; el: HTMLElement }): () => void {
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
  header.append(title, pickLabel, fanInfo);

  const panels = h("div", "lazyviz-inits-panels");
  const depthBox = h("section", "lazyviz-inits-depth");
  const depthTitle = h("h3", "", "Activations across depth");
  const depthNote = h(
    "p",
    "lazyviz-inits-note",
    "Std of each layer's output as the batch flows through a copy initialized with each init (log scale). Click a layer to show its parameters.",
  );
  const depthPlot = h("div", "lazyviz-inits-plot");
  depthBox.append(depthTitle, depthNote, depthPlot);
  root.append(header, panels, depthBox);
  plots.push(depthPlot);

  const data = (): InitsRecord => model.get("data");
  const selectedParam = (): ParamEntry | undefined => {
    const want = model.get("selected");
    return data().params.find((p) => qualname(p) === want) ?? data().params[0];
  };

  function fillPicker(): void {
    const types = model.get("types");
    picker.replaceChildren(
      ...data().params.map((p) => {
        const q = qualname(p);
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
    for (const div of plots.splice(1)) Plotly.purge(div);
    panels.replaceChildren();
    if (p === undefined) {
      panels.append(h("p", "lazyviz-inits-note", "This model has no parameters."));
      return;
    }
    const q = qualname(p);
    root.dataset.selected = q;
    picker.value = q;
    fanInfo.textContent =
      p.fan_in === null ? "1-D: no fans" : `fan_in ${p.fan_in} · fan_out ${p.fan_out}`;
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
      for (const [key, line] of statsLines(hist, numel(p))) {
        const row = h("div", "", line);
        row.dataset.stat = key;
        stats.append(row);
      }
      panel.append(name, plot, stats);
      panels.append(panel);
      plots.push(plot);
      drawHistogram(plot, hist, colorOf(i), theme);
    });
  }

  function drawAll(): void {
    const types = model.get("types");
    title.textContent = `Initializers · ${model.get("title") || "model"}`;
    fillPicker();
    drawPanels();
    drawDepth(depthPlot, data(), types, readTheme(root), (path) => {
      const first = data().params.find((p) => p.path === path);
      if (first) select(qualname(first));
    });
    root.dataset.ready = "true";
  }

  function select(name: string): void {
    model.set("selected", name);
    model.save_changes();
  }

  picker.addEventListener("change", () => select(picker.value));
  model.on("change:selected", drawPanels);
  model.on("change:data", drawAll);
  model.on("change:types", drawAll);
  // Draw once the element is in the page, so plotly can measure its width.
  requestAnimationFrame(drawAll);

  return () => {
    model.off("change:selected", drawPanels);
    model.off("change:data", drawAll);
    model.off("change:types", drawAll);
    for (const div of plots) Plotly.purge(div);
  };
}

export default { render };
