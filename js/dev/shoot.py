"""Dev harness: render trace fixtures as offline pages and screenshot them.

    python js/dev/shoot.py [fixture ...] [--step N|end|mid] [--dark] [--out DIR]

Each page is the real offline page (`lazyviz.export.page`) with the built
bundle inline, so what you see is what `to_html` ships. Prints timings
(page load -> first paint) and console errors. Needs `npm run build` first.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from lazyviz.export.page import page

HERE = Path(__file__).resolve().parent
STATIC = HERE.parent.parent / "lazyviz" / "static"
FIXTURES = HERE.parent / "test" / "fixtures"


def state_for(names: list[str]) -> dict:
    runs = [json.loads((FIXTURES / f"{n}.json").read_text()) for n in names]
    return {"runs": runs, "run": len(runs) - 1, "step": 0, "playing": False, "speed": 1.0,
            "selected": "", "histograms": {}, "height": 560}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("fixtures", nargs="*", default=["mlp"])
    ap.add_argument("--step", default="0")
    ap.add_argument("--dark", action="store_true")
    ap.add_argument("--select", default="")
    ap.add_argument("--out", default="/tmp/lazyviz-shots")
    ap.add_argument("--width", type=int, default=1100)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    esm = (STATIC / "widget.js").read_text()
    css = (STATIC / "widget.css").read_text()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        ctx = browser.new_context(viewport={"width": args.width, "height": 640},
                                  color_scheme="dark" if args.dark else "light")
        for spec in args.fixtures:
            names = spec.split("+")
            st = state_for(names)
            st["selected"] = args.select
            html_path = out / f"{spec}.html"
            html_path.write_text(page(st, esm, css))
            pg = ctx.new_page()
            errors: list[str] = []
            pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            pg.on("pageerror", lambda e: errors.append(str(e)))
            t0 = time.perf_counter()
            pg.goto(html_path.as_uri())
            pg.wait_for_selector("html[data-lazyviz-ready=true]", timeout=20000)
            paint = pg.evaluate("performance.now()")
            wall = time.perf_counter() - t0
            steps = int(pg.get_attribute(".lazyviz", "data-steps") or 0)
            k = {"end": steps, "mid": steps // 2}.get(args.step)
            k = int(args.step) if k is None else k
            if k:
                pg.evaluate(f"window.lazyvizModel.set('step', {k})")
                pg.wait_for_timeout(300)
            tag = f"{spec}-{args.step}{'-dark' if args.dark else ''}"
            shot = out / f"{tag}.png"
            pg.screenshot(path=str(shot))
            states = pg.eval_on_selector_all(
                "[data-path]", "els => els.map(e => e.dataset.state).reduce((a, s) => (a[s] = (a[s]||0)+1, a), {})")
            print(f"{tag}: ready at {paint:.0f} ms (wall {wall*1000:.0f} ms), steps {steps}, states {states}, -> {shot}")
            for e in errors:
                print("  console error:", e)
            pg.close()
        browser.close()


if __name__ == "__main__":
    main()
