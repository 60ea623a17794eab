// Injected by lazyviz/export/pictures.py into an offline page (lazyviz/export/page.py)
// before the page's own scripts run. The widget draws itself with its own
// code; this only tells Python when the drawing is final, moves it from step
// to step, and asks the widget's own code for its SVG picture. It defines
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

  /**
   * What the widget shows now, as one standalone SVG document: the widget's
   * own serializer (js/src/picture/, the code that makes the picture a
   * notebook keeps), which its bundle puts on `window.__lazyvizSnapshot`.
   */
  function svgSnapshot() {
    const api = window.__lazyvizSnapshot;
    if (!api || typeof api.widgetPicture !== "function") {
      throw new Error("the widget's bundle has no picture code (window.__lazyvizSnapshot): rebuild it (cd js && npm run build)");
    }
    return api.widgetPicture(widgetRoot());
  }

  window.__lazyvizPictures = { watch, layoutDone, settle, showStep, svg: svgSnapshot };
})();
