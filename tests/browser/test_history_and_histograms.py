"""A watched widget's history and on-demand histograms on an offline page (docs/widget-state.md).

The pages are built from crafted state (trace records from ``lazyviz.trace``),
so they test the front end's half of the protocol whatever the Python widget
currently puts in its traits: ``forwards`` counts in the header that update
without a rebuild, ``lazyviz:run`` messages applied to the page's model, and
the details panel waiting for, or explaining the absence of, histograms.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

import lazyviz
from lazyviz.export.page import page
from lazyviz.models import mlp

STATIC = Path(lazyviz.__file__).parent / "static"
NOTE = "No histograms: the model failed on this batch."


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    torch.manual_seed(0)
    return [
        lazyviz.trace(mlp(), torch.rand(2, 20)).to_dict(),
        lazyviz.trace(mlp(), torch.rand(5, 20)).to_dict(),
        lazyviz.trace(mlp(), torch.rand(7, 20)).to_dict(),
    ]


def _node_id(record: dict[str, Any], path: str) -> str:
    return next(n["id"] for n in record["nodes"] if n["path"] == path)


def _write(tmp_path: Path, name: str, **state: Any) -> Path:
    base: dict[str, Any] = {
        "run": 0,
        "step": 0,
        "playing": False,
        "speed": 1.0,
        "selected": "",
        "height": 480,
        "histograms": {},
        "histogram_notes": {},
        "forwards": [],
    }
    out = tmp_path / name
    esm = (STATIC / "widget.js").read_text(encoding="utf-8")
    css = (STATIC / "widget.css").read_text(encoding="utf-8")
    out.write_text(page({**base, **state}, esm, css), encoding="utf-8")
    return out


def _header(view: Any) -> str:
    return view.page.locator(".lazyviz .lv-header").inner_text()


def _mark_root_and_graph(view: Any) -> None:
    """Remember the root and one graph node, to tell an update from a rebuild."""
    view.page.evaluate(
        """() => { window.shownRoot = document.querySelector('.lazyviz');
                   window.shownNode = document.querySelector('.lazyviz [data-path="0"]'); }"""
    )


def _same_root_and_graph(view: Any) -> bool:
    return view.page.evaluate(
        """() => window.shownRoot === document.querySelector('.lazyviz')
                 && window.shownNode === document.querySelector('.lazyviz [data-path="0"]')
                 && window.shownNode.isConnected"""
    )


def test_forwards_show_in_the_header_and_update_without_a_rebuild(
    tmp_path, records, open_offline
) -> None:
    runs = records[:2]
    path = _write(tmp_path, "forwards.html", runs=runs, run=1, step=3, forwards=[1, 1234])
    view = open_offline(path)
    assert "×1,234 forwards" in _header(view)
    options = view.page.locator(".lazyviz select.lv-runs option").all_text_contents()
    assert options == ["run 1: in (2, 20)", "run 2: in (5, 20) · ×1,234 forwards with these shapes"]
    _mark_root_and_graph(view)

    view.set("forwards", [1, 2000])
    view.page.wait_for_function(
        "() => document.querySelector('.lazyviz .lv-header').textContent.includes('×2,000')"
    )
    assert "×1,234" not in _header(view)
    assert view.page.locator(".lazyviz select.lv-runs option").nth(1).text_content() == (
        "run 2: in (5, 20) · ×2,000 forwards with these shapes"
    )
    assert _same_root_and_graph(view)
    assert view.step() == 3

    view.set("forwards", [1])  # shorter than runs for a moment: the missing count is 1
    view.page.wait_for_function(
        "() => !document.querySelector('.lazyviz .lv-header').textContent.includes('×')"
    )
    assert _same_root_and_graph(view) and view.step() == 3
    view.log.assert_clean()


def test_a_single_run_shows_its_count(tmp_path, records, open_offline) -> None:
    view = open_offline(_write(tmp_path, "one.html", runs=records[:1], forwards=[1234]))
    assert "×1,234 forwards" in _header(view)
    assert view.page.locator(".lazyviz select.lv-runs").is_hidden()
    view.log.assert_clean()


def test_run_messages_extend_the_pages_history(tmp_path, records, open_offline) -> None:
    view = open_offline(_write(tmp_path, "messages.html", runs=records[:1], forwards=[1]))
    _mark_root_and_graph(view)
    picker = view.page.locator(".lazyviz select.lv-runs")
    assert picker.is_hidden()

    # A new entry while run 0 stays on screen: the picker grows, the graph is not redrawn.
    view.page.evaluate(
        "e => window.lazyvizModel.receive({type: 'lazyviz:run', entry: e, drop: null})", records[1]
    )
    picker.wait_for(state="visible")
    assert picker.locator("option").all_text_contents() == [
        "run 1: in (2, 20)",
        "run 2: in (5, 20)",
    ]
    assert _same_root_and_graph(view)
    assert view.page.evaluate("window.lazyvizModel.get('runs').length") == 2

    # drop removes before appending; then showing the newest rebuilds the graph.
    view.page.evaluate(
        "e => window.lazyvizModel.receive({type: 'lazyviz:run', entry: e, drop: 1})", records[2]
    )
    view.page.wait_for_function(
        """() => [...document.querySelectorAll('.lazyviz select.lv-runs option')]
                 .map(o => o.textContent).join('|') === 'run 1: in (2, 20)|run 2: in (7, 20)'"""
    )
    view.set("run", 1)
    view.page.wait_for_function(
        "() => document.querySelector('.lazyviz .lv-inputs').textContent === 'in (7, 20)'"
    )
    assert not _same_root_and_graph(view)  # the graph was redrawn (the root stays)
    assert view.page.evaluate("window.shownRoot === document.querySelector('.lazyviz')")
    assert view.page.locator(".lazyviz").count() == 1
    view.log.assert_clean()


def test_histograms_are_computed_on_demand_or_explained(tmp_path, records, open_offline) -> None:
    record = records[0]
    first, last = _node_id(record, "0"), _node_id(record, "2")
    path = _write(
        tmp_path,
        "hists.html",
        runs=[record],
        step=len(record["events"]),
        histogram_notes={last: NOTE},
    )
    view = open_offline(path)
    details = view.page.locator(".lazyviz .lv-details")

    view.page.locator('.lazyviz [data-path="0"]').first.click()
    pending = details.locator(".lv-hist-pending")
    pending.wait_for()
    assert pending.text_content() == "Computing histograms…"
    assert view.page.evaluate("window.lazyvizModel.get('selected')") == first

    # Python answers with histograms whose statistics it could not compute.
    hist = {
        "edges": [-1.0, 0.0, 1.0],
        "counts": [3, 5],
        "mean": None,
        "std": None,
        "expected_std": None,
        "theory": {"x": [-1.0, 1.0], "pdf": [0.5, 0.5]},
    }
    view.set("histograms", {first: {"weight": {"default": hist}, "bias": {"default": hist}}})
    details.locator("select.lv-hist-pick").wait_for()
    assert details.locator(".lv-hist-pending").count() == 0
    captions = details.locator(".lv-hist figcaption").all_text_contents()
    assert captions == [
        "weight mean n/a std n/a (expected n/a)",
        "bias mean n/a std n/a (expected n/a)",
    ]

    view.page.locator('.lazyviz [data-path="2"]').first.click()
    note = details.locator(".lv-hist-note")
    note.wait_for()
    assert note.text_content() == NOTE
    assert details.locator(".lv-hist-pending, .lv-hist").count() == 0

    # A node without parameters has no histogram section at all.
    view.page.locator('.lazyviz [data-path="1"]').first.click()
    view.page.wait_for_function(
        "() => document.querySelector('.lazyviz .lv-details code')?.textContent === '1'"
    )
    assert details.locator(".lv-hist-pending, .lv-hist-note, .lv-hists").count() == 0

    # A note for every node (an offline page that left them out) arrives later.
    view.page.locator('.lazyviz [data-path="0"]').first.click()
    details.locator("select.lv-hist-pick").wait_for()
    view.set("histograms", {})
    pending.wait_for()
    view.set("histogram_notes", {last: NOTE, "*": "Left out of this page to keep it small."})
    note.wait_for()
    assert note.text_content() == "Left out of this page to keep it small."
    view.log.assert_clean()
