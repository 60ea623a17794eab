"""The widgets' pictures of themselves, made in the page by the bundle's own code (js/src/picture/).

``window.__lazyvizSnapshot`` is what the bundles expose for headless use:
``widgetPicture(root)`` for a LazyViz (with the details panel when a node is
selected), ``initsPicture(root)`` for a ``compare_inits`` widget and
``pictureAsPng(svg, width, height, scale)``. Each picture must be a
standalone SVG 1.1 document: it parses as XML, needs no stylesheet and holds
no HTML.
"""

from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import torch
from PIL import Image
from torch import nn

import lazyviz
from lazyviz.models import mlp

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def texts(root: ET.Element) -> list[str]:
    """Every <text> of an SVG (with its tspans), whitespace collapsed."""
    joined = (" ".join("".join(t.itertext()).split()) for t in root.iter(f"{SVG}text"))
    return [s for s in joined if s]


def parse(svg: str) -> ET.Element:
    """The picture as XML, after checking it is standalone: no CSS, no HTML, nothing fetched."""
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')
    assert "<style" not in svg and "var(--" not in svg and "color(srgb" not in svg
    assert "foreignObject" not in svg and not re.search(r'\sstyle="', svg)
    assert not re.search(r"(?:href|src)=\"(?:https?:|//)", svg)
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    return root


def png_of(view: Any, svg: str, root: ET.Element, scale: float) -> Image.Image:
    width, height = float(root.get("width", "0")), float(root.get("height", "0"))
    data = view.page.evaluate(
        "([s, w, h, k]) => window.__lazyvizSnapshot.pictureAsPng(s, w, h, k)",
        [svg, width, height, scale],
    )
    png = Image.open(io.BytesIO(base64.b64decode(data)))
    assert png.format == "PNG"
    assert png.size == (round(width * scale), round(height * scale))
    return png


@pytest.fixture(scope="module")
def widget() -> lazyviz.LazyViz:
    torch.manual_seed(0)
    w = lazyviz.LazyViz(mlp(), torch.rand(2, 20))
    w.step = w.steps
    return w


def test_widget_picture_includes_the_selected_nodes_panel(
    widget: lazyviz.LazyViz, tmp_path: Path, open_offline: Any
) -> None:
    view = open_offline(widget.to_html(tmp_path / "page.html"))
    picture = "() => window.__lazyvizSnapshot.widgetPicture(document.querySelector('.lazyviz'))"
    view.page.wait_for_timeout(500)  # the view's glide to the last step

    # Nothing selected: the graph alone (the legend panel is left out).
    plain = parse(view.page.evaluate(picture))
    assert plain.find(f".//{SVG}g[@class='lv-details']") is None
    graph_width = float(plain.get("width", "0"))

    view.page.locator('.lazyviz [data-path="0"]').first.click()
    view.page.locator(".lazyviz .lv-hist figcaption").first.wait_for()
    svg = view.page.evaluate(picture)
    root = parse(svg)
    written = texts(root)

    # The graph's labels, as before.
    assert "weight (256, 20)" in written and "weight (10, 256)" in written
    # The panel, to the right of the graph, its HTML text as SVG text.
    panel = root.find(f".//{SVG}g[@class='lv-details']")
    assert panel is not None
    assert float(root.get("width", "0")) > graph_width
    said = texts(panel)
    assert said[0] == "LazyLinear"
    for line in ("PARAMETERS", "VALUES WITH", "default", "weight", "bias", "(256, 20)", "(2, 256)"):
        assert line in said, (line, said)
    assert any(t.startswith("mean ") and "(expected" in t for t in said), said
    assert "×" not in said  # the close button is a control, not content

    # Each histogram of the picked initializer, copied with its styles written in.
    shown = view.page.locator(".lazyviz .lv-hist-svg").count()
    hists = panel.findall(f".//{SVG}svg[@class='lv-hist-svg']")
    assert len(hists) == shown == 2
    bars = hists[0].findall(f"{SVG}rect[@class='lv-bar-h']")
    assert len(bars) >= 10
    assert all(re.fullmatch(r"#[0-9a-f]{6}", b.get("fill") or "") for b in bars)
    assert any(t in texts(hists[0]) for t in ("0", "0.2", "-0.2"))

    out = tmp_path / "panel.svg"
    out.write_text(svg, encoding="utf-8")
    png = png_of(view, svg, root, scale=1)
    # The bars' blue is in the picture, inside the panel (right of the graph).
    panel_part = png.convert("RGB").crop((int(graph_width), 0, png.width, png.height))
    colours = panel_part.getcolors(maxcolors=1 << 16) or []
    bar = tuple(int((bars[0].get("fill") or "#000000")[i : i + 2], 16) for i in (1, 3, 5))
    assert any(c == bar for _, c in colours)
    view.log.assert_clean()


@pytest.fixture(scope="module")
def inits_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    layers = [nn.LazyLinear(32), nn.ReLU(), nn.LazyLinear(32), nn.ReLU(), nn.LazyLinear(4)]
    net = nn.Sequential(*layers)
    inits = {
        "N(0, 0.01)": "normal(std=0.01)",
        "xavier_uniform": "xavier_uniform",
        "<b>zeros</b>": "zeros",  # model text stays text
    }
    w = lazyviz.compare_inits(net, torch.randn(16, 10), inits=inits, seed=1)
    return w.to_html(tmp_path_factory.mktemp("inits") / "inits.html")


def test_inits_picture_places_every_chart(inits_page: Path, open_offline: Any) -> None:
    view = open_offline(inits_page, wait_for_widget=False)
    page = view.page
    page.wait_for_selector(".lazyviz-inits[data-ready]", state="attached", timeout=60_000)
    page.wait_for_function(
        "() => document.querySelectorAll('.lazyviz-inits-panel g.barlayer path').length > 0"
    )
    svg = page.evaluate(
        "() => window.__lazyvizSnapshot.initsPicture(document.querySelector('.lazyviz-inits'))"
    )
    root = parse(svg)
    written = texts(root)
    assert any(t.startswith("Initializers") for t in written)
    for label in ("N(0, 0.01)", "xavier_uniform", "<b>zeros</b>", "Activations across depth"):
        assert label in written, (label, written)
    assert any(t.startswith("std ") and "expected" in t for t in written)

    # The background is the widget's own.
    background = page.evaluate(
        "() => getComputedStyle(document.querySelector('.lazyviz-inits')).backgroundColor"
    )
    r, g, b = (int(v) for v in re.findall(r"\d+", background)[:3])
    assert root.findall(f"{SVG}rect")[0].get("fill") == f"#{r:02x}{g:02x}{b:02x}"

    # Every plotly chart, as plotly's own SVG export, at its place on screen.
    boxes = page.evaluate(
        """() => {
             const o = document.querySelector('.lazyviz-inits').getBoundingClientRect();
             return [...document.querySelectorAll('.lazyviz-inits .js-plotly-plot')].map(e => {
               const r = e.getBoundingClientRect();
               return [r.left - o.left, r.top - o.top];
             });
           }"""
    )
    images = root.findall(f".//{SVG}image")
    assert len(images) == len(boxes) >= 4  # a panel per initializer, activations, gradients
    for image, (x, y) in zip(images, boxes, strict=True):
        assert abs(float(image.get("x", "nan")) - x) < 0.01
        assert abs(float(image.get("y", "nan")) - y) < 0.01
        href = image.get(XLINK_HREF) or ""
        assert href.startswith("data:image/svg+xml;base64,")
        chart = ET.fromstring(base64.b64decode(href.split(",", 1)[1]))
        assert chart.tag == f"{SVG}svg"
    first = ET.fromstring(base64.b64decode((images[0].get(XLINK_HREF) or "").split(",", 1)[1]))
    bars = [e for e in first.iter(f"{SVG}g") if "barlayer" in (e.get("class") or "")]
    assert bars and any(True for _ in bars[0].iter(f"{SVG}path"))

    png = png_of(view, svg, root, scale=1)  # nested images draw (and leave the canvas readable)
    assert len(png.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 20
    view.log.assert_clean()
