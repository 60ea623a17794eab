// The anywidget entry: a thin adapter over the front-end library in view/.
// `render` resolves once the first layout is drawn and returns the cleanup.
// The performance marks let benchmarks split load time from drawing time.

import type { WidgetModel } from "./model";
import { mount } from "./view/app";

export async function render({ model, el }: { model: WidgetModel; el: HTMLElement }): Promise<() => void> {
  performance.mark?.("lazyviz:render");
  const app = mount(el, model);
  await app.ready;
  performance.mark?.("lazyviz:painted");
  return () => app.destroy();
}

export default { render };
