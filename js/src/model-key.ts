// One key per widget model, the same in `initialize` and in every view.
// anywidget hands `initialize` and each `render` a proxy of its own for the
// same model, so a proxy cannot key state shared by a model's views (its
// clock, its drawings, its pending repaints). The `_runtime` trait's value is
// one object per model: Python sets it once and the widget manager hands out
// that same object on every `get`. Without it (a stand-in model, a test) the
// model object itself is the key.

export function modelKey(model: { get(name: string): unknown }): object {
  const ref = model.get("_runtime");
  return ref !== null && typeof ref === "object" ? ref : model;
}
