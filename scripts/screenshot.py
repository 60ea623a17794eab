"""Write docs/screenshot.png: the widget mid-animation, from an exported offline page.

    python scripts/screenshot.py [--model mlp] [--out docs/screenshot.png] [--dark]

The position is set from Python (no timing involved): just after the batch
enters the model's last lazy module, so earlier layers are resolved and
coloured while the last one still shows ``?``. The first lazy module is
selected, so the details panel shows its shapes before and after.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from lazyviz.export.headless import CHROMIUM, CHROMIUM_ARGS

REPO = Path(__file__).resolve().parents[1]


def mid_animation(record: dict) -> tuple[int, str]:
    """The step just after entering the last lazy module, and the first lazy module's id."""
    lazy = [n["id"] for n in record["nodes"] if n["kind"] == "module" and n["lazy"]]
    if not lazy:
        return len(record["events"]) // 2, ""
    enters = [i for i, e in enumerate(record["events"]) if e["kind"] == "enter"]
    last = max(i for i in enters if record["events"][i]["node"] == lazy[-1])
    return last + 1, lazy[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="mlp", help="a built-in demo model (lazyviz demo)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshot.png")
    parser.add_argument("--dark", action="store_true", help="prefers-color-scheme: dark")
    parser.add_argument("--width", type=int, default=1100)
    args = parser.parse_args(argv)

    from lazyviz import LazyViz
    from lazyviz.models import demo

    model, batch = demo(args.model)
    widget = LazyViz(model, batch)
    widget.step, widget.selected = mid_animation(widget.to_dict())

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as driver:
        page_path = widget.to_html(Path(tmp) / "page.html")
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": args.width, "height": 800},
            device_scale_factor=2,
            color_scheme="dark" if args.dark else "light",
        )
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(("file:", "blob:", "data:"))
                else route.abort()
            ),
        )
        page = context.new_page()
        page.goto(page_path.as_uri())
        page.wait_for_selector("html[data-lazyviz-ready]", state="attached")
        page.wait_for_selector(".lazyviz[data-steps]", state="attached", timeout=30_000)
        page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.locator("#lazyviz-root").screenshot(path=str(args.out))
        browser.close()
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
