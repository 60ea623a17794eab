"""Both widgets take the host's theme from what the host paints, then its variables.

Offline pages rewritten to imitate hosts: VS Code (``--vscode-*`` on <html>,
painted or not, while the exported page's own ``--jp-*`` light defaults stay
defined), a live switch of the host's background, and marimo (the widget in a
shadow root whose surroundings are dark while the OS is light). Text contrast
is checked with the WCAG ratio: body text >= 4.5, secondary >= 4.5 and the
faintest >= 3.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

import lazyviz
from lazyviz.models import mlp

GRAPH = ".lazyviz"
INITS = ".lazyviz-inits"

VSCODE_DARK = "--vscode-editor-background: #1e1e1e; --vscode-editor-foreground: #d4d4d4;"
VSCODE_LIGHT = "--vscode-editor-background: #ffffff; --vscode-editor-foreground: #3b3b3b;"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("theme")
    graph = lazyviz.LazyViz(mlp(), torch.randn(4, 8)).to_html(out / "graph.html")
    net = nn.Sequential(nn.LazyLinear(16), nn.ReLU(), nn.LazyLinear(4))
    inits = lazyviz.compare_inits(
        net, torch.randn(8, 6), inits={"xavier": "xavier_uniform", "small": "normal(std=0.01)"}
    ).to_html(out / "inits.html")
    return {GRAPH: Path(graph), INITS: Path(inits)}


def _variant(
    path: Path, name: str, *, head: str = "", page_css: str | None = None, script: str = ""
) -> Path:
    """The exported page with extra CSS, its page CSS replaced, or a script run before render."""
    text = path.read_text()
    if page_css is not None:
        text = re.sub(
            r"<style>.*?</style>", lambda _: f"<style>{page_css}</style>", text, count=1, flags=re.S
        )
    text = text.replace("</head>", f"<style>{head}</style>\n</head>", 1)
    if script:
        nonce = re.search(r'<script type="module" nonce="([^"]+)"', text)
        assert nonce
        text = text.replace(
            '<script type="module"',
            f'<script nonce="{nonce.group(1)}">{script}</script>\n<script type="module"',
            1,
        )
    out = path.with_name(f"{path.stem}-{name}.html")
    out.write_text(text)
    return out


def _ready(view: Any, sel: str) -> None:
    if sel == INITS:
        view.page.wait_for_selector(f"{sel}[data-ready]", state="attached", timeout=60_000)
    view.page.wait_for_function(
        "s => { const r = document.querySelector('#shadow-host')?.shadowRoot?.querySelector(s)"
        " ?? document.querySelector(s); return r && r.dataset.lvTheme; }",
        arg=sel,
        timeout=10_000,
    )


def _palette(view: Any, sel: str) -> dict[str, Any]:
    """The root's painted colours and --lv-* palette, parsed to RGB."""
    raw = view.page.evaluate(
        """s => { const r = document.querySelector('#shadow-host')?.shadowRoot?.querySelector(s)
                           ?? document.querySelector(s);
                 const cs = getComputedStyle(r);
                 const v = n => cs.getPropertyValue(n).trim();
                 const plot = r.querySelector('.js-plotly-plot');
                 return { bg: cs.backgroundColor, color: cs.color, fg2: v('--lv-fg-2'),
                          fg3: v('--lv-fg-3'), theme: r.dataset.lvTheme,
                          source: r.dataset.lvThemeSource,
                          axis: plot ? plot._fullLayout.xaxis.color : null }; }""",
        sel,
    )
    out: dict[str, Any] = {"theme": raw["theme"], "source": raw["source"]}
    for key in ("bg", "color", "fg2", "fg3", "axis"):
        out[key] = _rgb(raw[key]) if raw[key] else None
    return out


def _rgb(text: str) -> tuple[float, float, float]:
    if text.startswith("#"):
        h = text[1:]
        return tuple(int(h[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]
    nums = [float(x) for x in re.findall(r"[\d.]+", text)[:4]]
    assert len(nums) == 3 or nums[3] == 1, f"not opaque: {text}"
    return nums[0], nums[1], nums[2]


def _lum(c: tuple[float, float, float]) -> float:
    lin = [v / 255 / 12.92 if v / 255 <= 0.03928 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in c]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    x, y = sorted([_lum(a), _lum(b)], reverse=True)
    return (x + 0.05) / (y + 0.05)


def _assert_readable(p: dict[str, Any], *, dark: bool) -> None:
    assert p["theme"] == ("dark" if dark else "light"), p
    assert (_lum(p["bg"]) < 0.1) == dark, (
        f"background {p['bg']} is not {'dark' if dark else 'light'}"
    )
    assert contrast(p["color"], p["bg"]) >= 4.5, p
    assert contrast(p["fg2"], p["bg"]) >= 4.5, p
    assert contrast(p["fg3"], p["bg"]) >= 3, p
    if p["axis"] is not None:  # plotly's axis (line, tick and label) colour
        assert contrast(p["axis"], p["bg"]) >= 4.5, p


@pytest.mark.parametrize("sel", [GRAPH, INITS])
@pytest.mark.parametrize("dark", [True, False], ids=["dark", "light"])
def test_vscode_painted(open_offline: Any, exported: dict[str, Path], sel: str, dark: bool) -> None:
    """VS Code paints its editor colour; the page's --jp-* light defaults do not win."""
    vs = VSCODE_DARK if dark else VSCODE_LIGHT
    path = _variant(
        exported[sel],
        f"vscode-{dark}",
        head=(
            f":root {{ {vs} }} html, body {{ background: var(--vscode-editor-background);"
            " color: var(--vscode-editor-foreground); }"
        ),
    )
    # the OS says the opposite of the host: the host wins
    view = open_offline(path, dark=not dark, wait_for_widget=False)
    _ready(view, sel)
    p = _palette(view, sel)
    assert p["source"] == "painted"
    _assert_readable(p, dark=dark)
    view.log.assert_clean()


@pytest.mark.parametrize("sel", [GRAPH, INITS])
@pytest.mark.parametrize("dark", [True, False], ids=["dark", "light"])
def test_vscode_variables_only(
    open_offline: Any, exported: dict[str, Path], sel: str, dark: bool
) -> None:
    """Nothing painted behind the output and no --jp-*: the --vscode-* variables decide."""
    vs = VSCODE_DARK if dark else VSCODE_LIGHT
    path = _variant(
        exported[sel],
        f"vsvars-{dark}",
        page_css=(
            f":root {{ {vs} }} html, body {{ margin: 0; padding: 16px; background: transparent; }}"
        ),
    )
    view = open_offline(path, dark=not dark, wait_for_widget=False)
    _ready(view, sel)
    p = _palette(view, sel)
    assert p["source"] == "vscode"
    _assert_readable(p, dark=dark)


@pytest.mark.parametrize("sel", [GRAPH, INITS])
def test_live_switch(open_offline: Any, exported: dict[str, Path], sel: str) -> None:
    """The host turns dark after render, then light again: the widget (and plotly) follow."""
    view = open_offline(exported[sel], wait_for_widget=False)
    _ready(view, sel)
    _assert_readable(_palette(view, sel), dark=False)
    page = view.page
    page.evaluate(
        "() => { document.body.style.background = '#1e1e1e';"
        " document.body.style.color = '#d4d4d4'; }"
    )
    wait = """([s, want]) => { const r = document.querySelector(s);
                 const plot = r.querySelector('.js-plotly-plot');
                 const fg = getComputedStyle(r).color;
                 const axisOk = !plot || plot._fullLayout.xaxis.color === fg;
                 return r.dataset.lvTheme === want && axisOk; }"""
    page.wait_for_function(wait, arg=[sel, "dark"], timeout=1_000)
    _assert_readable(_palette(view, sel), dark=True)
    page.evaluate("() => { document.body.removeAttribute('style'); }")
    page.wait_for_function(wait, arg=[sel, "light"], timeout=1_000)
    _assert_readable(_palette(view, sel), dark=False)
    view.log.assert_clean()


_SHADOW = """
(() => {
  // marimo: the widget lives in a shadow root, with its CSS copied in; the
  // dark surface is painted outside it, on the host's parent.
  const old = document.getElementById('lazyviz-root');
  const wrap = document.createElement('div');
  wrap.id = 'marimo-app';
  const host = document.createElement('div');
  host.id = 'shadow-host';
  wrap.appendChild(host);
  old.replaceWith(wrap);
  const shadow = host.attachShadow({ mode: 'open' });
  shadow.appendChild(document.getElementById('lazyviz-css').cloneNode(true));
  const inner = document.createElement('div');
  inner.id = 'lazyviz-root';
  shadow.appendChild(inner);
  const byId = document.getElementById.bind(document);
  document.getElementById = (id) => id === 'lazyviz-root' ? inner : byId(id);
})();
"""


@pytest.mark.parametrize("sel", [GRAPH, INITS])
def test_shadow_dom_host(open_offline: Any, exported: dict[str, Path], sel: str) -> None:
    """marimo dark with the OS light: the surface around the shadow root decides."""
    path = _variant(
        exported[sel],
        "shadow",
        script=_SHADOW,
        head=("#marimo-app { background: #181c1a; color: #e4e4e4; padding: 12px; }"),
    )
    view = open_offline(path, dark=False, wait_for_widget=False)
    _ready(view, sel)
    p = _palette(view, sel)
    assert p["source"] == "painted"
    _assert_readable(p, dark=True)
