"""Widget benchmarks on exported offline pages in headless Chromium (not a test).

    python benchmarks/bench_widget.py [--repeat 5] [--animate-seconds 3]

- first full paint: from navigation start to the first animation frame after
  every graph node of the record is in the DOM (measured in the page with
  ``performance.now()``, which counts from navigation start), for a
  ResNet-50-like lazy model (bottleneck blocks [3, 4, 6, 3]) and a 100-layer
  ``LazyLinear(256)`` + ReLU MLP. Target <= 0.4 s; torchvista's offline page
  takes 0.79 s / 1.07 s on this machine.
- frame time while the animation plays on a 1,000-node graph, from
  ``requestAnimationFrame`` timestamps in the page. Target 60 fps (16.7 ms).
- the exported page's size.

"bundle imported" is the page's ``lazyviz:esm-imported`` mark: the share of
the first paint spent before the widget's code starts rendering (parsing the
page, decoding the embedded bundle, evaluating it).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch
from playwright.sync_api import Page, sync_playwright
from torch import nn

import lazyviz
from lazyviz.export.headless import CHROMIUM, CHROMIUM_ARGS

# Resolves when every node of the record has an element and one more frame has been drawn.
FIRST_FULL_PAINT = """
(expected) => new Promise((resolve) => {
  const check = () => {
    const root = document.querySelector('.lazyviz[data-steps]');
    const drawn = document.querySelectorAll('.lazyviz [data-path]').length;
    if (root && drawn >= expected) {
      requestAnimationFrame(() => resolve({ ms: performance.now(), drawn }));
    } else {
      requestAnimationFrame(check);
    }
  };
  check();
})
"""

# Plays the animation and collects requestAnimationFrame timestamps for `seconds`.
FRAME_TIMES = """
([seconds, speed]) => new Promise((resolve) => {
  const model = window.lazyvizModel;
  const stamps = [];
  model.set('speed', speed);
  model.set('playing', true);
  const tick = (t) => {
    stamps.push(t);
    if (t - stamps[0] < seconds * 1000) requestAnimationFrame(tick);
    else {
      const step = document.querySelector('.lazyviz').dataset.step;
      model.set('playing', false);
      resolve({ stamps, step: Number(step) });
    }
  };
  requestAnimationFrame(tick);
})
"""


class Bottleneck(nn.Module):
    """ResNet-50's bottleneck block with lazy layers; the first block of a stage projects."""

    def __init__(self, width: int, stride: int = 1, project: bool = False) -> None:
        super().__init__()
        self.conv1 = nn.LazyConv2d(width, 1, bias=False)
        self.bn1 = nn.LazyBatchNorm2d()
        self.conv2 = nn.LazyConv2d(width, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.LazyBatchNorm2d()
        self.conv3 = nn.LazyConv2d(width * 4, 1, bias=False)
        self.bn3 = nn.LazyBatchNorm2d()
        self.relu = nn.ReLU()
        self.downsample: nn.Module | None = None
        if project:
            self.downsample = nn.Sequential(
                nn.LazyConv2d(width * 4, 1, stride=stride, bias=False), nn.LazyBatchNorm2d()
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        shortcut = x if self.downsample is None else self.downsample(x)
        return self.relu(y + shortcut)


def resnet50_like() -> nn.Module:
    layers: list[nn.Module] = [
        nn.LazyConv2d(64, 7, stride=2, padding=3, bias=False),
        nn.LazyBatchNorm2d(),
        nn.ReLU(),
        nn.MaxPool2d(3, stride=2, padding=1),
    ]
    for i, (blocks, width) in enumerate(zip([3, 4, 6, 3], [64, 128, 256, 512], strict=True)):
        stage = [Bottleneck(width, stride=1 if i == 0 else 2, project=True)]
        stage += [Bottleneck(width) for _ in range(blocks - 1)]
        layers.append(nn.Sequential(*stage))
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.LazyLinear(1000)]
    return nn.Sequential(*layers)


def deep_mlp(layers: int, width: int = 256) -> nn.Module:
    mods: list[nn.Module] = []
    for _ in range(layers):
        mods += [nn.LazyLinear(width), nn.ReLU()]
    return nn.Sequential(*mods)


def _open(page: Page, path: Path) -> None:
    page.goto(path.as_uri())
    page.wait_for_selector("html[data-lazyviz-ready]", state="attached", timeout=120_000)


MARK = "() => performance.getEntriesByName('lazyviz:esm-imported')[0]?.startTime ?? NaN"


def first_full_paint(browser, path: Path, nodes: int, repeat: int) -> tuple[float, float]:
    """Median seconds to the first full paint, and to the bundle being imported (a part of it)."""
    times, imported = [], []
    for _ in range(repeat):
        context = browser.new_context(viewport={"width": 1200, "height": 800})
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="commit")
        result = page.evaluate(FIRST_FULL_PAINT, nodes)
        times.append(result["ms"] / 1000)
        imported.append(page.evaluate(MARK) / 1000)
        context.close()
    return statistics.median(times), statistics.median(imported)


def frame_times(browser, path: Path, seconds: float, speed: float) -> tuple[float, float, float]:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    _open(page, path)
    page.wait_for_selector(".lazyviz[data-steps]", state="attached", timeout=120_000)
    result = page.evaluate(FRAME_TIMES, [seconds, speed])
    context.close()
    stamps = result["stamps"]
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    gaps.sort()
    median = statistics.median(gaps)
    p95 = gaps[int(0.95 * (len(gaps) - 1))]
    return median, p95, 1000 * len(gaps) / (stamps[-1] - stamps[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="lazyviz widget benchmarks")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--animate-seconds", type=float, default=3.0)
    args = parser.parse_args(argv)

    cases = {
        "ResNet-50-like [3,4,6,3]": (resnet50_like(), torch.rand(1, 3, 224, 224)),
        "100-layer lazy MLP": (deep_mlp(100), torch.rand(2, 20)),
        "1,000-node MLP (500 x Linear+ReLU)": (deep_mlp(500, 16), torch.rand(2, 20)),
    }
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, (model, batch) in cases.items():
            t0 = time.perf_counter()
            widget = lazyviz.LazyViz(model, batch)
            build = time.perf_counter() - t0
            record = widget.to_dict()
            path = widget.to_html(Path(tmp) / "page.html")
            size = path.stat().st_size
            paint, imported = first_full_paint(browser, path, len(record["nodes"]), args.repeat)
            median = p95 = fps = float("nan")
            if name.startswith("1,000"):
                median, p95, fps = frame_times(browser, path, args.animate_seconds, 16.0)
            nodes = len(record["nodes"])
            rows.append((name, nodes, build, imported, paint, size, median, p95, fps))
        browser.close()

    head = ("model", "nodes", "trace+widget s", "bundle imported s", "first full paint s")
    head += ("page MB",)
    head += ("frame ms (median)", "frame ms (p95)", "fps")
    print(" | ".join(head))
    print(" | ".join("---" for _ in head))
    for name, nodes, build, imported, paint, size, median, p95, fps in rows:
        cells = [name, str(nodes), f"{build:.2f}", f"{imported:.3f}", f"{paint:.3f}"]
        cells += [f"{size / 1e6:.2f}"]
        cells += ["-" if median != median else f"{v:.1f}" for v in (median, p95, fps)]
        print(" | ".join(cells))
    print(
        "\ntargets: first full paint <= 0.4 s (torchvista offline: 0.79 s ResNet-50, 1.07 s MLP);"
    )
    print("animation >= 60 fps on 1,000 nodes (frame <= 16.7 ms).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
