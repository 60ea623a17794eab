"""Pictures for slides: ``w.to_svg``, ``w.to_png``, ``w.to_gif`` and the CLI's formats.

README, "For slides", says what each is.

Each picture is checked against the offline page opened at the same step in
the test session's own browser: the PNG pixel for pixel (small tolerance),
the SVG text for text (every label and shape the graph shows, and the
caption).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
from PIL import Image, ImageChops, ImageStat

from lazyviz import LazyViz
from lazyviz.cli import main
from lazyviz.export import pictures
from lazyviz.models import mlp

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def picture_methods(monkeypatch: pytest.MonkeyPatch) -> None:
    """Until LazyViz has the methods itself, the functions stand in (tests call ``w.to_svg``)."""
    for name in ("to_svg", "to_png", "to_gif"):
        if not hasattr(LazyViz, name):
            monkeypatch.setattr(LazyViz, name, getattr(pictures, name), raising=False)


@pytest.fixture(scope="module")
def widget() -> Iterator[LazyViz]:
    torch.manual_seed(0)
    yield LazyViz(mlp(), torch.rand(2, 20))


def page_at(open_offline: Any, w: LazyViz, tmp_path: Path, k: int) -> Any:
    """The widget's offline page moved to step k as ``w.step = k`` moves it, at rest."""
    view = open_offline(w.to_html(tmp_path / "page.html"))
    view.set("step", k)
    view.page.wait_for_function(f"document.querySelector('.lazyviz').dataset.step === '{k}'")
    view.page.wait_for_timeout(700)  # the view's glide, travelling dots and colour transitions
    return view


def texts(root: ET.Element) -> list[str]:
    """Every text of an SVG (a <text> with its tspans), whitespace collapsed."""
    out = []
    for t in root.iter(f"{SVG}text"):
        s = " ".join("".join(t.itertext()).split())
        if s:
            out.append(s)
    return out


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    return sum(ImageStat.Stat(diff).mean) / 3


def test_svg_shows_the_step_labels_shapes_and_caption(
    widget: LazyViz, tmp_path: Path, open_offline: Any
) -> None:
    k = 6  # mid-animation: the first layer resolved, the last still unknown
    out = widget.to_svg(tmp_path / "step.svg", step=k)
    root = ET.parse(out).getroot()
    assert root.tag == f"{SVG}svg"
    assert root.get("data-step") == str(k) and root.get("data-steps") == str(widget.steps)

    view = page_at(open_offline, widget, tmp_path, k)
    shown = view.page.evaluate(
        """() => [...document.querySelectorAll('.lazyviz svg.lv-svg text')]
             .filter(t => t.getClientRects().length > 0)
             .map(t => t.textContent.replace(/\\s+/g, ' ').trim()).filter(Boolean)"""
    )
    caption = " ".join(view.page.locator(".lazyviz .lv-caption").text_content().split())
    states = view.states()

    written = texts(root)
    assert shown and set(shown) <= set(written), set(shown) - set(written)
    assert "weight (256, 20)" in written and "weight (10, ?)" in written
    captions = [t for t in root.iter(f"{SVG}text") if t.get("class") == "lv-caption-text"]
    assert len(captions) == 1 and "".join(captions[0].itertext()) == caption  # lines rejoin
    nodes = root.iter()
    drawn = {g.get("data-path"): g.get("data-state") for g in nodes if "data-path" in g.attrib}
    assert drawn == states  # every node, in the state the page shows
    assert drawn["0"] == "resolved" and drawn["2"] == "unresolved"
    assert root.find(f".//{SVG}rect") is not None and root.find(f".//{SVG}path") is not None
    # Standalone: no stylesheet, no class-dependent colours; nothing fetched.
    text = out.read_text(encoding="utf-8")
    assert "<style" not in text and "var(--" not in text and "color(srgb" not in text
    assert not re.search(r"(?:href|src)=\"(?:https?:|//)", text)


def test_svg_of_the_current_step_and_the_end(widget: LazyViz, tmp_path: Path) -> None:
    widget.step = widget.steps
    try:
        root = ET.parse(widget.to_svg(tmp_path / "end.svg")).getroot()
    finally:
        widget.step = 0
    assert root.get("data-step") == str(widget.steps)
    written = texts(root)
    assert "weight (10, 256)" in written and "out0 (2, 10)" in written
    assert any(t.startswith("Done:") for t in written)


def test_png_is_the_widget_at_that_step(widget: LazyViz, tmp_path: Path, open_offline: Any) -> None:
    k = 4
    png = Image.open(widget.to_png(tmp_path / "one.png", step=k, scale=1))
    view = page_at(open_offline, widget, tmp_path, k)
    shot = Image.open(io.BytesIO(view.root().screenshot()))
    assert png.size == shot.size
    assert mean_difference(png, shot) < 1.0


def test_png_scale(widget: LazyViz, tmp_path: Path, open_offline: Any) -> None:
    png = Image.open(widget.to_png(tmp_path / "two.png", step=0, scale=2))
    assert png.format == "PNG"
    view = open_offline(widget.to_html(tmp_path / "page.html"))
    css = view.root().bounding_box()
    assert abs(png.width - 2 * css["width"]) <= 2 and abs(png.height - 2 * css["height"]) <= 2


def test_gif_has_a_frame_per_step_and_is_small(widget: LazyViz, tmp_path: Path) -> None:
    out = widget.to_gif(tmp_path / "resolve.gif", fps=4)
    size = out.stat().st_size
    assert size < 2_000_000, f"{size:,} bytes"
    gif = Image.open(out)
    assert gif.format == "GIF" and gif.n_frames == widget.steps + 1
    durations = []
    for i in range(gif.n_frames):
        gif.seek(i)
        durations.append(gif.info["duration"])
    assert durations[0] == 250 and durations[-1] >= 2000  # the outcome is held
    # The last frame is the widget's end: compare with the PNG of the last step.
    end = Image.open(widget.to_png(tmp_path / "end.png", step=widget.steps, scale=1))
    assert gif.size == end.size
    assert mean_difference(gif.convert("RGB"), end) < 0.5


def test_gif_of_a_long_animation_samples_its_steps(widget: LazyViz, tmp_path: Path) -> None:
    gif = Image.open(widget.to_gif(tmp_path / "short.gif", fps=10, max_frames=4))
    assert gif.n_frames == 4


@pytest.mark.parametrize(
    ("suffix", "magic"),
    [
        (".html", b"<!doctype html"),
        (".svg", b"<?xml"),
        (".png", b"\x89PNG\r\n\x1a\n"),
        (".gif", b"GIF89a"),
    ],
)
def test_cli_writes_each_format(
    suffix: str, magic: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"demo{suffix}"
    assert main(["demo", "--out", str(out)]) == 0
    assert Path(capsys.readouterr().out.strip()) == out.resolve()
    assert out.read_bytes().startswith(magic)
    if suffix == ".svg":  # a still of the last step by default
        root = ET.parse(out).getroot()
        assert root.get("data-step") == root.get("data-steps") == "12"
    if suffix == ".png":
        assert Image.open(out).size == (2 * 1168, 2 * 640)  # scale 2, the demo's 640 px height


def test_cli_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "three.svg"
    assert main(["demo", "--out", str(out), "--step", "3"]) == 0
    assert ET.parse(out).getroot().get("data-step") == "3"
    png = tmp_path / "three.png"
    assert main(["demo", "--out", str(png), "--step", "3", "--scale", "1"]) == 0
    assert Image.open(png).size == (1168, 640)
