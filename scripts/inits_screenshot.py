"""Write docs/compare_inits.png: the initializer comparison on a 20-layer lazy MLP.

    python scripts/inits_screenshot.py [--out docs/compare_inits.png] [--dark]

N(0, 0.01) makes the signal vanish layer after layer, N(0, 0.2) makes it
explode, Xavier loses a factor sqrt(2) at every ReLU, Kaiming keeps its
scale: the across-depth plot shows all four. The page is the exported
offline page, opened in headless Chromium with the network cut.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import torch
from playwright.sync_api import sync_playwright
from torch import nn

import lazyviz
from lazyviz.export.headless import CHROMIUM_ARGS

REPO = Path(__file__).resolve().parents[1]
INITS = [
    "normal(std=0.01)",
    "xavier_uniform",
    "kaiming_normal(nonlinearity='relu')",
    "normal(std=0.2)",
]


def deep_mlp(depth: int = 20, width: int = 256) -> nn.Sequential:
    layers: list[nn.Module] = []
    for _ in range(depth):
        layers += [nn.LazyLinear(width), nn.ReLU()]
    return nn.Sequential(*layers, nn.LazyLinear(10))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "compare_inits.png")
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    torch.manual_seed(0)
    w = lazyviz.compare_inits(deep_mlp(), torch.randn(512, 64), inits=INITS, seed=0)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as driver:
        page_path = w.to_html(Path(tmp) / "compare_inits.html")
        browser = driver.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 1200, "height": 800},
            color_scheme="dark" if args.dark else "light",
            device_scale_factor=1,
        )
        context.route(
            "**/*",
            lambda r: (
                r.continue_()
                if r.request.url.startswith(("file:", "blob:", "data:"))
                else r.abort()
            ),
        )
        page = context.new_page()
        page.goto(page_path.resolve().as_uri())
        page.wait_for_selector(".lazyviz-inits[data-ready]", state="attached", timeout=60_000)
        page.wait_for_selector(".lazyviz-inits-depth g.scatterlayer g.trace", timeout=60_000)
        page.locator("#lazyviz-root").screenshot(path=str(args.out))
        browser.close()
    print(args.out)


if __name__ == "__main__":
    main()
