"""The code stored once per notebook, and the picture kept in a widget's own output.

The traits and messages involved are in docs/widget-state.md.

Python's half: what a saved notebook stores per widget, the Runtime model
that holds the bundle, the kernel's answer when a front end asks for the
code, and the display re-published with the picture the front end sends.
The browser half (a real JupyterLab saving and nbconvert converting) is
``tests/browser/test_saved_notebook.py``.
"""

from __future__ import annotations

import json
from typing import Any

import ipywidgets
import pytest
import torch
from torch import nn

import lazyviz
from lazyviz.export.assets import bundle
from lazyviz.widgets import frontend
from lazyviz.widgets.frontend import MAX_DISPLAYS

SVG = '<svg xmlns="http://www.w3.org/2000/svg"><text>0 LazyLinear</text></svg>'
PICTURE = {"type": "lazyviz:picture", "mime": "image/svg+xml", "data": SVG}


def mlp() -> nn.Module:
    return nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))


def saved_state() -> dict[str, Any]:
    """What JupyterLab saves as the notebook's widget state: every live model's state."""
    return ipywidgets.Widget.get_manager_state(drop_defaults=True)["state"]


def size(state: dict[str, Any]) -> int:
    return len(json.dumps(state))


class Published:
    """Stands in for IPython's display functions; records what a kernel would publish."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import IPython.display as display

        self.shown: list[tuple[dict[str, Any], str]] = []
        self.updated: list[tuple[dict[str, Any], str]] = []
        monkeypatch.setattr(display, "display", self._display)
        monkeypatch.setattr(display, "update_display", self._update)

    def _display(self, data: dict[str, Any], *, raw: bool, metadata: Any, display_id: str) -> None:
        assert raw
        self.shown.append((data, display_id))

    def _update(self, data: dict[str, Any], *, raw: bool, metadata: Any, display_id: str) -> None:
        assert raw
        self.updated.append((data, display_id))


def sent_by(widget: Any, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    monkeypatch.setattr(widget, "send", lambda content, buffers=None: messages.append(content))
    return messages


def test_a_widget_stores_a_loader_and_names_the_runtime_that_holds_the_bundle() -> None:
    w = lazyviz.LazyViz(mlp(), torch.rand(2, 20))
    state = w.get_state()
    assert len(state["_esm"]) < 10_000 and not state.get("_css")
    ref = state["_runtime"]
    assert ref["name"] == "widget" and ref["version"] == bundle("widget").version
    runtime = saved_state()[ref["model"]]
    assert (
        runtime["model_name"] == "WidgetModel"
        and runtime["model_module"] == "@jupyter-widgets/base"
    )
    assert runtime["state"]["code"] == bundle("widget").code
    assert runtime["state"]["css"] == bundle("widget").css


def test_widgets_of_one_class_share_one_runtime_and_classes_do_not() -> None:
    a, b = lazyviz.LazyViz(mlp()), lazyviz.LazyViz(mlp())
    inits = lazyviz.compare_inits(mlp(), torch.rand(2, 20), grads=False)
    assert a._runtime == b._runtime
    assert inits._runtime["name"] == "inits" and inits._runtime["model"] != a._runtime["model"]


@pytest.mark.parametrize("make", ["LazyViz", "compare_inits"])
def test_a_further_instance_adds_at_most_50_kb_beyond_its_own_data(make: str) -> None:
    def one() -> Any:
        if make == "LazyViz":
            return lazyviz.LazyViz(mlp(), torch.rand(2, 20))
        return lazyviz.compare_inits(mlp(), torch.rand(2, 20), grads=False)

    first = one()
    before = size(saved_state())
    second = one()
    added = size(saved_state()) - before
    own = size({k: v for k, v in second.get_state().items() if not k.startswith("_")})
    assert added - own <= 50_000, f"{added:,} bytes added for {own:,} of data"
    print(f"{make}: the second instance adds {added:,} bytes, {own:,} of them its data")
    # and the bundle is in the saved state once, not zero times
    code = bundle(first._bundle).code
    assert json.dumps(saved_state()).count(json.dumps(code)[1:200]) == 1


def test_the_kernel_sends_the_code_to_a_front_end_that_asks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    w = lazyviz.LazyViz(mlp())
    sent = sent_by(w, monkeypatch)
    w._on_front_end_message(w, {"type": "lazyviz:code?"}, [])
    assert sent == [
        {
            "type": "lazyviz:code",
            "version": bundle("widget").version,
            "code": bundle("widget").code,
            "css": bundle("widget").css,
        }
    ]


def test_no_runtime_under_marimo_the_loader_asks_the_kernel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(frontend, "_in_marimo", lambda: True)
    assert frontend.runtime_ref("widget")["model"] == ""


def test_the_display_gets_the_front_ends_picture(monkeypatch: pytest.MonkeyPatch) -> None:
    published = Published(monkeypatch)
    w = lazyviz.LazyViz(mlp(), torch.rand(2, 20))
    sent = sent_by(w, monkeypatch)
    w._ipython_display_()
    ((data, display_id),) = published.shown
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["text/plain"] == repr(w) and "LazyLinear" in data["text/plain"]
    assert w._pictures, "the front end is told to send pictures"

    w._on_front_end_message(w, PICTURE, [])
    ((update, updated_id),) = published.updated
    assert updated_id == display_id
    assert update["image/svg+xml"] == SVG
    assert (
        update["application/vnd.jupyter.widget-view+json"]
        == data["application/vnd.jupyter.widget-view+json"]
    )
    assert sent == [{"type": "lazyviz:repaint", "count": 1}], "the repaint is announced first"
    assert w.picture == {"image/svg+xml": SVG}


def test_every_display_of_a_widget_gets_its_picture_and_a_new_one_starts_with_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    published = Published(monkeypatch)
    w = lazyviz.LazyViz(mlp())
    sent_by(w, monkeypatch)
    w._ipython_display_()
    w._ipython_display_()
    w._on_front_end_message(w, PICTURE, [])
    assert sorted(i for _, i in published.updated) == sorted(i for _, i in published.shown)
    w._ipython_display_()
    assert published.shown[-1][0]["image/svg+xml"] == SVG


def test_only_the_newest_displays_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    Published(monkeypatch)
    w = lazyviz.LazyViz(mlp())
    for _ in range(MAX_DISPLAYS + 5):
        w._ipython_display_()
    assert len(w._display_ids) == MAX_DISPLAYS


@pytest.mark.parametrize(
    "content",
    [
        {"type": "lazyviz:picture", "mime": "text/html", "data": "<script>x</script>"},
        {"type": "lazyviz:picture", "mime": "image/svg+xml", "data": 3},
        {"type": "lazyviz:picture", "mime": "image/svg+xml", "data": ""},
        {"type": "lazyviz:picture", "mime": "image/png", "data": "x" * (frontend.MAX_PICTURE + 1)},
        {"type": "something else"},
        "not a dict",
    ],
)
def test_a_malformed_picture_changes_nothing(monkeypatch: pytest.MonkeyPatch, content: Any) -> None:
    published = Published(monkeypatch)
    w = lazyviz.LazyViz(mlp())
    sent = sent_by(w, monkeypatch)
    w._ipython_display_()
    w._on_front_end_message(w, content, [])
    assert published.updated == [] and sent == [] and w.picture == {}


def test_the_same_picture_twice_is_published_once(monkeypatch: pytest.MonkeyPatch) -> None:
    published = Published(monkeypatch)
    w = lazyviz.LazyViz(mlp())
    sent_by(w, monkeypatch)
    w._ipython_display_()
    for _ in range(3):
        w._on_front_end_message(w, PICTURE, [])
    assert len(published.updated) == 1


def test_the_compare_inits_display_gets_its_picture_too(monkeypatch: pytest.MonkeyPatch) -> None:
    published = Published(monkeypatch)
    w = lazyviz.compare_inits(mlp(), torch.rand(2, 20), grads=False)
    sent_by(w, monkeypatch)
    w._ipython_display_()
    assert published.shown[0][0]["text/plain"] == repr(w)
    w._on_front_end_message(
        w, {"type": "lazyviz:picture", "mime": "image/png", "data": "iVBORw0KGgo="}, []
    )
    assert published.updated[0][0]["image/png"] == "iVBORw0KGgo="


def test_a_big_models_output_text_is_bounded_and_says_what_it_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    published = Published(monkeypatch)
    net = nn.Sequential(*[nn.LazyLinear(4) for _ in range(300)])
    w = lazyviz.LazyViz(net, torch.rand(2, 4))
    w._ipython_display_()
    text = published.shown[0][0]["text/plain"]
    full = repr(w)
    assert len(full.split("\n")) > 300, "repr itself stays the whole table"
    assert len(text.split("\n")) == frontend.MAX_TEXT_LINES
    assert text.startswith(full.split("\n")[0]) and text.endswith(full.split("\n")[-1])
    assert "more lines (repr(w) prints them all)" in text
