"""End to end in marimo edit mode: the widget renders, Python plays it, it follows marimo's theme.

Starts ``marimo edit --headless --no-token`` on 127.0.0.1 through servers.py
with a user config of its own (``$XDG_CONFIG_HOME/marimo/marimo.toml``) and
opens the notebook below in the session's Chromium.

Measured here (marimo 0.25.2):

- ``marimo edit`` has no theme option; the theme is the user config's
  ``[display] theme = "light" | "dark" | "system"`` (default "light"). The
  page then carries ``class="light light-theme"`` or ``"dark dark-theme"`` on
  <body>, whatever the OS colour scheme, and paints its own backgrounds.
- With the default ``[runtime] auto_instantiate = false`` opening a notebook
  runs nothing: every cell is stale until "run all stale cells" is clicked.
  The config here sets ``auto_instantiate = true``: cells run on open.
- A closed page's session (and its kernel) lives on and the next page
  reconnects to it ("Reconnected" banner over the cells, the last page's
  state); ``--session-ttl=0`` gives every page a fresh run.
- ``mo.ui.anywidget(w)`` renders the widget inside a shadow root (Playwright's
  CSS locators pierce it; ``document.querySelector`` does not), and so does a
  bare ``AnyWidget`` as a cell's last expression: marimo registers a
  formatter for ``anywidget.AnyWidget`` that wraps it the same way (the
  ``compare_inits`` cell shows it bare). Front-end changes (step, playing)
  reach the Python object, and traits set from Python in another cell reach
  the front end.
- marimo defines no ``--jp-*`` variables; the widgets read the background it
  paints behind the shadow host (dark: ``rgb(24, 28, 26)``, the body's own
  colour), ``data-lv-theme-source="painted"``, whatever the OS scheme.
- Keys reach the focused widget root inside the shadow root (marimo's
  ``document.activeElement`` is the ``<marimo-anywidget>`` host) and marimo
  does not move the focus on arrows.
- Right after the first draw the graph's fills are still fading in (CSS
  transitions); screenshots wait for the root's animations to finish. They go
  to out/marimo-light.png, out/marimo-dark.png and out/marimo-dark-inits.png.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Literal

import pytest
from jupyter_ui import contrast as _contrast
from jupyter_ui import lum as _lum
from jupyter_ui import rgb as _rgb
from playwright.sync_api import Browser, BrowserContext, Page
from servers import marimo_server

pytestmark = pytest.mark.lab

REPO = Path(__file__).resolve().parents[2]
GRAPH = ".lazyviz"
INITS = ".lazyviz-inits"

NOTEBOOK = """\
import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo
    import torch
    from torch import nn

    import lazyviz
    return lazyviz, mo, nn, torch


@app.cell
def _(lazyviz, mo, nn, torch):
    net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
    X = torch.rand(2, 20)
    w = lazyviz.LazyViz(net, X)
    mo.ui.anywidget(w)
    return net, w


@app.cell
def _(mo):
    play = mo.ui.run_button(label="play from Python")
    report = mo.ui.run_button(label="report position")
    mo.hstack([play, report])
    return play, report


@app.cell
def _(mo, play, w):
    mo.stop(not play.value)
    w.speed = 8.0
    w.playing = True
    return


@app.cell
def _(mo, net, report, w):
    mo.stop(not report.value)
    mo.md(f"position {w.step} {w.steps} {w.playing} {type(net[0].weight).__name__}")
    return


@app.cell
def _(lazyviz, nn, torch):
    inits = lazyviz.compare_inits(
        nn.Sequential(nn.LazyLinear(16), nn.ReLU(), nn.LazyLinear(4)),
        torch.randn(8, 6),
        inits={"xavier": "xavier_uniform", "small": "normal(std=0.01)"},
    )
    inits
    return


if __name__ == "__main__":
    app.run()
"""


@pytest.fixture(scope="module")
def marimo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    """``marimo(theme) -> URL`` of a ``marimo edit`` server with that display theme.

    One server per theme for the module (a theme is user config, read at start).
    """
    servers: dict[str, str] = {}
    with ExitStack() as stack:

        def start(theme: str) -> str:
            if theme not in servers:
                config: dict[str, dict[str, Any]] = {
                    "display": {"theme": theme},
                    "runtime": {"auto_instantiate": True},
                }
                server = marimo_server(tmp_path_factory, NOTEBOOK, config=config)
                _, servers[theme] = stack.enter_context(server)
            return servers[theme]

        yield start


def _open(
    chromium: Browser, url: str, *, os_scheme: Literal["light", "dark"]
) -> tuple[BrowserContext, Page]:
    """A new page on ``url`` with the OS colour scheme emulated; waits for the graph."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, color_scheme=os_scheme)
    page = context.new_page()
    page.goto(url)
    page.locator(f"{GRAPH}[data-steps]").first.wait_for(state="attached", timeout=120_000)
    return context, page


def _palette(page: Page, sel: str) -> dict[str, Any]:
    """The widget root's theme, painted background and text colours (RGB)."""
    raw = page.locator(sel).first.evaluate(
        """r => { const cs = getComputedStyle(r);
                 const v = n => cs.getPropertyValue(n).trim();
                 const plot = r.querySelector('.js-plotly-plot');
                 return { theme: r.dataset.lvTheme, source: r.dataset.lvThemeSource,
                          bg: cs.backgroundColor, color: cs.color, fg2: v('--lv-fg-2'),
                          fg3: v('--lv-fg-3'),
                          axis: plot ? plot._fullLayout.xaxis.color : null }; }"""
    )
    out: dict[str, Any] = {"theme": raw["theme"], "source": raw["source"], "raw": raw}
    for key in ("bg", "color", "fg2", "fg3", "axis"):
        if raw[key] is None:
            out[key] = None
            continue
        assert raw[key].startswith("rgb("), raw  # what _rgb parses
        out[key] = _rgb(raw[key])
    return out


def _assert_readable(p: dict[str, Any], *, dark: bool) -> None:
    assert p["theme"] == ("dark" if dark else "light"), p
    assert p["source"] == "painted", p  # from what marimo paints, not the OS
    if dark:
        assert _lum(p["bg"]) < 0.1, p
    else:
        assert _lum(p["bg"]) > 0.6, p
    assert _contrast(p["color"], p["bg"]) >= 4.5, p
    assert _contrast(p["fg2"], p["bg"]) >= 4.5, p
    assert _contrast(p["fg3"], p["bg"]) >= 3, p
    if p["axis"] is not None:  # plotly's axis (line, tick and label) colour
        assert _contrast(p["axis"], p["bg"]) >= 4.5, p


def _shoot(page: Page, sel: str, name: str) -> None:
    """Scroll the widget into view, let its transitions finish, save out/<name>."""
    root = page.locator(sel).first
    root.scroll_into_view_if_needed()
    root.evaluate(
        """r => new Promise(done => { const check = () =>
             r.getAnimations({ subtree: true }).length === 0 ? done(true)
                                                             : requestAnimationFrame(check);
           check(); })"""
    )
    out = REPO / "out"
    out.mkdir(exist_ok=True)
    page.screenshot(path=str(out / name))


def test_marimo_renders_plays_from_python_and_syncs(
    marimo: Callable[[str], str], chromium: Browser
) -> None:
    context, page = _open(chromium, marimo("light"), os_scheme="light")
    try:
        root = page.locator(GRAPH).first
        assert root.get_attribute("data-step") == "0"
        steps = root.get_attribute("data-steps")
        assert steps is not None and int(steps) > 0
        lazy = root.locator('[data-path="0"]').first
        assert lazy.get_attribute("data-state") == "unresolved"

        # A later cell sets w.speed = 8.0; w.playing = True (run by its button).
        page.get_by_role("button", name="play from Python").click()
        page.locator(f'{GRAPH}[data-step="{steps}"]').first.wait_for(
            state="attached", timeout=60_000
        )
        assert lazy.get_attribute("data-state") == "resolved"

        # The front end wrote step and playing back; the user's net stayed lazy.
        page.get_by_role("button", name="report position").click()
        page.get_by_text(f"position {steps} {steps} False UninitializedParameter").wait_for(
            timeout=60_000
        )
    finally:
        context.close()


def test_marimo_keys_stay_with_the_focused_widget(
    marimo: Callable[[str], str], chromium: Browser
) -> None:
    """Keyboard only: arrows, End and Home step the focused widget, Space plays; the
    focus stays on the widget (inside marimo's shadow root) throughout."""
    context, page = _open(chromium, marimo("light"), os_scheme="light")
    try:
        root = page.locator(GRAPH).first
        steps = root.get_attribute("data-steps")
        root.locator(".lv-counter").click()  # a click on the widget, not on a control
        root.focus()
        focused = "r => r.getRootNode().activeElement === r"
        assert root.evaluate(focused)
        page.keyboard.press("ArrowRight")
        page.locator(f'{GRAPH}[data-step="1"]').first.wait_for(state="attached", timeout=10_000)
        page.keyboard.press("End")
        page.locator(f'{GRAPH}[data-step="{steps}"]').first.wait_for(
            state="attached", timeout=10_000
        )
        page.keyboard.press("Home")
        page.locator(f'{GRAPH}[data-step="0"]').first.wait_for(state="attached", timeout=10_000)
        for key in ("ArrowDown", "ArrowUp", "ArrowDown"):
            page.keyboard.press(key)
        assert root.evaluate(focused), "marimo took the focus (and the widget's keys)"
        page.keyboard.press("Space")
        page.locator(f'{GRAPH}[data-playing="true"], {GRAPH}[data-step="{steps}"]').first.wait_for(
            state="attached", timeout=10_000
        )
    finally:
        context.close()


def test_marimo_light_theme_wins_over_a_dark_os(
    marimo: Callable[[str], str], chromium: Browser
) -> None:
    context, page = _open(chromium, marimo("light"), os_scheme="dark")
    try:
        page.locator("body.light-theme").wait_for(state="attached", timeout=30_000)
        page.locator(f'{GRAPH}[data-lv-theme="light"]').first.wait_for(
            state="attached", timeout=30_000
        )
        _assert_readable(_palette(page, GRAPH), dark=False)
        _shoot(page, GRAPH, "marimo-light.png")
    finally:
        context.close()


def test_marimo_dark_theme_wins_over_a_light_os(
    marimo: Callable[[str], str], chromium: Browser
) -> None:
    """marimo dark, OS light: the graph and the compare_inits widget are dark and readable."""
    context, page = _open(chromium, marimo("dark"), os_scheme="light")
    try:
        page.locator("body.dark-theme").wait_for(state="attached", timeout=30_000)
        page.locator(f'{GRAPH}[data-lv-theme="dark"]').first.wait_for(
            state="attached", timeout=30_000
        )
        _assert_readable(_palette(page, GRAPH), dark=True)
        _shoot(page, GRAPH, "marimo-dark.png")

        page.locator(f'{INITS}[data-ready][data-lv-theme="dark"]').first.wait_for(
            state="attached", timeout=120_000
        )
        _assert_readable(_palette(page, INITS), dark=True)
        _shoot(page, INITS, "marimo-dark-inits.png")
    finally:
        context.close()
