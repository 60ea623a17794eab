// The offline page's own script (lazyviz/export/page.py writes it inline): it reads
// the widget's state and bundle from the page's JSON blocks, imports the
// bundle through a Blob URL and hands its `render` a stand-in for anywidget's
// model. Built on its own (no imports), as lazyviz/static/page.js.
//
// The stand-in keeps Backbone's semantics where a bundle can see them: set()
// notifies "change:<name>" listeners with (model, value) and then "change";
// an unchanged value notifies nobody. No kernel, so save_changes() and send()
// have nowhere to go and do nothing, and no custom message arrives on its own:
// "msg:custom" listeners are kept like any other, and receive(content) hands
// them one as the kernel would.

type Listener = [(...args: unknown[]) => void, unknown];

interface PageWidget {
  initialize?: (ctx: object) => unknown;
  render?: (ctx: object) => unknown;
}

performance.mark("lazyviz:loader-start");

function data(id: string): unknown {
  return JSON.parse(document.getElementById(id)?.textContent ?? "null");
}

const state = (data("lazyviz-state") ?? {}) as Record<string, unknown>;
const listeners = new Map<string, Listener[]>();

function same(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === "object" && typeof b === "object" && a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b));
}

function emit(name: string, ...args: unknown[]): void {
  for (const [cb, ctx] of [...(listeners.get(name) ?? [])]) cb.apply(ctx, args);
}

const model = {
  get: (name: string): unknown => state[name],
  set(name: string, value: unknown): void {
    if (same(state[name], value)) return;
    state[name] = value;
    emit(`change:${name}`, model, value);
    emit("change", model);
  },
  on(name: string, cb: (...args: unknown[]) => void, ctx?: unknown): void {
    for (const n of String(name).split(/\s+/)) {
      const list = listeners.get(n) ?? [];
      list.push([cb, ctx]);
      listeners.set(n, list);
    }
  },
  off(name?: string | null, cb?: ((...args: unknown[]) => void) | null): void {
    if (name == null) {
      listeners.clear();
      return;
    }
    for (const n of String(name).split(/\s+/)) {
      if (cb == null) listeners.delete(n);
      else listeners.set(n, (listeners.get(n) ?? []).filter(([f]) => f !== cb));
    }
  },
  save_changes(): void {},
  send(): void {},
  receive(content: unknown, buffers: unknown[] = []): void {
    emit("msg:custom", content, buffers);
  },
  widget_manager: {
    async get_model(): Promise<never> {
      throw new Error("no other widgets on an offline page");
    },
  },
};
// Lets a page's reader (or a test) drive it: lazyvizModel.set("step", 3).
(window as unknown as { lazyvizModel: typeof model }).lazyvizModel = model;

async function start(): Promise<void> {
  const root = document.getElementById("lazyviz-root") as HTMLElement;
  try {
    const url = URL.createObjectURL(new Blob([String(data("lazyviz-esm"))], { type: "text/javascript" }));
    performance.mark("lazyviz:state-parsed");
    const mod = (await import(/* @vite-ignore */ url)) as { default?: unknown };
    URL.revokeObjectURL(url);
    performance.mark("lazyviz:esm-imported");
    let widget = (mod.default ?? mod) as PageWidget | (() => Promise<PageWidget>);
    if (typeof widget === "function") widget = await widget();
    const experimental = {
      invoke: async (): Promise<never> => {
        throw new Error("no kernel on an offline page");
      },
    };
    if (widget.initialize) await widget.initialize({ model, experimental });
    const el = document.createElement("div");
    root.appendChild(el);
    if (widget.render) await widget.render({ model, el, experimental });
    performance.mark("lazyviz:rendered");
    document.documentElement.dataset.lazyvizReady = "true";
  } catch (err) {
    const box = document.createElement("pre");
    box.id = "lazyviz-failure";
    box.textContent = `lazyviz could not draw this page: ${(err as Error)?.stack ?? err}`;
    root.appendChild(box);
    document.documentElement.dataset.lazyvizReady = "error";
    throw err;
  }
}

await start();

export {};
