// Trait listeners as a table: subscribed together, removed together, so a
// view that goes away leaves nothing behind on a model that stays.

import type { WidgetModel } from "../model";

/** `[events, listener]`; several events are separated by spaces (`"change:runs change:run"`). */
export type TraitListeners = ReadonlyArray<readonly [string, () => void]>;

/** Subscribes every listener; the function returned removes them all. */
export function listen(model: WidgetModel, listeners: TraitListeners): () => void {
  const each = (fn: (event: string, listener: () => void) => void): void => {
    for (const [events, listener] of listeners) for (const event of events.split(" ")) fn(event, listener);
  };
  each((event, listener) => model.on(event, listener));
  return () => each((event, listener) => model.off(event, listener));
}
