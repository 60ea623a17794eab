// The anywidget entry: a thin adapter over the front-end library in view/.
// `initialize` runs once per model (however many views): it applies the
// kernel's `lazyviz:run` messages to the model's history. `render` resolves
// once the first layout is drawn and returns the cleanup. The performance
// marks let benchmarks split load time from drawing time.
// Only the default export: anywidget warns when a bundle has both.

import { followRunMessages } from "./history";
import type { WidgetModel } from "./model";
import { adoptDrawing, followRepaints, keepDrawing, keepPicture, type OutputModel, type Take } from "./output";
import { exposePictures, pictureAsPng, pictureSize, widgetPicture } from "./picture";
import { followHostTheme } from "./theme";
import { mount } from "./view/app";

// Headless pictures (lazyviz/export/snapshot.js) call the same code the notebook output uses.
exposePictures({ widgetPicture, pictureAsPng });

/** Bigger SVG text than this goes to the notebook as a PNG of the same view. */
const SVG_BUDGET = 400_000;

function initialize({ model }: { model: WidgetModel }): () => void {
  const stopRuns = followRunMessages(model);
  const stopRepaints = followRepaints(model as unknown as OutputModel);
  return () => (stopRuns(), stopRepaints());
}

/** The picture a notebook output keeps (output.ts): what the view shows, once its layout is final. */
async function pictureOf(root: HTMLElement): Promise<Take> {
  if (!root.isConnected || root.querySelector('.lv-content[data-layout="quick"]')) return "later";
  const svg = widgetPicture(root);
  if (svg.length <= SVG_BUDGET) return { mime: "image/svg+xml", data: svg };
  const { width, height } = pictureSize(svg);
  return { mime: "image/png", data: await pictureAsPng(svg, width, height) };
}

async function render({ model, el }: { model: WidgetModel; el: HTMLElement }): Promise<() => void> {
  const adopted = adoptDrawing(model as unknown as OutputModel, el);
  if (adopted) return adopted;
  performance.mark?.("lazyviz:render");
  const app = mount(el, model);
  const root = el.querySelector<HTMLElement>(":scope > .lazyviz") as HTMLElement;
  const stopTheme = followHostTheme(() => root);
  const out = model as unknown as OutputModel;
  const stopPicture = keepPicture(out, root, () => pictureOf(root), () => model.get("playing") === true);
  const cleanup = keepDrawing(model as unknown as OutputModel, el, root, () => (stopPicture(), stopTheme(), app.destroy()));
  await app.ready;
  performance.mark?.("lazyviz:painted");
  return cleanup;
}

export default { initialize, render };
