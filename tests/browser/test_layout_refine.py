"""A branching graph paints a quick layout at once, then ELK's from a Web Worker replaces it.

ELK (1.6 MB of code, ~0.5 s to load) is off the first-paint path: the page is
ready with the quick layered layout (``data-layout="quick"`` on the drawing),
and the refined layout arrives from a Blob-URL worker, which the offline
page's Content-Security-Policy allows, with nothing fetched and no error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lazyviz.cli import main as cli_main


def test_branching_graph_paints_quick_then_swaps_in_elk(
    tmp_path: Path, open_offline, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["demo", "--model", "resnet", "--out", str(tmp_path / "resnet.html")]) == 0
    view = open_offline(Path(capsys.readouterr().out.strip()))
    page = view.page
    first = page.locator(".lazyviz .lv-content").get_attribute("data-layout")
    assert first in {"quick", "final"}  # "final" only if ELK already won the race
    final = '.lazyviz .lv-content[data-layout="final"]'
    page.wait_for_selector(final, state="attached", timeout=20_000)
    assert page.locator(".lazyviz .lv-content").count() == 1  # swapped, not stacked
    states = view.states()
    assert "unresolved" in states.values()
    view.play_to_end()
    assert "error" not in view.states().values()
    assert [w.url[:5] for w in page.workers] == ["blob:"]  # ELK's worker, made from the page
    view.log.assert_clean()
