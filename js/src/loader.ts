// The `_esm` of every lazyviz widget: a few KB that find the real bundle, so a
// notebook saved with widget state stores the bundle once, not per widget
// (lazyviz/widgets/frontend.py). The bundle sits in a hidden Runtime model that the
// widget manager hands out by id; where there is no manager to ask (marimo),
// the kernel sends it on request. Each bundle is imported once per page (by
// version) and its styles added once per document or shadow root.
// Nothing here may import the bundle: this file is built on its own.

interface Model {
  get(name: string): unknown;
  on(event: string, cb: (...args: unknown[]) => void): void;
  off(event: string, cb: (...args: unknown[]) => void): void;
  send(content: unknown): void;
  widget_manager?: { get_model(id: string): Promise<{ get(name: string): unknown }> };
}

interface Widget {
  initialize?: (ctx: { model: Model }) => unknown;
  render: (ctx: { model: Model; el: HTMLElement }) => unknown;
}

interface Bundle {
  version: string;
  code: string;
  css: string;
}

interface Loaded {
  widget: Promise<Widget>;
  css: string;
}

const ASK_TIMEOUT_MS = 60_000;

type Registry = Map<string, Promise<Loaded>>;
const registry: Registry = ((globalThis as { __lazyvizBundles?: Registry }).__lazyvizBundles ??= new Map());

function reference(model: Model): { name: string; version: string; model: string } {
  const ref = model.get("_runtime") as Record<string, unknown> | null | undefined;
  const text = (k: string): string => (ref && typeof ref[k] === "string" ? (ref[k] as string) : "");
  return { name: text("name"), version: text("version"), model: text("model") };
}

async function fromManager(model: Model, id: string): Promise<Bundle | null> {
  if (!id || !model.widget_manager) return null;
  try {
    const runtime = await model.widget_manager.get_model(id);
    const code = runtime.get("code");
    if (typeof code !== "string" || !code) return null;
    return { version: String(runtime.get("version") ?? ""), code, css: String(runtime.get("css") ?? "") };
  } catch {
    return null; // not in this notebook's state: ask the kernel
  }
}

function fromKernel(model: Model): Promise<Bundle> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      model.off("msg:custom", onMsg);
      reject(new Error("lazyviz: the widget's code is not in this notebook and no kernel sent it; run the cell again"));
    }, ASK_TIMEOUT_MS);
    const onMsg = (content: unknown): void => {
      const c = content as Partial<Bundle> & { type?: unknown };
      if (!c || c.type !== "lazyviz:code" || typeof c.code !== "string") return;
      clearTimeout(timer);
      model.off("msg:custom", onMsg);
      resolve({ version: String(c.version ?? ""), code: c.code, css: String(c.css ?? "") });
    };
    model.on("msg:custom", onMsg);
    model.send({ type: "lazyviz:code?" });
  });
}

async function importBundle(b: Bundle): Promise<Widget> {
  const url = URL.createObjectURL(new Blob([b.code], { type: "text/javascript" }));
  try {
    const mod = (await import(/* @vite-ignore */ url)) as { default: Widget };
    return mod.default;
  } finally {
    URL.revokeObjectURL(url);
  }
}

function load(model: Model): Promise<Loaded> {
  const ref = reference(model);
  const key = `${ref.name}@${ref.version}`;
  let hit = registry.get(key);
  if (!hit) {
    hit = (async () => {
      const b = (await fromManager(model, ref.model)) ?? (await fromKernel(model));
      return { widget: importBundle(b), css: b.css };
    })();
    hit.catch(() => registry.delete(key)); // a failed attempt is not remembered
    registry.set(key, hit);
  }
  return hit;
}

/** Adds the bundle's styles to the document or shadow root `el` lives in, once. */
function addStyles(el: HTMLElement, css: string, key: string): void {
  if (!css) return;
  const root = el.getRootNode();
  if (!(root instanceof ShadowRoot) && !(root instanceof Document)) {
    // Not attached yet: styles go to the page now, and into a shadow root if it lands in one.
    requestAnimationFrame(() => el.isConnected && el.getRootNode() !== root && addStyles(el, css, key));
  }
  const host: ParentNode = root instanceof ShadowRoot ? root : document.head;
  const mark = `lazyviz-${key.replace(/[^\w-]/g, "_")}`;
  if (host.querySelector(`style[data-lazyviz="${mark}"]`)) return;
  const style = document.createElement("style");
  style.dataset.lazyviz = mark;
  style.textContent = css;
  host.appendChild(style);
}

async function initialize({ model }: { model: Model }): Promise<unknown> {
  try {
    return (await (await load(model)).widget).initialize?.({ model });
  } catch {
    return undefined; // render says what went wrong, in the cell
  }
}

async function render({ model, el }: { model: Model; el: HTMLElement }): Promise<unknown> {
  let loaded: Loaded;
  try {
    loaded = await load(model);
  } catch (err) {
    el.textContent = String((err as Error)?.message ?? err);
    return undefined;
  }
  const ref = reference(model);
  addStyles(el, loaded.css, `${ref.name}-${ref.version}`);
  return (await loaded.widget).render({ model, el });
}

export default { initialize, render };
