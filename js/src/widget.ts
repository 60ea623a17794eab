// The anywidget entry: a thin adapter over the front-end library in view/.
// `initialize` runs once per model (however many views): it applies the
// kernel's `lazyviz:run` messages to the model's history. `render` resolves
// once the first layout is drawn and returns the cleanup. The performance
// marks let benchmarks split load time from drawing time.
// Only the default export: anywidget warns when a bundle has both.

import { followRunMessages } from "./history";
import type { WidgetModel } from "./model";
import { followHostTheme } from "./theme";
import { mount } from "./view/app";

function initialize({ model }: { model: WidgetModel }): () => void {
  return followRunMessages(model);
}

async function render({ model, el }: { model: WidgetModel; el: HTMLElement }): Promise<() => void> {
  performance.mark?.("lazyviz:render");
  const app = mount(el, model);
  const stopTheme = followHostTheme(() => el.querySelector<HTMLElement>(":scope > .lazyviz"));
  await app.ready;
  performance.mark?.("lazyviz:painted");
  return () => (stopTheme(), app.destroy());
}

export default { initialize, render };
