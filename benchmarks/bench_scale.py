"""Big models in the widget: Python cost, page size, first paint and frame times (not a test).

    python benchmarks/bench_scale.py [--sizes 1000,5000,20000] [--kinds deep,wide]
                                     [--repeat 3] [--animate-seconds 3] [--speed 16]

Two families of lazy models, each at about 1k, 5k and 20k modules:

- ``deep``: a chain of small blocks ``Sequential(LazyLinear(w), ReLU())``
  under the root, neighbours of different widths so that none fold: every
  block is a box (collapsed), the case only culling can keep fast;
- ``wide``: a transformer-like stack that branches, ``Sequential`` stages of
  24 identical pre-norm layers (attention with q/k/v/o ``LazyLinear``, matmul
  and softmax ops, a ``LazyLinear``/GELU MLP, two residual adds; 12 modules
  per layer), so every stage is one foldable run of identical siblings.

Measured in this process (``time.process_time`` with one torch thread, the
noise-resistant clock on shared cores): ``lazyviz.trace(model, X)`` and
``lazyviz.LazyViz(model, X)``; then the page ``w.to_html`` writes (and its
record's share). In headless Chromium (network cut by the page's CSP):

- first paint: the first animation frame after the page's
  ``lazyviz:rendered`` mark (the widget's ``render`` resolved: its first
  layout is in the DOM), from navigation start, median of ``--repeat`` loads;
  ``loader`` is the ``lazyviz:loader-start`` mark (HTML and state parsed);
- frame times while playing: ``requestAnimationFrame`` deltas over
  ``--animate-seconds`` with ``window.lazyvizModel.set("playing", true)`` at
  ``--speed`` (16 = 64 events per second), median and p95.

Targets: at 20k modules first paint <= 1.5 s, p95 frame <= 20 ms
(>= 50 fps), page <= 1 MB + 1 KB per module.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import torch
from bench_widget import FRAME_TIMES  # the same frame clock as bench_widget
from playwright.sync_api import Browser, sync_playwright
from torch import nn

import lazyviz
from lazyviz.export.headless import CHROMIUM, CHROMIUM_ARGS
from lazyviz.models import LazyTransformerLayer

WIDTH = 8
LAYERS = 24  # identical layers per stage in the wide model

FIRST_PAINT = """
() => new Promise((resolve) => {
  const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? null;
  const check = () => {
    if (mark('lazyviz:rendered') !== null) {
      requestAnimationFrame(() => resolve({
        paint: performance.now(), loader: mark('lazyviz:loader-start'),
        drawn: document.querySelectorAll('.lazyviz [data-path]').length,
      }));
    } else if (document.documentElement.dataset.lazyvizReady === 'error') {
      resolve({ error: document.getElementById('lazyviz-failure')?.textContent ?? 'error' });
    } else {
      requestAnimationFrame(check);
    }
  };
  check();
})
"""


def deep(modules: int) -> nn.Module:
    """A chain of ``Sequential(LazyLinear(w), ReLU())`` blocks under the root: 1 + 3 per block.

    Neighbouring blocks differ in width, so nothing folds: this is the case
    where every block is drawn (collapsed) and only culling keeps it fast.
    """
    blocks = max(1, round((modules - 1) / 3))
    return nn.Sequential(
        *[nn.Sequential(nn.LazyLinear(WIDTH + i % 3), nn.ReLU()) for i in range(blocks)]
    )


def wide(modules: int) -> nn.Module:
    """Stages of LAYERS identical layers: 1 + 289 per stage modules."""
    stages = max(1, round((modules - 1) / (1 + 12 * LAYERS)))
    return nn.Sequential(
        *[
            nn.Sequential(*[LazyTransformerLayer(WIDTH) for _ in range(LAYERS)])
            for _ in range(stages)
        ]
    )


KINDS = {
    "deep": (deep, lambda: torch.rand(2, WIDTH)),
    "wide": (wide, lambda: torch.rand(1, 4, WIDTH)),
}


def cpu(fn):
    gc.collect()
    t0 = time.process_time()
    out = fn()
    return out, time.process_time() - t0


def first_paint(browser: Browser, path: Path, repeat: int) -> tuple[float, float, int]:
    paints, loaders, drawn = [], [], 0
    for _ in range(repeat):
        context = browser.new_context(viewport={"width": 1200, "height": 800})
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="commit", timeout=300_000)
        r = page.evaluate(FIRST_PAINT)
        context.close()
        if "error" in r:
            raise RuntimeError(r["error"])
        paints.append(r["paint"] / 1000)
        loaders.append(r["loader"] / 1000)
        drawn = r["drawn"]
    return statistics.median(paints), statistics.median(loaders), drawn


def frame_times(
    browser: Browser, path: Path, seconds: float, speed: float
) -> tuple[float, float, int]:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.set_default_timeout(300_000)
    page.goto(path.as_uri(), timeout=300_000)
    page.wait_for_selector("html[data-lazyviz-ready]", state="attached")
    # Let an asynchronous relayout that follows the first paint settle first.
    page.wait_for_timeout(1500)
    r = page.evaluate(FRAME_TIMES, [seconds, speed])
    context.close()
    gaps = sorted(b - a for a, b in itertools.pairwise(r["stamps"]))
    return statistics.median(gaps), gaps[int(0.95 * (len(gaps) - 1))], r["step"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="lazyviz at scale")
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--kinds", default="deep,wide")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--animate-seconds", type=float, default=3.0)
    parser.add_argument("--speed", type=float, default=16.0)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    sizes = [int(s) for s in args.sizes.split(",")]
    kinds = args.kinds.split(",")

    rows: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for kind, size in itertools.product(kinds, sizes):
            build, batch = KINDS[kind]
            model, x = build(size), batch()
            modules = sum(1 for _ in model.modules())
            t, t_trace = cpu(partial(lazyviz.trace, model, x))
            w, t_widget = cpu(partial(lazyviz.LazyViz, model, x))
            path = w.to_html(Path(tmp) / f"{kind}-{size}.html")
            page_b = path.stat().st_size
            record_b = len(json.dumps(w.to_dict(), separators=(",", ":")))
            print(f"{kind} {modules:,}: page written", file=sys.stderr, flush=True)
            paint, loader, elements = first_paint(browser, path, args.repeat)
            median, p95, step = frame_times(browser, path, args.animate_seconds, args.speed)
            rows.append(
                {
                    "model": kind,
                    "modules": f"{modules:,}",
                    "nodes": f"{len(t.to_dict()['nodes']):,}",
                    "trace s": f"{t_trace:.2f}",
                    "LazyViz s": f"{t_widget:.2f}",
                    "page MB": f"{page_b / 1e6:.2f}",
                    "record MB": f"{record_b / 1e6:.2f}",
                    "budget MB": f"{(1e6 + 1e3 * modules) / 1e6:.1f}",
                    "loader s": f"{loader:.2f}",
                    "first paint s": f"{paint:.2f}",
                    "elements at paint": f"{elements:,}",
                    "frame ms median": f"{median:.1f}",
                    "frame ms p95": f"{p95:.1f}",
                    "step after play": f"{step:,}",
                }
            )
        browser.close()

    print("| " + " | ".join(rows[0]) + " |")
    print("|" + "---|" * len(rows[0]))
    for row in rows:
        print("| " + " | ".join(row.values()) + " |")
    print(
        "\ntargets at 20k modules: first paint <= 1.5 s, frame p95 <= 20 ms, "
        "page <= budget (1 MB + 1 KB per module). `elements at paint`: nodes with "
        "data-path in the DOM at first paint (hidden nodes of huge graphs get theirs "
        "when the page is idle)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
