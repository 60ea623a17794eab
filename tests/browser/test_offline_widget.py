"""Exported pages of the real widget in headless Chromium, network cut.

Checked against the DOM contract of docs/widget-state.md. Before playing, a
lazy module is ``unresolved``; at the end every node the batch visited is
``resolved`` (or ``error``); hostile names and messages show as text and add
no elements; nothing is requested from the network; the console stays clean.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

import lazyviz
from lazyviz.cli import main as cli_main
from lazyviz.models import mlp

X = torch.rand(2, 20)
HOSTILE_PATH = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"
HOSTILE_MESSAGE = "<img src=y onerror=alert(3)></script><!--<script>alert(4)</script> &lt;b&gt;"
HOSTILE_CLASS = "<b onmouseover=alert(5)>Evil</b>"


def _visited(record: dict[str, Any]) -> set[str]:
    return {n["path"] for n in record["nodes"] if n["calls"] > 0}


def _lazy_modules(record: dict[str, Any]) -> set[str]:
    return {n["path"] for n in record["nodes"] if n["kind"] == "module" and n["lazy"]}


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, Any]]]:
    """Each exported page once per module, with the record it shows."""
    out = tmp_path_factory.mktemp("pages")
    made: dict[str, tuple[Path, dict[str, Any]]] = {}

    def add(name: str, w: lazyviz.LazyViz) -> None:
        made[name] = (w.to_html(out / f"{name}.html"), w.to_dict())

    add("structure", lazyviz.LazyViz(mlp()))
    add("mlp", lazyviz.LazyViz(mlp(), X))
    at_end = lazyviz.LazyViz(mlp(), X)
    at_end.step = at_end.steps
    add("at_end", at_end)
    autoplay = lazyviz.LazyViz(mlp(), X)
    autoplay.speed = 64.0
    autoplay.playing = True
    add("autoplay", autoplay)
    failing = lazyviz.LazyViz(mlp(), X)
    failing.feed(torch.rand(2, 30))
    add("failing", failing)
    add("hostile", lazyviz.LazyViz(_hostile_model(), X))
    return made


class _Raises(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise RuntimeError(HOSTILE_MESSAGE)


def _hostile_model() -> nn.Module:
    evil_class = type(HOSTILE_CLASS, (nn.Module,), {"forward": lambda self, x: x})
    net = nn.Sequential()
    net.add_module(HOSTILE_PATH, nn.LazyLinear(8))
    net.add_module("evil", evil_class())
    net.add_module("boom", _Raises())
    net.add_module("after", nn.LazyLinear(2))  # never reached: stays unknown
    return net


def test_structure_only_page_is_greyed(pages, open_offline) -> None:
    path, record = pages["structure"]
    view = open_offline(path)
    assert (view.step(), view.steps()) == (0, 0)
    states = view.states()
    for lazy in _lazy_modules(record):
        assert states[lazy] == "unresolved", lazy
    view.log.assert_clean()


def test_before_playing_lazy_modules_are_unresolved(pages, open_offline) -> None:
    path, record = pages["mlp"]
    view = open_offline(path)
    assert view.step() == 0
    assert view.steps() == len(record["events"])
    states = view.states()
    assert {"0", "1", "2"} <= set(states)
    assert states["0"] == states["2"] == "unresolved"
    view.log.assert_clean()


def test_after_playing_to_the_end_every_visited_node_is_resolved(pages, open_offline) -> None:
    path, record = pages["mlp"]
    view = open_offline(path)
    view.play_to_end()
    states = view.states()
    shown = _visited(record) & set(states)
    assert {"0", "1", "2"} <= shown
    assert {p: states[p] for p in shown} == dict.fromkeys(shown, "resolved")
    assert view.page.evaluate("window.lazyvizModel.get('playing')") is False
    view.log.assert_clean()


def test_a_step_set_from_python_is_where_the_page_opens(pages, open_offline) -> None:
    path, record = pages["at_end"]
    view = open_offline(path)
    assert view.step() == view.steps() == len(record["events"])
    states = view.states()
    assert states["0"] == states["2"] == "resolved"
    view.set("step", 0)
    view.page.wait_for_function("() => document.querySelector('.lazyviz').dataset.step === '0'")
    assert view.states()["0"] == "unresolved"
    view.log.assert_clean()


def test_playing_set_from_python_plays_on_the_page(pages, open_offline) -> None:
    path, _ = pages["autoplay"]
    view = open_offline(path)
    view.page.wait_for_function(
        "() => { const r = document.querySelector('.lazyviz');"
        " return r.dataset.step === r.dataset.steps; }",
        timeout=60_000,
    )
    assert view.states()["2"] == "resolved"
    view.log.assert_clean()


def test_a_failing_feed_shows_the_error_node(pages, open_offline) -> None:
    path, record = pages["failing"]
    assert record["error"]["path"] == "0"
    view = open_offline(path)
    view.play_to_end()
    states = view.states()
    assert states["0"] == "error"
    assert states["in0"] == "resolved"
    view.set("selected", record["error"]["node"])
    view.page.wait_for_function(
        "m => document.querySelector('.lazyviz').textContent.includes(m)",
        arg="2x30 and 20x256",
    )
    view.log.assert_clean()


def test_hostile_names_and_messages_are_text_not_markup(pages, open_offline) -> None:
    path, record = pages["hostile"]
    assert record["error"]["message"] == HOSTILE_MESSAGE
    view = open_offline(path)
    tags = "() => [...document.querySelectorAll('img,b,script,iframe,[onerror],[onmouseover]')]"
    before = view.page.evaluate(f"{tags}.length")
    assert before == 3  # the page's own three <script> elements
    view.play_to_end()
    states = view.states()
    assert HOSTILE_PATH in states, "data-path must carry the module path exactly"
    assert states["boom"] == "error"
    assert states[HOSTILE_PATH] == "resolved"
    assert states["after"] == "unresolved"
    evil = next(n for n in record["nodes"] if n["type"] == HOSTILE_CLASS)
    view.set("selected", evil["id"])
    view.page.wait_for_function(
        "t => document.querySelector('.lazyviz').textContent.includes(t)", arg=HOSTILE_CLASS
    )
    view.set("selected", record["error"]["node"])
    view.page.wait_for_function(
        "t => document.querySelector('.lazyviz').textContent.includes(t)", arg=HOSTILE_MESSAGE
    )
    assert view.page.evaluate(f"{tags}.length") == before
    view.log.assert_clean()


@pytest.mark.parametrize("name", ["mlp", "lenet", "resnet", "transformer"])
def test_every_demo_page_plays_to_the_end_offline(
    name: str, tmp_path: Path, open_offline, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["demo", "--model", name, "--out", str(tmp_path / "demo.html")]) == 0
    view = open_offline(Path(capsys.readouterr().out.strip()))
    assert view.step() == 0 and view.steps() > 0
    states = view.states()
    assert "unresolved" in states.values()
    view.play_to_end()
    states = view.states()
    assert set(states.values()) <= {"resolved", "unresolved"}
    assert "error" not in states.values()
    view.log.assert_clean()


def test_the_play_button_plays_and_writes_the_position_to_the_model(pages, open_offline) -> None:
    path, record = pages["mlp"]
    view = open_offline(path)
    view.set("speed", 64.0)
    view.page.get_by_role("button", name="Play (space)").click()
    view.page.wait_for_function(
        "() => { const r = document.querySelector('.lazyviz');"
        " return r.dataset.step === r.dataset.steps; }",
        timeout=60_000,
    )
    # What the kernel would receive in a notebook: the position and the stop at the end.
    model = "k => window.lazyvizModel.get(k)"
    assert view.page.evaluate(model, "step") == len(record["events"])
    assert view.page.evaluate(model, "playing") is False
    view.log.assert_clean()


def test_keyboard_moves_the_position(pages, open_offline) -> None:
    path, record = pages["mlp"]
    view = open_offline(path)
    n = len(record["events"])
    view.root().focus()
    for key, expected in (("End", n), ("ArrowLeft", n - 1), ("Home", 0), ("ArrowRight", 1)):
        view.page.keyboard.press(key)
        view.page.wait_for_function(
            "k => document.querySelector('.lazyviz').dataset.step === String(k)", arg=expected
        )
    view.log.assert_clean()
